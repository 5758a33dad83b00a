import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMigratedDatabase } from '../helpers/db.ts';
import { oneLine, scratchCli } from './support.ts';

/** `cabinet users history ID` through the real binary: who, when, from where, old → new, and gaps. */
let db: Awaited<ReturnType<typeof createMigratedDatabase>>;
const cli = scratchCli('uhist');
const run = (args: string[], options: { input?: string; env?: Record<string, string> } = {}) => cli.run(args, { url: db.url, ...options });

beforeAll(async () => {
  db = await createMigratedDatabase('uhistcli');
});
afterAll(async () => {
  await db.close();
  await cli.cleanup();
});

describe('cabinet users history', () => {
  it('lists create, set (with the note), a sign-in made outside cabinet, an import and the delete, newest first', async () => {
    const ssh = { SSH_CLIENT: '100.101.102.103 50022 22' };
    expect((await run(['users', 'create', '281992467209388035', '--email', 'anna@acme.de', '--first-seen', '2026-01-02T03:04:05Z', '--note', 'new hire'], { env: ssh })).code).toBe(0);
    const set = await run(['users', 'set', '281992467209388035', '--email', 'anna.schmidt@acme.de', '--note', 'ticket 4711', '--actor', 'helpdesk'], { env: ssh });
    expect(set.code, set.stderr).toBe(0);
    await db.query(`update users set last_seen = '2026-03-01T10:00:00.123456Z' where user_id = '281992467209388035'`);
    const imp = await run(['users', 'import', '--yes', '--note', 'nightly sync'], { input: '{"user_id":"281992467209388035","email":"anna@acme.example"}\n' });
    expect(imp.code, imp.stderr).toBe(0);
    const del = await run(['users', 'delete', '281992467209388035', '--yes', '--note', 'left'], { env: ssh });
    expect(del.code, del.stderr).toBe(0);

    const table = await run(['users', 'history', '281992467209388035'], { env: { COLUMNS: '250' } });
    expect(table.code, table.stderr).toBe(0);
    const lines = table.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^REV\s+WHEN\s+ACTION\s+ACTOR\s+VERSION\s+CHANGE\s+NOTE$/);
    expect(lines[1]).toMatch(/^\s*4\s+\S+ \S+Z\s+delete\s+\S+ from 100\.101\.102\.103\s+4\s+deleted anna@acme\.example\s+left$/);
    expect(lines[2]).toMatch(/^\s*3\s.*update\s.*email: anna\.schmidt@acme\.de → anna@acme\.example\s+nightly sync$/);
    expect(lines[3]).toMatch(/^\s*-\s.*update\s+\(outside cabinet\)\s+3\s+last_seen: 2026-01-02T03:04:05\.000000Z → 2026-03-01T10:00:00\.123456Z\s+changed outside cabinet: version 2 → 3$/);
    expect(lines[4]).toMatch(/^\s*2\s.*update\s+helpdesk from 100\.101\.102\.103\s+2\s+email: anna@acme\.de → anna\.schmidt@acme\.de\s+ticket 4711$/);
    expect(lines[5]).toMatch(/^\s*1\s.*create\s+\S+ from 100\.101\.102\.103\s+1\s+email anna@acme\.de\s+new hire$/);
    expect(lines).toHaveLength(6);

    const json = await run(['users', 'history', '281992467209388035', '--json']);
    const entries = JSON.parse(json.stdout) as Record<string, unknown>[];
    expect(entries.map((e) => [e.kind, e.rev, e.action])).toEqual([
      ['revision', 4, 'delete'],
      ['revision', 3, 'update'],
      ['outside', null, 'update'],
      ['revision', 2, 'update'],
      ['revision', 1, 'create'],
    ]);
    expect(entries[3]).toMatchObject({ actor: 'helpdesk from 100.101.102.103', note: 'ticket 4711', changed: ['email'], old_values: { email: 'anna@acme.de' }, new_values: { email: 'anna.schmidt@acme.de' } });
    expect(entries[2]).toMatchObject({ from_version: 2, to_version: 3, writes: 1, changed: ['last_seen'] });
  });

  it('an id with no user and no history: one line, exit 1; a bad --before: usage, exit 2', async () => {
    const none = await run(['users', 'history', 'nobody']);
    expect(none.code).toBe(1);
    expect(oneLine(none.stderr)).toBe('cabinet: no user with id nobody and no history of one');
    const bad = await run(['users', 'history', 'nobody', '--before', 'x']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--before takes a revision number/);
  });

  it('a value that would act on a terminal is shown escaped', async () => {
    await db.query(`insert into users (user_id, email) values ('esc', E'evil\\x1b[2J@example.com')`);
    await run(['users', 'set', 'esc', '--email', 'fine@example.com']);
    const r = await run(['users', 'history', 'esc'], { env: { COLUMNS: '250' } });
    expect(r.stdout).not.toContain('\x1b');
    expect(r.stdout).toContain('evil\\x1b[2J@example.com → fine@example.com');
  });
});
