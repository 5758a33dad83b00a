import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConnectionTarget } from '../../src/db/connection.ts';
import { startLiveListener, type LiveNotice } from '../../src/db/live-listener.ts';
import { cluster, createMigratedDatabase, createTestDatabase } from '../helpers/db.ts';
import { startBouncer, type Bouncer } from '../helpers/pgbouncer.ts';

/**
 * The listener behind the live console (#14): LISTEN on a session connection of its own, proven by a NOTIFY
 * sent from another connection; the notify triggers' payload is table, id and version, never the row.
 */
describe('live listener', () => {
  let db: Awaited<ReturnType<typeof createMigratedDatabase>>;
  let bouncer: Bouncer;
  const notifyVia = (database: { query(sql: string, params?: unknown[]): Promise<unknown> }) => async (channel: string, payload: string) => {
    await database.query('select pg_notify($1, $2)', [channel, payload]);
  };

  beforeAll(async () => {
    db = await createMigratedDatabase('live');
    bouncer = await startBouncer('transaction');
  });
  afterAll(async () => {
    await bouncer?.stop();
    await db?.close();
  });

  it('hears inserts, updates and deletes made by psql-like clients: table, id and version, never the row', async () => {
    const started = await startLiveListener(db.target, notifyVia(db));
    if (!('listener' in started)) throw new Error(started.reason);
    const heard: LiveNotice[] = [];
    started.listener.onNotice((n) => heard.push(n));
    try {
      await db.query(`insert into sites (site_id, domain, brand_name, ai_prompt) values ('live-a', 'live-a.com', 'A', 'SECRET PROMPT')`);
      await db.query(`update sites set ai_prompt = 'ANOTHER SECRET' where site_id = 'live-a'`);
      await db.query(`delete from sites where site_id = 'live-a'`);
      await db.query(`insert into users (user_id, email) values ('u-live', 'u@live.de')`);
      await expect.poll(() => heard.length, { timeout: 2000 }).toBe(4);
      expect(heard).toEqual([
        { table: 'sites', id: 'live-a', version: 1 },
        { table: 'sites', id: 'live-a', version: 2 },
        { table: 'sites', id: 'live-a', version: 2 },
        { table: 'users', id: 'u-live', version: 1 },
      ]);
    } finally {
      await started.listener.close();
    }
  });

  it('a statement writing thousands of rows sends 100 notices by id, then one for the table', async () => {
    const raw: string[] = [];
    const started = await startLiveListener(db.target, notifyVia(db));
    if (!('listener' in started)) throw new Error(started.reason);
    started.listener.onNotice((n) => raw.push(JSON.stringify(n)));
    try {
      await db.query(`insert into users (user_id, email) select 'bulk' || g, 'bulk' || g || '@x.de' from generate_series(1, 5000) g`);
      await expect.poll(() => raw.at(-1), { timeout: 2000 }).toBe(JSON.stringify({ table: 'users', id: null, version: null }));
      expect(raw).toHaveLength(101);
    } finally {
      await started.listener.close();
    }
  });

  it('through PgBouncer (transaction or session pooling) no listener: a reason, and the console polls', async () => {
    const c = cluster();
    const session = await startBouncer('session');
    const through = (port: number): ConnectionTarget => ({
      source: 'DATABASE_URL',
      host: '127.0.0.1',
      addresses: ['127.0.0.1'],
      port,
      user: c.user,
      password: c.password,
      database: db.name,
      connectTimeoutSeconds: 5,
    });
    try {
      const reason = { reason: 'behind a connection pooler (polling keeps its server connections free)' };
      expect(await startLiveListener(through(bouncer.port), notifyVia(db), { probeMs: 800 })).toEqual(reason);
      expect(await startLiveListener(through(session.port), notifyVia(db), { probeMs: 800 })).toEqual(reason);
    } finally {
      await session.stop();
    }
  });

  it('without the notify triggers (migration pending) it says so', async () => {
    const bare = await createTestDatabase('nolive');
    try {
      const started = await startLiveListener(bare.target, notifyVia(bare));
      expect(started).toEqual({ reason: 'the notify triggers are missing (run cabinet migrate)' });
    } finally {
      await bare.drop();
    }
  });
});
