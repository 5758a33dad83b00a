import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { cluster, createTestDatabase, type TestDatabase } from '../helpers/db.ts';
import { binCabinet, ensureBuilt, startTmux, terminalEnv, type TmuxSession } from '../helpers/tmux.ts';
import { scratchCli } from './support.ts';
import { focusField, tmuxForm } from '../helpers/focus-field.ts';

/**
 * A database whose own settings (ALTER DATABASE … SET) are as unusual as a DBA may make them: nothing cabinet
 * shows or writes may depend on them. search_path puts a schema first that has a `sites` table of its own.
 */
const ODD_SETTINGS: [string, string][] = [
  ['DateStyle', `'SQL, DMY'`],
  ['IntervalStyle', `'sql_standard'`],
  ['TimeZone', `'Pacific/Chatham'`],
  ['search_path', 'decoy, public'],
  ['standard_conforming_strings', 'off'],
  ['extra_float_digits', '-15'],
  ['bytea_output', `'escape'`],
  ['client_encoding', `'LATIN1'`],
];

let db: TestDatabase;
let tmux: TmuxSession | undefined;
const cli = scratchCli('odd-settings');
const run = (args: string[], options: { input?: string } = {}) => cli.run(args, { url: db.url, ...options });
const ok = async (args: string[], options: { input?: string } = {}) => {
  const r = await run(args, options);
  expect(r.code, `cabinet ${args.join(' ')}: ${r.stderr}`).toBe(0);
  expect(r.stdout + r.stderr, `cabinet ${args.join(' ')}`).not.toMatch(/1970|Invalid time value|outside cabinet/);
  return r;
};
/** A timestamp cabinet printed is now, not 1970 and not hours off. */
const recent = (iso: string) => expect(Math.abs(Date.parse(iso) - Date.now()), iso).toBeLessThan(10 * 60_000);

beforeAll(async () => {
  ensureBuilt();
  db = await createTestDatabase('odd');
  await db.query(`create schema decoy`);
  await db.query(`create table decoy.sites (site_id text primary key, ai_prompt text, note text)`);
  await db.query(`insert into decoy.sites values ('decoy-site', 'not cabinet''s', 'decoy')`);
  for (const [name, value] of ODD_SETTINGS) await db.query(`alter database ${db.name} set ${name} = ${value}`);
});
afterAll(async () => {
  await db?.drop();
  await cli.cleanup();
});
afterEach(() => {
  tmux?.kill();
  tmux = undefined;
});

describe('a database with unusual DateStyle, IntervalStyle, TimeZone, search_path and string settings', () => {
  it('the settings are in force for a new connection (else this test proves nothing)', async () => {
    const c = cluster();
    const fresh = new pg.Client({ host: c.socket, port: c.port, user: c.user, database: db.name });
    await fresh.connect();
    const { rows } = await fresh
      .query(`select current_setting('DateStyle') as ds, current_setting('search_path') as sp, current_setting('standard_conforming_strings') as scs, current_setting('TimeZone') as tz`)
      .finally(() => fresh.end());
    expect(rows[0]).toEqual({ ds: 'SQL, DMY', sp: 'decoy, public', scs: 'off', tz: 'Pacific/Chatham' });
  });

  it('migrate puts cabinet tables in public, beside the decoy schema, and leaves the decoy alone', async () => {
    await ok(['migrate']);
    const { rows } = await db.query(`select to_regclass('public.sites') is not null as public_sites, to_regclass('decoy.site_revisions') is null as no_decoy_revisions`);
    expect(rows[0]).toEqual({ public_sites: true, no_decoy_revisions: true });
    expect((await ok(['migrate', 'status'])).stdout).toMatch(/up to date|no pending/i);
  });

  it("doctor says that n8n's unqualified query would read the decoy's sites table", async () => {
    const r = await run(['doctor']);
    expect(r.stdout + r.stderr).toContain(`an unqualified sites is decoy.sites under this database's search_path (decoy, public), not cabinet's public.sites`);
    expect(r.stdout + r.stderr).not.toMatch(/1970|Invalid time value/);
  });

  it('create, list, show, set, history, diff: right times, cabinet own tables, no invented history', async () => {
    const created = JSON.parse((await ok(['sites', 'create', 'odd-site', '--domain', 'odd.example', '--brand-name', "O'Brien \\ Co", '--json'])).stdout);
    recent(created.created_at);
    recent(created.updated_at);
    const list = JSON.parse((await ok(['sites', 'list', '--json'])).stdout) as { site_id: string; created_at: string }[];
    expect(list.map((s) => s.site_id)).toEqual(['odd-site']);
    recent(list[0]!.created_at);
    const show = JSON.parse((await ok(['sites', 'show', 'odd-site', '--json'])).stdout);
    expect(show).toMatchObject({ brand_name: "O'Brien \\ Co", version: 1 });
    recent(show.created_at);
    const text = (await ok(['sites', 'show', 'odd-site'])).stdout;
    expect(text).toContain(String(new Date().getUTCFullYear()));

    await ok(['sites', 'set', 'odd-site', '--brand-name', 'Odd \\n Two', '--ai-prompt-file', '-'], { input: "Line with a backslash \\ and 'quotes'\n" });
    const history = JSON.parse((await ok(['sites', 'history', 'odd-site', '--json'])).stdout) as { rev: number; action: string; created_at?: string; at?: string }[];
    expect(history.map((h) => h.action)).toEqual(['update', 'create']);
    expect((await ok(['sites', 'history', 'odd-site'])).stdout).not.toMatch(/outside/);
    const diff = (await ok(['sites', 'diff', 'odd-site', '1'])).stdout;
    expect(diff).toContain('Odd \\n Two');

    // The row as n8n reads it, qualified: in public, byte for byte; the decoy untouched.
    const { rows } = await db.query(`select brand_name, ai_prompt from public.sites where site_id = 'odd-site'`);
    expect(rows[0]).toEqual({ brand_name: 'Odd \\n Two', ai_prompt: "Line with a backslash \\ and 'quotes'\n" });
    expect((await db.query(`select count(*)::int as n from decoy.sites`)).rows[0]).toEqual({ n: 1 });
  });

  it('export and import round-trip without a change; users keep their times', async () => {
    await ok(['users', 'create', '880000000000000001', '--email', 'odd@example.com', '--first-seen', '2026-01-02T03:04:05.678Z']);
    expect(JSON.parse((await ok(['users', 'show', '880000000000000001', '--json'])).stdout)).toMatchObject({ first_seen: '2026-01-02T03:04:05.678Z' });
    const users = (await ok(['users', 'export', '--ndjson'])).stdout;
    expect(users).toContain('"first_seen":"2026-01-02T03:04:05.678000Z"');
    const sites = (await ok(['sites', 'export'])).stdout;
    recent(JSON.parse(sites)[0].created_at);
    const sitesBack = await ok(['sites', 'import', '--dry-run', '--json'], { input: sites });
    const usersBack = await ok(['users', 'import', '--dry-run', '--json'], { input: users });
    expect(JSON.parse(sitesBack.stdout)).toMatchObject({ created: 0, changed: 0, unchanged: 1 });
    expect(JSON.parse(usersBack.stdout)).toMatchObject({ created: 0, changed: 0, unchanged: 1 });
    await ok(['sites', 'import', '--yes'], { input: sites });
    await ok(['users', 'import', '--yes'], { input: users });
    const after = await db.query(`select to_char(first_seen at time zone 'UTC', 'YYYY-MM-DD HH24:MI:SS.MS') as t from public.users where user_id = '880000000000000001'`);
    expect(after.rows[0]).toEqual({ t: '2026-01-02 03:04:05.678' });
    expect(JSON.parse((await ok(['sites', 'history', 'odd-site', '--json'])).stdout)).toHaveLength(2);
  });

  it('the console shows the right dates and saves an edit', async () => {
    tmux = startTmux([binCabinet], { env: terminalEnv({ DATABASE_URL: db.url }), width: 120, height: 34 });
    await tmux.waitFor('Sites (1)');
    tmux.keys('Enter');
    let screen = await tmux.waitFor((s) => s.includes('Site odd-site') && s.includes('e edit'));
    expect(screen).not.toContain('1970');
    expect(screen).toContain(String(new Date().getUTCFullYear()));
    tmux.type('e');
    await tmux.waitFor('Edit site odd-site');
    await focusField(tmuxForm(tmux), 'brand name');
    tmux.keys('End');
    tmux.type(' Console');
    await tmux.waitFor(' Console');
    tmux.keys('C-s');
    await tmux.waitFor('Save these changes?');
    tmux.type('y');
    screen = await tmux.waitFor('saved odd-site');
    expect(screen).not.toMatch(/1970|Invalid time value/);
    const { rows } = await db.query(`select brand_name, version from public.sites where site_id = 'odd-site'`);
    expect(rows[0]).toEqual({ brand_name: 'Odd \\n Two Console', version: 3 });
    // Back from the detail to the list, then quit.
    tmux.type('q');
    screen = await tmux.waitFor('q/Ctrl-C quit');
    expect(screen).not.toContain('1970');
    tmux.type('q');
    expect(await tmux.waitForExit()).toBe(0);
  });
});
