import crypto from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cluster, createMigratedDatabase } from '../helpers/db.ts';
import { scratchCli } from './support.ts';

/**
 * cabinet roles on the shared test cluster. Roles are cluster-wide, so this file uses its own prefix and
 * drops its roles at the end. The Unix socket trusts any role (log in as each one); the loopback TCP
 * port asks for a password (the one apply set).
 */
let db: Awaited<ReturnType<typeof createMigratedDatabase>>;
const cli = scratchCli('roles');
const prefix = `t${crypto.randomBytes(4).toString('hex')}`;
const role = { owner: `${prefix}_owner`, app: `${prefix}_app`, n8n: `${prefix}_n8n`, readonly: `${prefix}_readonly` };
const appPassword = `pw-${crypto.randomBytes(9).toString('base64url')}`;
const urlAs = (name: string) => `postgres://${name}@/${db.name}?host=${encodeURIComponent(cluster().socket)}&port=${cluster().port}`;

async function asRole<T>(name: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const c = cluster();
  const client = new pg.Client({ host: c.socket, port: c.port, user: name, database: db.name });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

const errorOf = (p: Promise<unknown>) => p.then(() => undefined, (e: { code?: string; message: string }) => e);

beforeAll(async () => {
  db = await createMigratedDatabase('roles');
  await db.query(`insert into sites (site_id, domain, brand_name, language, ai_prompt) values ('acme-de', 'acme.de', 'ACME', 'de', 'Hallo')`);
  await db.query(`insert into users (user_id, email) values ('1', 'anna@example.com')`);
});
afterAll(async () => {
  await db.close();
  const c = cluster();
  const admin = new pg.Client({ host: c.socket, port: c.port, user: c.user, database: 'postgres' });
  await admin.connect();
  for (const name of Object.values(role)) await admin.query(`drop role if exists ${admin.escapeIdentifier(name)}`);
  await admin.end();
  await cli.cleanup();
});

describe('cabinet roles', () => {
  it('sql prints the script: four roles, least privilege, no password', async () => {
    const r = await cli.run(['roles', 'sql', '--prefix', prefix]);
    expect(r.code).toBe(0);
    for (const name of Object.values(role)) expect(r.stdout).toContain(name);
    expect(r.stdout).toMatch(/^BEGIN;$/m);
    expect(r.stdout).toContain(`GRANT SELECT ON TABLE sites TO ${role.n8n};`);
    expect(r.stdout).not.toMatch(/PASSWORD '/);
  });

  it('apply asks first: without a terminal and without --yes it changes nothing (exit 2)', async () => {
    const r = await cli.run(['roles', 'apply', '--prefix', prefix], { url: db.url });
    expect(r.code).toBe(2);
    expect((await db.query(`select count(*)::int as n from pg_roles where rolname like $1`, [`${prefix}\\_%`])).rows[0]!.n).toBe(0);
  });

  it('apply --yes creates the roles; the password comes from the environment and is never printed', async () => {
    const r = await cli.run(['roles', 'apply', '--prefix', prefix, '--yes'], { url: db.url, env: { CABINET_APP_PASSWORD: appPassword } });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout + r.stderr).not.toContain(appPassword);
    expect(r.stdout).toMatch(new RegExp(`^  ${role.app}\\s+password set from CABINET_APP_PASSWORD$`, 'm'));
    expect(r.stdout).toMatch(new RegExp(`^  ${role.n8n}\\s+no password`, 'm'));
    const flags = await db.query(`select rolname, rolsuper, rolcreaterole, rolcreatedb, rolcanlogin from pg_roles where rolname like $1 order by 1`, [`${prefix}\\_%`]);
    expect(flags.rows).toHaveLength(4);
    for (const row of flags.rows) expect(row).toMatchObject({ rolsuper: false, rolcreaterole: false, rolcreatedb: false, rolcanlogin: true });
    expect((await db.query(`select tableowner from pg_tables where tablename = 'sites'`)).rows[0]!.tableowner).toBe(role.owner);
    // Running it again is fine and keeps the password.
    const again = await cli.run(['roles', 'apply', '--prefix', prefix, '--yes', '--json'], { url: db.url });
    expect(again.code, again.stderr).toBe(0);
    expect(JSON.parse(again.stdout)).toContainEqual(expect.objectContaining({ role: role.app, password: 'kept' }));
  });

  it('the app role edits a site through cabinet, but cannot DROP TABLE or create tables', async () => {
    const r = await cli.run(['sites', 'set', 'acme-de', '--brand-name', 'ACME (app)'], { url: urlAs(role.app) });
    expect(r.code, r.stderr).toBe(0);
    expect((await db.query(`select brand_name from sites where site_id = 'acme-de'`)).rows[0]!.brand_name).toBe('ACME (app)');
    expect((await db.query(`select count(*)::int as n from site_revisions where site_id = 'acme-de'`)).rows[0]!.n).toBe(1);
    const users = await cli.run(['users', 'import', '--yes'], { url: urlAs(role.app), input: '{"user_id":"2","email":"bob@example.com"}' });
    expect(users.code, users.stderr).toBe(0);
    // User changes are recorded too: the app role may append to user_revisions (and its id sequence).
    const set = await cli.run(['users', 'set', '1', '--email', 'anna@acme.example'], { url: urlAs(role.app) });
    expect(set.code, set.stderr).toBe(0);
    const revisions = await db.query(`select user_id, action from user_revisions order by user_id`);
    expect(revisions.rows).toEqual([{ user_id: '1', action: 'update' }, { user_id: '2', action: 'create' }]);
    await asRole(role.app, async (client) => {
      expect(await errorOf(client.query('drop table sites'))).toMatchObject({ code: '42501', message: expect.stringMatching(/must be owner of table sites/) });
      expect(await errorOf(client.query('create table mine (x int)'))).toMatchObject({ code: '42501' });
      expect(await errorOf(client.query(`delete from site_revisions`))).toBeDefined();
      expect(await errorOf(client.query(`delete from user_revisions`))).toMatchObject({ code: '42501' });
      expect(await errorOf(client.query(`update user_revisions set actor = 'forged'`))).toMatchObject({ code: '42501' });
    });
  });

  it('the read-only role cannot UPDATE; cabinet uses it for listings via CABINET_DATABASE_URL_RO', async () => {
    await asRole(role.readonly, async (client) => {
      expect(await errorOf(client.query(`update sites set brand_name = 'x'`))).toMatchObject({ code: '42501' });
      expect((await client.query('select count(*)::int as n from users')).rows[0].n).toBe(2);
      expect(await errorOf(client.query(`insert into user_revisions (user_id, rev, action, changed_fields, actor) values ('x', 1, 'create', '{}', 'ro')`))).toMatchObject({ code: '42501' });
    });
    // DATABASE_URL points nowhere: listings work through the read-only URL, writes do not use it.
    const env = { CABINET_DATABASE_URL_RO: urlAs(role.readonly) };
    const history = await cli.run(['users', 'history', '1', '--json'], { url: 'postgres://nobody@127.0.0.1:1/nothing', env });
    expect(history.code, history.stderr).toBe(0);
    expect(JSON.parse(history.stdout)[0]).toMatchObject({ kind: 'revision', rev: 1, action: 'update', old_values: { email: 'anna@example.com' }, new_values: { email: 'anna@acme.example' } });
    const list = await cli.run(['sites', 'list', '--json'], { url: 'postgres://nobody@127.0.0.1:1/nothing', env });
    expect(list.code, list.stderr).toBe(0);
    expect(JSON.parse(list.stdout)[0]).toMatchObject({ site_id: 'acme-de' });
    const write = await cli.run(['sites', 'set', 'acme-de', '--brand-name', 'nope'], { url: 'postgres://nobody@127.0.0.1:1/nothing', env });
    expect(write.code).toBe(1);
    expect(write.stderr).toMatch(/cannot connect to nobody@127\.0\.0\.1:1/);
    // And if a write were tried with the read-only role itself, PostgreSQL refuses it.
    const ro = await cli.run(['sites', 'set', 'acme-de', '--brand-name', 'nope'], { url: urlAs(role.readonly) });
    expect(ro.code).toBe(1);
    expect(ro.stderr.trim().split('\n').at(-1)).toMatch(/permission denied|read-only/);
  });

  it("the n8n role runs n8n's query and nothing else: users stay out of reach", async () => {
    await asRole(role.n8n, async (client) => {
      const row = await client.query('SELECT ai_prompt, language, brand_name FROM sites WHERE site_id = $1', ['acme-de']);
      expect(row.rows[0]).toEqual({ ai_prompt: 'Hallo', language: 'de', brand_name: 'ACME (app)' });
      expect(await errorOf(client.query('select email from users'))).toMatchObject({ code: '42501' });
      expect(await errorOf(client.query(`update sites set ai_prompt = ''`))).toMatchObject({ code: '42501' });
    });
  });

  it('the owner runs migrations; the app password works over TCP (SCRAM verifier set by apply)', async () => {
    const check = await cli.run(['migrate', 'check'], { url: urlAs(role.owner) });
    expect(check.code, check.stdout + check.stderr).toBe(0);
    // Real DDL as the owner: revert the last migration and apply it again.
    const down = await cli.run(['migrate', 'down', '--yes'], { url: urlAs(role.owner) });
    expect(down.code, down.stderr).toBe(0);
    const up = await cli.run(['migrate'], { url: urlAs(role.owner) });
    expect(up.code, up.stderr).toBe(0);
    expect(up.stdout).toMatch(/^Applied 1 migration/);
    const c = cluster();
    const client = new pg.Client({ host: '127.0.0.1', port: c.tcpPort, user: role.app, password: appPassword, database: db.name });
    await client.connect();
    expect((await client.query('select current_user as u')).rows[0].u).toBe(role.app);
    await client.end();
    const wrong = new pg.Client({ host: '127.0.0.1', port: c.tcpPort, user: role.app, password: 'wrong', database: db.name });
    expect(await errorOf(wrong.connect())).toMatchObject({ code: '28P01' });
  });

  it('doctor, as the app role: no DDL rights is ✓', async () => {
    const r = await cli.run(['doctor'], { url: urlAs(role.app) });
    expect(r.stdout).toMatch(new RegExp(`^✓ role\\s+${role.app}: no DDL rights; reads and writes sites$`, 'm'));
  });
});
