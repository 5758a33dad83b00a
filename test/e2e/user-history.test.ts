import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createMigratedDatabase } from '../helpers/db.ts';
import { binCabinet, ensureBuilt, startTmux, terminalEnv, type TmuxSession } from '../helpers/tmux.ts';

/**
 * The real binary in a terminal (issue 11, item 10): a user edit shows old → new before it is saved, the
 * save lands in user_revisions with who and from where, and `h` shows it next to a sign-in made by psql.
 */
let db: Awaited<ReturnType<typeof createMigratedDatabase>>;
let tmux: TmuxSession | undefined;

beforeAll(async () => {
  ensureBuilt();
  db = await createMigratedDatabase('e2e_uhist');
  // Written by psql, not cabinet: the history starts with a change made outside cabinet.
  await db.query(`insert into users (user_id, email, first_seen, last_seen) values ('280000000000000001', 'anna@example.com', '2026-01-02 03:04:05+00', '2026-01-02 03:04:05+00')`);
});
afterAll(async () => {
  await db?.close();
});
afterEach(() => {
  tmux?.kill();
  tmux = undefined;
});

describe('a user’s history in the console', () => {
  it('e, Ctrl-S shows email old → new; y saves and records it; a psql sign-in follows; h lists both, Enter shows old → new', async () => {
    tmux = startTmux([binCabinet], { env: terminalEnv({ DATABASE_URL: db.url, SSH_CLIENT: '100.101.102.103 50022 22' }) });
    await tmux.waitFor('Sites (0)');
    tmux.type(':');
    tmux.type('users');
    tmux.keys('Enter');
    await tmux.waitFor('Users (1)');
    tmux.type('e');
    await tmux.waitFor('Edit user 280000000000000001');
    for (let i = 0; i < 'example.com'.length; i++) tmux.keys('BSpace');
    tmux.type('acme.de');
    await tmux.waitFor('anna@acme.de');
    tmux.keys('C-s');
    await tmux.waitFor(/email\s+anna@example\.com → anna@acme\.de/);
    expect((await db.query(`select count(*)::int as n from user_revisions`)).rows[0]!.n).toBe(0);
    tmux.type('y');
    await tmux.waitFor('saved user 280000000000000001: email');
    const rev = await db.query(`select rev, action, actor, old_values->>'email' as old, new_values->>'email' as new from user_revisions`);
    expect(rev.rows).toEqual([{ rev: 1, action: 'update', actor: expect.stringMatching(/ from 100\.101\.102\.103$/), old: 'anna@example.com', new: 'anna@acme.de' }]);

    await db.query(`update users set last_seen = '2026-03-01 10:00:00.123456+00' where user_id = '280000000000000001'`);
    tmux.type('h');
    const screen = await tmux.waitFor('1 revision · newest first');
    expect(screen).toMatch(/changed outside cabinet \(1 write\): last seen/);
    expect(screen).toMatch(/rev 1\s+v2 .*update\s+email\s+by .* from 100\.101\.102\.103/);
    expect(screen).toMatch(/created outside cabinet/);
    tmux.keys('Down');
    tmux.keys('Enter');
    const shown = await tmux.waitFor('Revision 1: update');
    expect(shown).toMatch(/email\s+anna@example\.com → anna@acme\.de/);
  });
});
