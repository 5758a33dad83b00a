import crypto from 'node:crypto';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { cluster, createMigratedDatabase } from '../helpers/db.ts';
import { binCabinet, ensureBuilt, startTmux, terminalEnv, type TmuxSession } from '../helpers/tmux.ts';
import { userSnapshotSql } from '../../src/services/user-revisions.ts';
import { oneLine, scratchCli } from './support.ts';

/**
 * The roles `cabinet roles apply` creates get honest answers: what a role may not see is said to be unseen,
 * never reported as drift, pending migrations, or a console that will not start.
 */
let db: Awaited<ReturnType<typeof createMigratedDatabase>>;
const cli = scratchCli('leastpriv');
const prefix = `lp${crypto.randomBytes(4).toString('hex')}`;
const role = { owner: `${prefix}_owner`, app: `${prefix}_app`, n8n: `${prefix}_n8n`, readonly: `${prefix}_readonly` };
const urlAs = (name: string) => `postgres://${name}@/${db.name}?host=${encodeURIComponent(cluster().socket)}&port=${cluster().port}`;
let tmux: TmuxSession | undefined;

beforeAll(async () => {
  ensureBuilt();
  db = await createMigratedDatabase('leastpriv');
  await db.query(`insert into sites (site_id, domain, brand_name, language, ai_prompt) values ('acme-de', 'acme.de', 'ACME', 'de', 'Hallo')`);
  const r = await cli.run(['roles', 'apply', '--prefix', prefix, '--yes'], { url: db.url });
  expect(r.code, r.stderr).toBe(0);
});
afterEach(() => {
  tmux?.kill();
  tmux = undefined;
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

describe('migrate check as a role that cannot see the whole schema', () => {
  it.each([
    ['app', /only the tables' owner sees their triggers and CHECK constraints/],
    ['readonly', /only the tables' owner sees their triggers and CHECK constraints/],
    ['n8n', /it may not read the migration bookkeeping \(mikro_orm_migrations\)/],
  ] as const)('%s: one line saying it cannot check, not false drift', async (name, why) => {
    const r = await cli.run(['migrate', 'check'], { url: urlAs(role[name]) });
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stdout + r.stderr).not.toMatch(/live schema differs/);
    const line = oneLine(r.stderr);
    expect(line).toMatch(new RegExp(`^cabinet: cannot check as role ${role[name]}: `));
    expect(line).toMatch(why);
    expect(line).toMatch(/nothing was compared \(run cabinet migrate check as the owner role/);
  });

  it('the owner role checks, and everything agrees', async () => {
    const r = await cli.run(['migrate', 'check'], { url: urlAs(role.owner) });
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^✓ entities, migrations and the live schema of .* agree$/m);
  });
});

describe('doctor and migrate status as cabinet_n8n (SELECT on sites, nothing else)', () => {
  it('doctor does not call missing rights pending migrations', async () => {
    const r = await cli.run(['doctor'], { url: urlAs(role.n8n) });
    expect(r.stdout).not.toMatch(/pending/);
    expect(r.stdout).toMatch(new RegExp(`^\\? migrations\\s+cannot tell: ${role.n8n} may not read the migration bookkeeping`, 'm'));
    expect(r.stdout).toMatch(/^\? schema drift\s+not checked: the migrations could not be read$/m);
    expect(r.stdout).toMatch(/^✓ n8n's query\s+site acme-de/m);
    // Presence: other roles' consoles by their application_name only, and what right shows them in full.
    expect(r.stdout).toMatch(new RegExp(`^✓ presence\\s+consoles of role ${role.n8n} show in full; those of other roles by name and origin cut to 63 ASCII characters \\(application_name\\): grant pg_read_all_stats to ${role.n8n} for them in full$`, 'm'));
    expect(r.code, r.stdout).toBe(0);
  });

  it('migrate status says why it cannot answer, in one line', async () => {
    const r = await cli.run(['migrate', 'status'], { url: urlAs(role.n8n) });
    expect(r.code).toBe(1);
    expect(oneLine(r.stderr)).toMatch(new RegExp(`^cabinet: cannot read the migrations as role ${role.n8n}: it may not read mikro_orm_migrations`));
  });
});

describe('the console as a role that may read sites but not the migrations', () => {
  it('opens read-only and says why, instead of refusing to start', async () => {
    tmux = startTmux([binCabinet], { env: terminalEnv({ DATABASE_URL: urlAs(role.n8n), CABINET_EMBEDDED_DIR: `${cli.scratch}/embedded` }), width: 120 });
    const screen = await tmux.waitFor('acme-de');
    expect(screen).toMatch(/read-only/);
    expect(screen).not.toMatch(/pending migration/);
    tmux.keys('e');
    await tmux.waitFor(/read-only/);
    tmux.keys('q');
    const after = await tmux.waitFor(/cabinet-exit-status=\d/);
    expect(after).toMatch(/cabinet-exit-status=0/);
  });
});

describe('users import as the app role (no owner rights)', () => {
  it('imports thousands of users, each with its revision equal to its row', async () => {
    const n = 3000;
    const file = cli.file('app-import.ndjson', Array.from({ length: n }, (_, i) => JSON.stringify({ user_id: `app-${100000 + i}`, email: `member${i}.${(i * 7919).toString(36)}@shop${i % 89}.example` })).join('\n') + '\n');
    // An empty table, which the owner's import would take to itself to build the indexes after the load:
    // the app role does not own it, so the rows go in with the indexes in place, and nothing says "locked".
    expect((await db.query(`select count(*)::int as n from users`)).rows[0]).toEqual({ n: 0 });
    const indexes = `select indexname, indexdef, indexrelid::int as oid from pg_indexes x join pg_index i on i.indexrelid = format('%I.%I', x.schemaname, x.indexname)::regclass where x.tablename = 'users' order by 1`;
    const before = (await db.query(indexes)).rows;
    const r = await cli.run(['users', 'import', file, '--yes'], { url: urlAs(role.app) });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/Created 3,000 users, changed 0, left 0 alone\./);
    expect(r.stderr).not.toMatch(/lock/);
    expect((await db.query(indexes)).rows).toEqual(before);
    const revisions = await db.query<{ n: number }>(
      `select count(*)::int as n from users u join user_revisions r using (user_id) where u.user_id like 'app-%' and r.action = 'create' and r.new_values = ${userSnapshotSql('u')}`,
    );
    expect(revisions.rows[0]!.n).toBe(n);
  });
});
