import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConnectionTarget } from '../../src/db/connection.ts';
import { openReadPool, type ReadPool } from '../../src/db/read-pool.ts';
import { cluster, createTestDatabase, type TestDatabase } from '../helpers/db.ts';

/**
 * The first screen's prefetch (ReadPool.prefetch) sends statements on assumptions: that the bookkeeping
 * and the tables exist. On a database cabinet has not migrated yet they fail; once :migrate has created the
 * tables, the same statement must be answered by the server, not by the failure kept from before.
 */
let db: TestDatabase;
let pool: ReadPool;

beforeAll(async () => {
  db = await createTestDatabase('prefetch');
  const c = cluster();
  const target: ConnectionTarget = { source: 'DATABASE_URL', host: '127.0.0.1', addresses: ['127.0.0.1'], port: c.tcpPort, user: c.user, password: c.password, database: db.name, connectTimeoutSeconds: 5 };
  pool = await openReadPool(target, 4_000);
});
afterAll(async () => {
  await pool?.close();
  await db?.drop();
});

describe('prefetched answers', () => {
  it('a prefetched success is served without asking again', async () => {
    await db.query('create table kept (n int)');
    await db.query('insert into kept values (1)');
    const sql = 'select n from kept order by n';
    pool.prefetch([{ sql }]);
    await new Promise((resolve) => setTimeout(resolve, 300));
    await db.query('insert into kept values (2)');
    // The answer sent before the insert: that is what a prefetch is (the first screen asks at once).
    expect(await pool.query(sql)).toEqual([{ n: 1 }]);
    expect(await pool.query(sql)).toEqual([{ n: 1 }, { n: 2 }]);
  });

  it('a prefetched failure is not served: once the table exists, the same statement reads it', async () => {
    const sql = 'select name from later_created order by name';
    pool.prefetch([{ sql }]);
    // Let the prefetch fail on the server first (relation does not exist).
    await new Promise((resolve) => setTimeout(resolve, 300));
    await db.query('create table later_created (name text)');
    await db.query(`insert into later_created values ('m1')`);
    expect(await pool.query(sql)).toEqual([{ name: 'm1' }]);
  });

  it('a statement that still fails reports the server error', async () => {
    const sql = 'select x from never_created';
    pool.prefetch([{ sql }]);
    await new Promise((resolve) => setTimeout(resolve, 300));
    await expect(pool.query(sql)).rejects.toThrow(/never_created/);
  });
});
