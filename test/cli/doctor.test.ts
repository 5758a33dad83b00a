import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../helpers/db.ts';
import { scratchCli } from './support.ts';

/** cabinet doctor on a real server: a fresh database, then migrated, then with data; and unreachable ones. */
let db: TestDatabase;
const cli = scratchCli('doctor');
const run = (args: string[], url = db.url) => cli.run(args, { url });
const line = (out: string, title: string) => out.split('\n').find((l) => l.slice(2).startsWith(title)) ?? '';

beforeAll(async () => {
  db = await createTestDatabase('doctor');
});
afterAll(async () => {
  await db.drop();
  await cli.cleanup();
});

describe('cabinet doctor', () => {
  it('reports ✗ for pending migrations (exit 1), and ✓ after cabinet migrate (exit 0)', async () => {
    const before = await run(['doctor']);
    expect(before.code).toBe(1);
    expect(before.stderr).toBe('');
    expect(line(before.stdout, 'migrations')).toMatch(/^✗ migrations\s+\d+ pending: Migration\d+_initial_schema/);
    expect(before.stdout).toMatch(/^\s+fix: cabinet migrate/m);
    expect(line(before.stdout, "n8n's query")).toMatch(/^✗/);
    expect(line(before.stdout, 'schema drift')).toMatch(/^\? schema drift\s+not checked while migrations are pending/);

    const migrate = await run(['migrate']);
    expect(migrate.code, migrate.stderr).toBe(0);

    const after = await run(['doctor']);
    expect(after.code, after.stdout).toBe(0);
    expect(line(after.stdout, 'connection path')).toMatch(/^✓ connection path\s+Unix socket /);
    expect(line(after.stdout, 'server version')).toMatch(/^✓ server version\s+PostgreSQL \d+/);
    expect(line(after.stdout, 'listen_addresses')).toMatch(/^✓ listen_addresses\s+'/);
    expect(line(after.stdout, 'ssl')).toMatch(/^✓ ssl\s+ssl = (on|off); this connection: not TLS/);
    // The test cluster's role is a superuser: a warning, not a failure.
    expect(line(after.stdout, 'role')).toMatch(/^! role\s+\S+ is a superuser/);
    expect(line(after.stdout, 'migrations')).toMatch(/^✓ migrations\s+all \d+ applied/);
    expect(line(after.stdout, 'schema drift')).toMatch(/^✓ schema drift\s+entities, migrations and the live schema agree/);
    expect(line(after.stdout, "n8n's query")).toMatch(/^! n8n's query\s+runs, but there are no sites yet/);
  });

  it("runs n8n's query on a real site; --json for monitoring", async () => {
    await db.query(`insert into sites (site_id, domain, brand_name, language, ai_prompt) values ('acme-de', 'acme.de', 'ACME', 'de', 'Hallo 👋')`);
    const r = await run(['doctor', '--json']);
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout) as { ok: boolean; checks: { id: string; status: string; detail: string }[] };
    expect(report.ok).toBe(true);
    expect(report.checks.map((c) => c.id)).toEqual(['connection', 'server', 'listen_addresses', 'ssl', 'role', 'migrations', 'drift', 'n8n', 'n8n-path', 'hidden-text', 'presence']);
    expect(report.checks.find((c) => c.id === 'n8n')).toMatchObject({ status: 'ok', detail: 'site acme-de: language de, brand ACME, prompt of 7 characters' });
    // A superuser sees every console's announcement in full (README: Presence).
    expect(report.checks.find((c) => c.id === 'presence')).toMatchObject({ status: 'ok', detail: expect.stringMatching(/^role \S+ sees who edits what in full, for consoles of every role$/) });
    expect(report.checks.find((c) => c.id === 'n8n-path')).toMatchObject({ status: 'ok', detail: 'sites is public.sites under search_path "$user", public' });
  });

  it('reports schema drift made behind the migrations', async () => {
    await db.query(`alter table sites add column notes text`);
    const r = await run(['doctor']);
    expect(r.code).toBe(1);
    expect(line(r.stdout, 'schema drift')).toMatch(/^✗ schema drift\s+live schema differs: .*notes/);
    await db.query(`alter table sites drop column notes`);
  });

  it('a server that does not answer: ✗ connection path with a fix, exit 1', async () => {
    const r = await run(['doctor'], 'postgres://nobody@127.0.0.1:1/nothing');
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^✗ connection path\s+cannot connect to nobody@127\.0\.0\.1:1\/nothing: connection refused$/m);
    expect(r.stdout).toMatch(/^\s+fix: is the PostgreSQL server running\?$/m);
  });

  it('a host off the tailnet: ✗ before any connection, naming the way out', async () => {
    const r = await run(['doctor'], 'postgres://nobody@203.0.113.7/db');
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^✗ connection path\s+refusing to connect: 203\.0\.113\.7 is not a Tailscale address/m);
    expect(r.stdout).toMatch(/fix: pass --allow-non-tailnet to connect anyway/);
  });
});
