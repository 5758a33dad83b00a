import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cluster, createMigratedDatabase } from '../helpers/db.ts';
import { ensureBuilt } from '../helpers/tmux.ts';
import { scratchCli } from './support.ts';

/**
 * Each unusual setting on its own, set for the database (ALTER DATABASE) or for cabinet's role in it
 * (ALTER ROLE … IN DATABASE), through the real binary: create, set, show, list, history, diff and an
 * export → import round trip read and write the same as on a stock server. (server-settings.test.ts has
 * them all at once, with the console.)
 */
const SETTINGS: [name: string, value: string, scope: 'database' | 'role'][] = [
  ['DateStyle', `'SQL, DMY'`, 'database'],
  ['DateStyle', `'German'`, 'role'],
  ['IntervalStyle', `'iso_8601'`, 'role'],
  ['TimeZone', `'Asia/Kathmandu'`, 'database'],
  ['search_path', `decoy`, 'role'],
  ['standard_conforming_strings', 'off', 'database'],
  ['extra_float_digits', '-15', 'role'],
  ['bytea_output', `'escape'`, 'database'],
  ['client_encoding', `'SQL_ASCII'`, 'role'],
];

let db: Awaited<ReturnType<typeof createMigratedDatabase>>;
const cli = scratchCli('odd-each');
const run = (args: string[], input?: string) => cli.run(args, { url: db.url, ...(input === undefined ? {} : { input }) });
const ok = async (args: string[], input?: string) => {
  const r = await run(args, input);
  expect(r.code, `cabinet ${args.join(' ')}: ${r.stderr}`).toBe(0);
  expect(r.stdout + r.stderr, `cabinet ${args.join(' ')}`).not.toMatch(/1970|Invalid time value|outside cabinet/);
  return r;
};
const recent = (iso: string) => expect(Math.abs(Date.parse(iso) - Date.now()), iso).toBeLessThan(10 * 60_000);

beforeAll(async () => {
  ensureBuilt();
  db = await createMigratedDatabase('odd_each');
  await db.query(`create schema decoy`);
  await db.query(`create table decoy.sites (site_id text primary key, ai_prompt text)`);
});
afterAll(async () => {
  await db?.query(`alter role ${cluster().user} in database ${db.name} reset all`).catch(() => {});
  await db?.close();
  await cli.cleanup();
});

describe.each(SETTINGS)('%s = %s for the %s', (name, value, scope) => {
  const id = `s-${name.toLowerCase().replaceAll('_', '-')}-${scope}-${value.replace(/[^a-z0-9]/gi, '').toLowerCase()}`.slice(0, 60);

  beforeAll(async () => {
    await db.query(`alter database ${db.name} reset all`);
    await db.query(`alter role ${cluster().user} in database ${db.name} reset all`);
    await db.query(scope === 'database' ? `alter database ${db.name} set ${name} = ${value}` : `alter role ${cluster().user} in database ${db.name} set ${name} = ${value}`);
  });

  it('create, set, show, list, history, diff, export → import', async () => {
    const created = JSON.parse((await ok(['sites', 'create', id, '--domain', `${id}.example`, '--brand-name', "It's \\ one", '--json'])).stdout);
    recent(created.created_at);
    await ok(['sites', 'set', id, '--brand-name', "It's \\ two", '--ai-prompt-file', '-'], 'Grüße \\ 🛋️\n');
    const shown = JSON.parse((await ok(['sites', 'show', id, '--json'])).stdout);
    expect(shown).toMatchObject({ brand_name: "It's \\ two", ai_prompt: 'Grüße \\ 🛋️\n', version: 2 });
    recent(shown.created_at);
    recent(shown.updated_at);
    const listed = (JSON.parse((await ok(['sites', 'list', '--json', '--filter', id])).stdout) as { site_id: string; created_at: string }[]).find((s) => s.site_id === id)!;
    expect(listed.created_at).toBe(shown.created_at);
    const history = JSON.parse((await ok(['sites', 'history', id, '--json'])).stdout) as { action: string }[];
    expect(history.map((h) => h.action)).toEqual(['update', 'create']);
    expect((await ok(['sites', 'diff', id, '1'])).stdout).toContain("It's \\ two");
    const exported = (await ok(['sites', 'export'])).stdout;
    expect(JSON.parse((await ok(['sites', 'import', '--dry-run', '--json'], exported)).stdout)).toMatchObject({ created: 0, changed: 0 });
    // What n8n reads, from cabinet's own table, byte for byte.
    const { rows } = await db.query(`select brand_name, ai_prompt from public.sites where site_id = $1`, [id]);
    expect(rows[0]).toEqual({ brand_name: "It's \\ two", ai_prompt: 'Grüße \\ 🛋️\n' });
  });
});
