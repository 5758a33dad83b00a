import crypto from 'node:crypto';
import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConnectionTarget } from '../../src/db/connection.ts';
import { openReadPool, type ReadPool } from '../../src/db/read-pool.ts';
import { openSessionConnection } from '../../src/db/session-connection.ts';
import { createPresence, type PresenceService, type PresenceStatus } from '../../src/presence/presence-service.ts';
import { editorsOf, type PresenceEntry } from '../../src/presence/presence-reader.ts';
import { presenceKey } from '../../src/presence/presence-key.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/db.ts';
import { startBouncer, type Bouncer } from '../helpers/pgbouncer.ts';
import { repoRoot } from '../helpers/cli.ts';

let db: TestDatabase;
const pools: ReadPool[] = [];
const services: PresenceService[] = [];
const suffix = crypto.randomBytes(4).toString('hex');
const other = `presence_other_${suffix}`;

async function console_(target: ConnectionTarget, who: string, from = '100.101.2.3'): Promise<PresenceService> {
  const pool = await openReadPool(target);
  pools.push(pool);
  const presence = createPresence({
    query: pool.query,
    open: () => openSessionConnection(target, { applicationName: 'cabinet presence', queryTimeoutMs: 10_000 }),
    identity: { who, from },
    retryMs: 200,
  });
  services.push(presence);
  return presence;
}

async function until<T>(fn: () => Promise<T>, ok: (value: T) => boolean, timeoutMs = 5000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await fn();
    if (ok(value)) return value;
    if (Date.now() > deadline) throw new Error(`timed out; last: ${JSON.stringify(value)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function announced(p: PresenceService): Promise<PresenceStatus> {
  return until(async () => p.status(), (s) => s.state === 'announced');
}

const on = (entries: PresenceEntry[], kind: 'site' | 'user', id: string) => editorsOf(entries, kind, id, presenceKey(id));

beforeAll(async () => {
  db = await createTestDatabase('presence');
  await db.query(`create role ${other} login`);
  await db.query(`grant connect on database ${db.name} to ${other}`);
});

afterAll(async () => {
  for (const s of services) await s.close().catch(() => {});
  for (const p of pools) await p.close().catch(() => {});
  await db.drop();
});

describe('presence on a real database', () => {
  it('never shows a console its own edit, even to a read sent before its lock was taken that answers after', async () => {
    // The read pool's answer is held back until the claim is announced: the read left the console while this
    // console's announcing backend was unknown, and its rows, which hold that backend's lock, arrive after.
    const pool = await openReadPool(db.target);
    pools.push(pool);
    let announce!: () => void;
    const claimed = new Promise<void>((resolve) => (announce = resolve));
    const held: typeof pool.query = (async (...args: Parameters<typeof pool.query>) => {
      await claimed;
      return pool.query(...args);
    }) as typeof pool.query;
    const self = createPresence({
      query: held,
      open: () => openSessionConnection(db.target, { applicationName: 'cabinet presence', queryTimeoutMs: 10_000 }),
      identity: { who: 'carol', from: '100.101.2.9' },
    });
    services.push(self);
    const early = self.read();
    const release = self.claim('site', 'own-race');
    await announced(self);
    announce();
    expect(on(await early, 'site', 'own-race')).toEqual([]);
    // Another console does see it, so the lock really was there when the early read ran.
    const anna = await console_(db.target, 'anna');
    expect(on(await anna.read(), 'site', 'own-race')).toEqual([expect.objectContaining({ who: 'carol' })]);
    release();
    await until(() => anna.read(), (e) => on(e, 'site', 'own-race').length === 0);
  });

  it('shows who edits which record to another console, not to itself, and forgets it when the edit ends', async () => {
    const boris = await console_(db.target, 'boris');
    const anna = await console_(db.target, 'anna', 'bastion');
    const release = boris.claim('site', 'acme-de');
    expect(await announced(boris)).toEqual({ state: 'announced', pooled: false });
    const seen = await anna.read();
    expect(on(seen, 'site', 'acme-de')).toEqual([
      expect.objectContaining({ kind: 'site', id: 'acme-de', who: 'boris', from: '100.101.2.3', detail: 'full', role: db.target.user }),
    ]);
    expect(on(seen, 'site', 'acme-de')[0]!.since!.getTime()).toBeGreaterThan(Date.now() - 10_000);
    // Not another record, not a user of the same id, and not to itself.
    expect(on(seen, 'site', 'acme-fr')).toEqual([]);
    expect(on(seen, 'user', 'acme-de')).toEqual([]);
    expect(on(await boris.read(), 'site', 'acme-de')).toEqual([]);
    release();
    await until(() => anna.read(), (e) => on(e, 'site', 'acme-de').length === 0);
    expect(boris.status()).toEqual({ state: 'idle', pooled: false });
    // With nothing to announce the connection is gone too: an idle console keeps no extra backend.
    await until(
      async () => (await db.query(`select count(*)::int as n from pg_stat_activity where datname = current_database() and application_name like 'cabinet%presence%'`)).rows[0]!.n as number,
      (n) => n === 0,
    );
  });

  it('two editors of one record both show, and neither blocks the other', async () => {
    const a = await console_(db.target, 'a');
    const b = await console_(db.target, 'b');
    const c = await console_(db.target, 'c');
    const ra = a.claim('user', 'u-1');
    const rb = b.claim('user', 'u-1');
    await announced(a);
    await announced(b);
    const seen = on(await c.read(), 'user', 'u-1');
    expect(seen.map((e) => e.who).sort()).toEqual(['a', 'b']);
    ra();
    rb();
    await until(() => c.read(), (e) => on(e, 'user', 'u-1').length === 0);
  });

  it('holds back neither vacuum nor DDL: the held transaction has no snapshot and no transaction id', async () => {
    const a = await console_(db.target, 'a');
    const release = a.claim('site', 'vacuum-x');
    await announced(a);
    const { rows } = await db.query(
      `select state, backend_xmin, backend_xid from pg_stat_activity where datname = current_database() and query like '%as cabinet_presence,%"id":"vacuum-x"%' and pid <> pg_backend_pid()`,
    );
    expect(rows).toEqual([{ state: 'idle in transaction', backend_xmin: null, backend_xid: null }]);
    await db.query('create table presence_ddl (id int)');
    await db.query('drop table presence_ddl');
    release();
  });

  it('a value that could end the SQL literal or comment stays data: quotes, */, backslashes, non-ASCII', async () => {
    const nasty = `x'); drop table y; -- */ \\' ünïcødé 🎉`;
    const a = await console_(db.target, `bob'; */ \\ Jürgen`);
    const b = await console_(db.target, 'b');
    const release = a.claim('site', nasty);
    await announced(a);
    expect(on(await b.read(), 'site', nasty)).toEqual([expect.objectContaining({ id: nasty, who: `bob'; */ \\ Jürgen`, detail: 'full' })]);
    release();
  });

  it('a role that may not read other roles\' query text still sees who and from where (application_name, which every role may read)', async () => {
    const a = await console_(db.target, 'boris');
    const outsider = await console_({ ...db.target, user: other }, 'outsider');
    const release = a.claim('site', 'acme-de');
    await announced(a);
    const seen = on(await outsider.read(), 'site', 'acme-de');
    expect(seen).toEqual([expect.objectContaining({ who: 'boris', from: '100.101.2.3', detail: 'short', role: db.target.user })]);
    expect(seen[0]!.since!.getTime()).toBeGreaterThan(Date.now() - 10_000);
    release();
  });

  it('a console whose connection is killed is gone at the next read, and its own presence comes back', async () => {
    const a = await console_(db.target, 'a');
    const b = await console_(db.target, 'b');
    const release = a.claim('site', 's1');
    await announced(a);
    const [entry] = on(await b.read(), 'site', 's1');
    // Waits until the backend has exited (pg_terminate_backend alone only signals it; the next read could still see its lock).
    await db.query('select pg_terminate_backend($1, 5000)', [entry!.pid]);
    // Gone at once …
    expect(on(await b.read(), 'site', 's1').filter((e) => e.pid === entry!.pid)).toEqual([]);
    // … and the console that still edits says so, then announces again on a new connection.
    const back = await until(() => b.read(), (e) => on(e, 'site', 's1').length === 1);
    expect(on(back, 'site', 's1')[0]!.pid).not.toBe(entry!.pid);
    release();
  });

  it('an announcement the server refuses is said, with why, and made as soon as it can be; the edit is never held up', async () => {
    const limited = `presence_limited_${suffix}`;
    await db.query(`create role ${limited} login connection limit 1`);
    await db.query(`grant connect on database ${db.name} to ${limited}`);
    const a = await console_({ ...db.target, user: limited }, 'limited');
    const b = await console_(db.target, 'b');
    // The console's read pool holds the role's one connection.
    await a.read();
    const release = a.claim('site', 'crowded');
    const failed = await until(async () => a.status(), (s) => s.state === 'failed');
    expect(failed).toEqual({ state: 'failed', reason: expect.stringMatching(/too many connections/) });
    expect(on(await b.read(), 'site', 'crowded')).toEqual([]);
    await db.query(`alter role ${limited} connection limit -1`);
    await announced(a);
    expect(on(await b.read(), 'site', 'crowded')).toEqual([expect.objectContaining({ who: 'limited' })]);
    release();
  });

  it('a process killed with SIGKILL while editing stops being shown within seconds', async () => {
    const b = await console_(db.target, 'b');
    const script = `
      import { openReadPool } from './src/db/read-pool.ts';
      import { openSessionConnection } from './src/db/session-connection.ts';
      import { createPresence } from './src/presence/presence-service.ts';
      const target = JSON.parse(process.env.TARGET);
      const pool = await openReadPool(target);
      const p = createPresence({ query: pool.query, open: () => openSessionConnection(target, { applicationName: 'cabinet presence' }), identity: { who: 'doomed', from: 'h' } });
      p.claim('site', 'doomed-site');
      setInterval(() => { if (p.status().state === 'announced') console.log('announced'); }, 50);
    `;
    const child = spawn(`${repoRoot}/node_modules/.bin/node`, ['--input-type=module', '-e', script], { cwd: repoRoot, env: { ...process.env, TARGET: JSON.stringify(db.target) }, stdio: ['ignore', 'pipe', 'inherit'] });
    await new Promise<void>((resolve) => child.stdout!.on('data', (d: Buffer) => d.toString().includes('announced') && resolve()));
    expect(on(await b.read(), 'site', 'doomed-site').map((e) => e.who)).toEqual(['doomed']);
    child.kill('SIGKILL');
    const started = Date.now();
    await until(() => b.read(), (e) => on(e, 'site', 'doomed-site').length === 0, 5000);
    expect(Date.now() - started).toBeLessThan(3000);
  });
});

describe('presence through a real PgBouncer in transaction mode', () => {
  let bouncer: Bouncer;
  beforeAll(async () => {
    bouncer = await startBouncer('transaction');
  });
  afterAll(async () => {
    await bouncer?.stop();
  });

  const viaBouncer = (): ConnectionTarget => {
    const url = new URL(bouncer.url(db.name));
    return { source: 'DATABASE_URL', host: '127.0.0.1', addresses: ['127.0.0.1'], port: bouncer.port, user: decodeURIComponent(url.username), password: decodeURIComponent(url.password), database: db.name, connectTimeoutSeconds: 5 } as ConnectionTarget;
  };

  it('announces, says it is pooled, releases at the end of the edit, and a closed client leaves nothing behind', async () => {
    const a = await console_(viaBouncer(), 'boris');
    const b = await console_(viaBouncer(), 'anna');
    const direct = await console_(db.target, 'direct');
    const release = a.claim('site', 'pooled-site');
    expect(await announced(a)).toEqual({ state: 'announced', pooled: true });
    expect(on(await b.read(), 'site', 'pooled-site')).toEqual([expect.objectContaining({ who: 'boris', detail: 'full' })]);
    expect(on(await direct.read(), 'site', 'pooled-site')).toHaveLength(1);
    release();
    await until(() => b.read(), (e) => on(e, 'site', 'pooled-site').length === 0);
    // Again, then the console goes away mid-edit: the pooler drops the server connection with the transaction.
    a.claim('site', 'pooled-site');
    await announced(a);
    expect(on(await b.read(), 'site', 'pooled-site')).toHaveLength(1);
    await a.close();
    await until(() => b.read(), (e) => on(e, 'site', 'pooled-site').length === 0, 3000);
  });
});

describe('presence through a real PgBouncer in session mode whose pool is full', () => {
  let bouncer: Bouncer;
  beforeAll(async () => {
    bouncer = await startBouncer('session', { poolSize: 1 });
  });
  afterAll(async () => {
    await bouncer?.stop();
  });

  it('an announcement that waits for a server connection fails after the connect timeout, says why, and never holds up closing', async () => {
    const url = new URL(bouncer.url(db.name));
    const target = { source: 'DATABASE_URL', host: '127.0.0.1', addresses: ['127.0.0.1'], port: bouncer.port, user: decodeURIComponent(url.username), password: decodeURIComponent(url.password), database: db.name, connectTimeoutSeconds: 1 } as ConnectionTarget;
    const a = await console_(target, 'boris');
    // The read pool's connection takes the pool's one server connection (session pooling keeps it).
    await a.read();
    a.claim('site', 'full-pool');
    const failed = await until(async () => a.status(), (s) => s.state === 'failed', 8000);
    expect(failed).toEqual({ state: 'failed', reason: expect.stringMatching(/no server connection within 1 s/) });
    const started = Date.now();
    await a.close();
    expect(Date.now() - started).toBeLessThan(2000);
  });
});

