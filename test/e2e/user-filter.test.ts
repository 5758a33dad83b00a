import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { runCabinet, cleanEnv } from '../helpers/cli.ts';
import { createMigratedDatabase } from '../helpers/db.ts';
import { binCabinet, ensureBuilt, startTmux, terminalEnv, type TmuxSession } from '../helpers/tmux.ts';

/** `^text` means "starts with" in any case, for user ids as for addresses (README), from the shell and in the console. */
let db: Awaited<ReturnType<typeof createMigratedDatabase>>;
let tmux: TmuxSession | undefined;

beforeAll(async () => {
  ensureBuilt();
  db = await createMigratedDatabase('e2e_ufilter');
  // Ids as an identity provider writes them (psql, not cabinet): mixed case, a prefix shared in another case.
  await db.query(
    `insert into users (user_id, email, last_seen) values
       ('Okta|ABC-7', 'seven@example.com', now() - interval '1 day'),
       ('okta|abc-9', 'nine@example.com', now() - interval '2 days'),
       ('okta|abd-8', 'eight@example.com', now() - interval '3 days'),
       ('x-okta|abc', 'x@example.com', now() - interval '4 days')`,
  );
});
afterAll(async () => {
  await db?.close();
});
afterEach(() => {
  tmux?.kill();
  tmux = undefined;
});

describe('^ on user ids, any case', () => {
  it('cabinet users list --filter ^OKTA|ABC finds Okta|ABC-7 and okta|abc-9, not an id that only contains it', async () => {
    for (const filter of ['^OKTA|ABC', '^okta|abc', '^Okta|Abc']) {
      const r = await runCabinet(['users', 'list', '--json', '--filter', filter], { env: cleanEnv({ DATABASE_URL: db.url }) });
      expect(r.code, r.stderr).toBe(0);
      expect((JSON.parse(r.stdout) as { user_id: string }[]).map((u) => u.user_id)).toEqual(['Okta|ABC-7', 'okta|abc-9']);
    }
  });

  it('the console filter ^okta|abc shows both ids whatever their case', async () => {
    tmux = startTmux([binCabinet], { env: terminalEnv({ DATABASE_URL: db.url }) });
    await tmux.waitFor('Sites (0)');
    tmux.type(':');
    tmux.type('users');
    tmux.keys('Enter');
    await tmux.waitFor('Users (4)');
    tmux.type('/');
    tmux.type('^okta|abc');
    const screen = await tmux.waitFor((s) => s.includes('Users (2)'));
    expect(screen).toContain('Okta|ABC-7');
    expect(screen).toContain('okta|abc-9');
    expect(screen).not.toContain('okta|abd-8');
    expect(screen).not.toContain('x-okta|abc');
  });
});
