import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { cluster, createTestDatabase, type TestDatabase } from '../helpers/db.ts';
import { startBouncer, type Bouncer } from '../helpers/pgbouncer.ts';
import { binCabinet, ensureBuilt, startTmux, terminalEnv, type TmuxSession } from '../helpers/tmux.ts';
import { openReadPool } from '../../src/db/read-pool.ts';
import { scratchCli } from './support.ts';
import { focusField, tmuxForm } from '../helpers/focus-field.ts';

/**
 * Every command and a console edit through a real PgBouncer with its stock configuration (no
 * ignore_startup_parameters), in transaction and in session pooling: cabinet sends no startup parameter
 * PgBouncer refuses, keeps its settings per transaction, and leaves nothing on the pooled server connections.
 */
describe.each(['transaction', 'session'] as const)('through PgBouncer, pool_mode=%s', (mode) => {
  let db: TestDatabase;
  let bouncer: Bouncer;
  let tmux: TmuxSession | undefined;
  const cli = scratchCli(`pgb-${mode}`);
  const run = (args: string[], options: { input?: string; env?: Record<string, string> } = {}) => cli.run(args, { url: bouncer.url(db.name), ...options });
  const ok = async (args: string[], options: { input?: string; env?: Record<string, string> } = {}) => {
    const r = await run(args, options);
    expect(r.stderr, `cabinet ${args.join(' ')}`).not.toMatch(/unsupported startup parameter|prepared statement/);
    expect(r.code, `cabinet ${args.join(' ')}: ${r.stderr}`).toBe(0);
    return r;
  };

  beforeAll(async () => {
    ensureBuilt();
    db = await createTestDatabase(`pgb_${mode.slice(0, 5)}`);
    // Two server connections: in transaction mode cabinet's transactions share them with each other.
    bouncer = await startBouncer(mode, { poolSize: 2 });
  });
  afterAll(async () => {
    await bouncer?.stop();
    await db?.drop();
    await cli.cleanup();
  });
  afterEach(() => {
    tmux?.kill();
    tmux = undefined;
  });

  it('migrate, migrate status, seed --demo, doctor and roles sql', async () => {
    await ok(['migrate']);
    expect((await ok(['migrate', 'status'])).stdout).toMatch(/up to date|no pending/i);
    await ok(['seed', '--demo', '--yes']);
    const doctor = await run(['doctor']);
    expect(doctor.stdout + doctor.stderr).toMatch(/sites is public\.sites under search_path/);
    expect(doctor.stdout + doctor.stderr).not.toMatch(/unsupported startup parameter|database error/);
    expect((await ok(['roles', 'sql', '--prefix', 'pgb'])).stdout).toMatch(/create role/i);
  });

  it('every sites command', async () => {
    const list = JSON.parse((await ok(['sites', 'list', '--json'])).stdout) as { site_id: string; created_at: string }[];
    expect(list).toHaveLength(6);
    expect(new Date(list[0]!.created_at).getFullYear()).toBeGreaterThan(2000);
    expect((await ok(['sites', 'show', 'northwind-bikes'])).stdout).toContain('northwind-bikes');
    await ok(['sites', 'create', 'pgb-site', '--domain', 'pgb.example', '--brand-name', 'Pooled']);
    await ok(['sites', 'set', 'pgb-site', '--brand-name', 'Pooled Two', '--note', 'through the bouncer']);
    const history = JSON.parse((await ok(['sites', 'history', 'pgb-site', '--json'])).stdout) as { rev: number; action: string }[];
    expect(history.map((h) => h.action)).toEqual(['update', 'create']);
    expect((await ok(['sites', 'diff', 'pgb-site', '1'])).stdout).toContain('Pooled Two');
    await ok(['sites', 'restore', 'pgb-site', '--to', '1', '--yes']);
    expect((await db.query(`select brand_name from sites where site_id = 'pgb-site'`)).rows[0]).toEqual({ brand_name: 'Pooled' });
    const exported = (await ok(['sites', 'export'])).stdout;
    expect(JSON.parse(exported)).toHaveLength(7);
    const changed = exported.replace('"brand_name": "Pooled"', '"brand_name": "Pooled Import"').replace('"brand_name":"Pooled"', '"brand_name":"Pooled Import"');
    expect(changed).not.toBe(exported);
    await ok(['sites', 'import', '--yes'], { input: changed });
    expect((await db.query(`select brand_name from sites where site_id = 'pgb-site'`)).rows[0]).toEqual({ brand_name: 'Pooled Import' });
    await ok(['sites', 'delete', 'pgb-site', '--yes']);
    expect((await db.query(`select count(*)::int as n from sites where site_id = 'pgb-site'`)).rows[0]).toEqual({ n: 0 });
  });

  it('every users command (history too)', async () => {
    const users = JSON.parse((await ok(['users', 'list', '--json', '--limit', '1000'])).stdout) as unknown[];
    expect(users).toHaveLength(300);
    await ok(['users', 'create', '990000000000000001', '--email', 'pool@example.com', '--first-seen', '2026-01-02T03:04:05Z']);
    expect(JSON.parse((await ok(['users', 'show', '990000000000000001', '--json'])).stdout)).toMatchObject({ first_seen: '2026-01-02T03:04:05.000Z' });
    await ok(['users', 'set', '990000000000000001', '--email', 'pool2@example.com']);
    const exported = (await ok(['users', 'export', '--ndjson'])).stdout;
    expect(exported.trim().split('\n')).toHaveLength(301);
    const line = exported.split('\n').find((l) => l.includes('990000000000000001'))!;
    await ok(['users', 'import', '--yes'], { input: line.replace('pool2@', 'pool3@') });
    expect((await db.query(`select email from users where user_id = '990000000000000001'`)).rows[0]).toEqual({ email: 'pool3@example.com' });
    const history = JSON.parse((await ok(['users', 'history', '990000000000000001', '--json'])).stdout) as { action: string }[];
    expect(history.map((h) => h.action)).toEqual(['update', 'update', 'create']);
    await ok(['users', 'delete', '990000000000000001', '--yes']);
    expect((await db.query(`select count(*)::int as n from users`)).rows[0]).toEqual({ n: 300 });
  });

  it('a console edit: open, change the brand name, Ctrl-S, y; the row has it', async () => {
    tmux = startTmux([binCabinet], { env: terminalEnv({ DATABASE_URL: bouncer.url(db.name) }), width: 120, height: 34 });
    await tmux.waitFor(/Sites \(\d+\)/);
    tmux.type('/');
    tmux.type('northwind-bikes');
    await tmux.waitFor((s) => s.includes('Sites (1)') && s.includes('northwind-bikes'));
    tmux.keys('Enter');
    tmux.type('e');
    await tmux.waitFor('Edit site northwind-bikes');
    await focusField(tmuxForm(tmux), 'brand name');
    tmux.keys('End');
    tmux.type(' Pooled');
    await tmux.waitFor(' Pooled');
    tmux.keys('C-s');
    await tmux.waitFor('Save these changes?');
    tmux.type('y');
    await tmux.waitFor('saved northwind-bikes');
    const { rows } = await db.query<{ brand_name: string }>(`select brand_name from sites where site_id = 'northwind-bikes'`);
    expect(rows[0]!.brand_name).toMatch(/ Pooled$/);
    tmux.type('q');
    expect(await tmux.waitForExit()).toBe(0);
  });

  it('a write blocked by a row lock gives up within the statement timeout', async () => {
    const c = cluster();
    const locker = new pg.Client({ host: c.socket, port: c.port, user: c.user, database: db.name });
    await locker.connect();
    try {
      await locker.query('begin');
      await locker.query(`select * from sites where site_id = 'harbor-finch-legal' for update`);
      const started = Date.now();
      const r = await run(['sites', 'set', 'harbor-finch-legal', '--brand-name', 'Never'], { env: { CABINET_STATEMENT_TIMEOUT: '1s' } });
      const elapsed = Date.now() - started;
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/site harbor-finch-legal is locked by another session .*until the timeout; nothing was saved/);
      expect(elapsed).toBeLessThan(15_000);
      await locker.query('rollback');
      expect((await db.query(`select brand_name from sites where site_id = 'harbor-finch-legal'`)).rows[0]!.brand_name).not.toBe('Never');
    } finally {
      await locker.end();
    }
  });

  it('a superseded search is cancelled on the server through the bouncer', async () => {
    const c = cluster();
    const pool = await openReadPool({ source: 'DATABASE_URL', host: '127.0.0.1', port: bouncer.port, user: c.user, password: c.password, database: db.name, connectTimeoutSeconds: 5, addresses: ['127.0.0.1'] });
    try {
      const controller = new AbortController();
      const slow = pool.query(`select pg_sleep(20), 'pgb-cancel-probe'`, [], controller.signal);
      setTimeout(() => controller.abort(), 300);
      const started = Date.now();
      await expect(slow).rejects.toThrow(/superseded/);
      expect(Date.now() - started).toBeLessThan(5000);
      const running = await db.query(`select count(*)::int as n from pg_stat_activity where query like '%pgb-cancel-probe%' and state = 'active' and pid <> pg_backend_pid()`);
      expect(running.rows[0]).toEqual({ n: 0 });
      expect(await pool.query<{ n: number }>('select 1 as n')).toEqual([{ n: 1 }]);
    } finally {
      await pool.close();
    }
  });

  it('leaves no setting on the pooled server connections', async () => {
    // A plain client through the same bouncer gets one of the server connections cabinet used, and sees the
    // server's defaults: no statement timeout, DateStyle or search_path of cabinet's stayed behind.
    const client = new pg.Client({ connectionString: bouncer.url(db.name) });
    await client.connect();
    try {
      for (let i = 0; i < 4; i++) {
        const { rows } = await client.query(
          `select current_setting('statement_timeout') as st, current_setting('DateStyle') as ds, current_setting('search_path') as sp, current_setting('TimeZone') as tz`,
        );
        expect(rows[0]).toMatchObject({ st: '0', ds: 'ISO, MDY', sp: '"$user", public' });
      }
    } finally {
      await client.end();
    }
  });
});
