import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { cleanEnv, runCabinet } from '../helpers/cli.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/db.ts';
import { binCabinet, ensureBuilt, startTmux, terminalEnv, type TmuxSession } from '../helpers/tmux.ts';

let db: TestDatabase;
let tmux: TmuxSession | undefined;

beforeAll(async () => {
  ensureBuilt();
  db = await createTestDatabase('e2e_migrate');
});
afterAll(async () => {
  await db?.drop();
});
afterEach(() => {
  tmux?.kill();
  tmux = undefined;
});

describe('a new database: cabinet migrate, then the console', () => {
  it('warns about pending migrations before, and shows an empty sites list after migrating', async () => {
    // Before: the console opens, says migrations are pending, and still quits cleanly.
    tmux = startTmux([binCabinet], { env: terminalEnv({ DATABASE_URL: db.url }) });
    await tmux.waitFor(/pending migration/);
    expect(tmux.info('#{alternate_on}')).toBe('1');
    tmux.keys('q');
    expect(await tmux.waitForExit()).toBe(0);
    expect(tmux.info('#{alternate_on}')).toBe('0');
    tmux.kill();

    const migrate = await runCabinet(['migrate'], { env: cleanEnv({ DATABASE_URL: db.url }) });
    expect(migrate.code, migrate.stderr).toBe(0);
    const tables = await db.query<{ name: string }>(`select tablename as name from pg_tables where schemaname = 'public' order by 1`);
    expect(tables.rows.map((r) => r.name)).toEqual(expect.arrayContaining(['sites', 'users']));

    tmux = startTmux([binCabinet], { env: terminalEnv({ DATABASE_URL: db.url }) });
    // The list's rows come with Ink's first frame now; the footer names the screen's keys once the screen
    // has registered them, a frame later.
    const screen = await tmux.waitFor((s) => s.includes('No sites yet') && /n new site/.test(s));
    // The header's one short form: who, where and which database (the role only when it is not the user).
    expect(screen.split('\n')[0]).toMatch(new RegExp(`^cabinet  ${db.target.user}@socket/${db.name}\\s`));
    expect(screen).toContain('read-write');
    expect(screen).not.toMatch(/pending migration/);
    expect(screen).toMatch(/Sites \(0\)/);
    // The footer is the keymap: it names the keys that work here, and on an empty list filtering is not one.
    expect(screen).toMatch(/n new site/);
    expect(screen).not.toMatch(/\/ filter/);
    expect(screen).toMatch(/\?\/Ctrl-G help/);

    tmux.keys('q');
    expect(await tmux.waitForExit()).toBe(0);
    expect(tmux.info('#{alternate_on}')).toBe('0');
  });
});
