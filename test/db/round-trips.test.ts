import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDelayProxy, type DelayProxy } from '../../bench/delay-proxy.ts';
import type { ConnectionTarget } from '../../src/db/connection.ts';
import { openReadPool, type ReadPool } from '../../src/db/read-pool.ts';
import { cluster, createTestDatabase, type TestDatabase } from '../helpers/db.ts';

/**
 * What the per-transaction settings (src/db/pg-client.ts) cost on the wire, counted by the delay proxy
 * (bench/delay-proxy.ts) in front of the real server: nothing beyond the statements themselves.
 */
let db: TestDatabase;
let proxy: DelayProxy;
let pool: ReadPool;

beforeAll(async () => {
  db = await createTestDatabase('rtt');
  // A server whose own settings would be read wrong without ours (the settings must still arrive).
  await db.query(`alter database ${db.name} set DateStyle = 'SQL, DMY'`);
  await db.query(`alter database ${db.name} set TimeZone = 'Pacific/Chatham'`);
  proxy = await startDelayProxy({ target: { host: '127.0.0.1', port: cluster().tcpPort }, delayMs: 2, trace: true });
  const c = cluster();
  const target: ConnectionTarget = { source: 'DATABASE_URL', host: '127.0.0.1', addresses: ['127.0.0.1'], port: proxy.port, user: c.user, password: c.password, database: db.name, connectTimeoutSeconds: 5 };
  pool = await openReadPool(target, 4_000);
  await pool.query('select 1'); // connected
});
afterAll(async () => {
  await pool?.close();
  await proxy?.close();
  await db?.drop();
});

const roundTrips = async (fn: () => Promise<unknown>) => {
  const before = proxy.stats().roundTrips;
  await fn();
  return proxy.stats().roundTrips - before;
};

describe('round trips per statement', () => {
  it('a statement with parameters, outside a transaction, is one round trip and sees the settings', async () => {
    let rows: unknown[] = [];
    expect(await roundTrips(async () => (rows = await pool.query(`select $1::text as v, current_setting('DateStyle') as ds, current_setting('TimeZone') as tz, to_char(timestamptz '2026-01-01 00:00Z', 'HH24') as h`, ['x'])))).toBe(1);
    expect(rows).toEqual([{ v: 'x', ds: 'ISO, MDY', tz: 'UTC', h: '00' }]);
    expect(await roundTrips(() => pool.query('select 1'))).toBe(1);
  });

  it('a failing statement is one round trip and leaves no transaction open', async () => {
    expect(await roundTrips(() => expect(pool.query('select 1/0')).rejects.toThrow(/division by zero/))).toBe(1);
    expect(await pool.query<{ tx: string }>(`select current_setting('TimeZone') as tx`)).toEqual([{ tx: 'UTC' }]);
  });

  it("a transaction's BEGIN goes out with its first statement; an empty one costs nothing", async () => {
    const n = await roundTrips(() =>
      pool.transaction(async (client) => {
        await client.query('select $1::int as a', [1]);
        await client.query(`select current_setting('search_path') as sp`);
      }),
    );
    expect(n).toBe(3); // begin + first select, second select, commit
    expect(await roundTrips(() => pool.transaction(async () => {}))).toBe(0);
    // An error inside still rolls everything back.
    await expect(pool.transaction(async (client) => {
      await client.query('create temp table rtt_probe (x int) on commit drop');
      await client.query('select 1/0');
    })).rejects.toThrow(/division by zero/);
    expect(await pool.query(`select to_regclass('pg_temp.rtt_probe') is null as gone`)).toEqual([{ gone: true }]);
  });
});
