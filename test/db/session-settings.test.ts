import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openReadPool, type ReadPool } from '../../src/db/read-pool.ts';
import { statementTimeoutFromEnv } from '../../src/db/session-settings.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/db.ts';

/** The driver client every pool uses (src/db/pg-client.ts): settings per transaction, no session state. */
let db: TestDatabase;
let pool: ReadPool;

beforeAll(async () => {
  db = await createTestDatabase('sess');
  pool = await openReadPool(db.target, 4_000);
});
afterAll(async () => {
  await pool?.close();
  await db?.drop();
});

const SETTINGS_SQL = `select current_setting('statement_timeout') as st, current_setting('DateStyle') as ds, current_setting('TimeZone') as tz,
  current_setting('search_path') as sp, current_setting('IntervalStyle') as iv, current_setting('standard_conforming_strings') as scs,
  current_setting('bytea_output') as bo, current_setting('extra_float_digits') as efd, current_setting('transaction_isolation') is not null as tx`;

describe('session settings per transaction', () => {
  it('a statement outside a transaction runs in one that has them', async () => {
    await db.query(`alter database ${db.name} set DateStyle = 'SQL, DMY'`);
    await db.query(`alter database ${db.name} set statement_timeout = '1h'`);
    const fresh = await openReadPool(db.target, 4_000);
    try {
      expect(await fresh.query(SETTINGS_SQL)).toEqual([
        { st: '4s', ds: 'ISO, MDY', tz: 'UTC', sp: 'public', iv: 'postgres', scs: 'on', bo: 'hex', efd: '1', tx: true },
      ]);
    } finally {
      await fresh.close();
    }
  });

  it('a transaction has them after its BEGIN, and its own SET LOCAL wins inside it', async () => {
    const rows = await pool.transaction(async (client) => {
      const before = (await client.query<{ st: string; tz: string }>(`select current_setting('statement_timeout') as st, current_setting('TimeZone') as tz`)).rows[0];
      await client.query('set local statement_timeout = 0');
      const after = (await client.query<{ st: string }>(`select current_setting('statement_timeout') as st`)).rows[0];
      return { before, after };
    });
    expect(rows).toEqual({ before: { st: '4s', tz: 'UTC' }, after: { st: '0' } });
  });

  it('the statement timeout holds outside an explicit transaction', async () => {
    await expect(pool.query('select pg_sleep(10)')).rejects.toThrow(/statement timeout/);
  });

  it('refuses session state a transaction pooler would lose or leak', async () => {
    for (const sql of ['set statement_timeout = 0', 'SET SESSION search_path = x', 'listen cabinet', 'select pg_advisory_lock(1)', 'prepare p as select 1', 'reset all']) {
      await expect(pool.query(sql), sql).rejects.toThrow(/keeps no session state/);
    }
  });
});

describe('CABINET_STATEMENT_TIMEOUT', () => {
  it('takes a duration as PostgreSQL writes one; anything else is a usage error', () => {
    expect(statementTimeoutFromEnv({})).toBe(30_000);
    expect(statementTimeoutFromEnv({ CABINET_STATEMENT_TIMEOUT: '5s' })).toBe(5_000);
    expect(statementTimeoutFromEnv({ CABINET_STATEMENT_TIMEOUT: '250' })).toBe(250);
    expect(statementTimeoutFromEnv({ CABINET_STATEMENT_TIMEOUT: '2min' })).toBe(120_000);
    expect(statementTimeoutFromEnv({ CABINET_STATEMENT_TIMEOUT: '0' })).toBe(0);
    expect(() => statementTimeoutFromEnv({ CABINET_STATEMENT_TIMEOUT: 'soon' })).toThrow(expect.objectContaining({ exitCode: 2, message: 'CABINET_STATEMENT_TIMEOUT is not a duration: "soon"' }));
  });
});
