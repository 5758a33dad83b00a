import type { EntityManager } from '@mikro-orm/postgresql';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initORM, type CabinetORM } from '../../src/db/orm.ts';
import { OrmSiteService } from '../../src/services/site-service.ts';
import { OrmUserService } from '../../src/services/user-service.ts';
import { cleanEnv, runCabinet } from '../helpers/cli.ts';
import { cluster, createMigratedDatabase } from '../helpers/db.ts';
import { ensureBuilt } from '../helpers/tmux.ts';

/**
 * Issue 11, item 5: a save blocked by another transaction's row lock until the timeout says who holds the
 * row (pid, application, since) and that the database is up; it is not reported as an outage.
 */
let db: Awaited<ReturnType<typeof createMigratedDatabase>>;
let orm: CabinetORM;

beforeAll(async () => {
  ensureBuilt();
  db = await createMigratedDatabase('rowlock');
  orm = await initORM(db.target, { statementTimeoutMs: 700 });
  await db.query(`insert into sites (site_id, domain, brand_name, ai_prompt) values ('locked', 'locked.example', 'L', 'p')`);
  await db.query(`insert into users (user_id, email) values ('u-locked', 'locked@example.com')`);
});
afterAll(async () => {
  await orm?.close(true);
  await db?.close();
});

/** A psql-like session holding `SELECT … FOR UPDATE` on a row in an open transaction. */
async function holdLock(sql: string): Promise<{ pid: number; release(): Promise<void> }> {
  const c = cluster();
  const client = new pg.Client({ host: c.socket, port: c.port, user: c.user, database: db.name, application_name: 'psql' });
  await client.connect();
  await client.query('begin');
  await client.query(sql);
  const pid = (await client.query<{ pid: number }>('select pg_backend_pid() as pid')).rows[0]!.pid;
  return {
    pid,
    async release() {
      await client.query('rollback');
      await client.end();
    },
  };
}

async function caught(p: Promise<unknown>): Promise<Error & { code?: string; line?: string }> {
  try {
    await p;
  } catch (error) {
    return error as Error & { code?: string; line?: string };
  }
  throw new Error('expected the write to fail');
}

describe('a save that waits for another session\'s row lock until the statement timeout', () => {
  it('sites: says the row is locked, by which pid and application since when, and that the database is up', async () => {
    const lock = await holdLock(`select * from sites where site_id = 'locked' for update`);
    try {
      const sites = new OrmSiteService(orm.em as unknown as EntityManager, { actor: 'alice' });
      const error = await caught(sites.update('locked', { brandName: 'L2' }, { expectedVersion: 1 }));
      expect(error.code).toBe('db-locked');
      expect(error.message).toMatch(new RegExp(`^site locked is locked by another session \\(pid ${lock.pid}, application psql, user \\S+, since \\d{4}-\\d\\d-\\d\\dT[^)]+\\), which held it until the timeout; nothing was saved$`));
      expect(error.line).toContain('the database is up');
      expect(error.line).not.toMatch(/unreachable|connect/);
    } finally {
      await lock.release();
    }
    expect((await db.query('select brand_name from sites where site_id = $1', ['locked'])).rows[0]?.brand_name).toBe('L');
  });

  it('users: the same', async () => {
    const lock = await holdLock(`select * from users where user_id = 'u-locked' for update`);
    try {
      const users = new OrmUserService(orm.em as unknown as EntityManager);
      const error = await caught(users.update('u-locked', { email: 'new@example.com' }));
      expect(error.code).toBe('db-locked');
      expect(error.message).toContain(`user u-locked is locked by another session (pid ${lock.pid}, application psql`);
    } finally {
      await lock.release();
    }
  });

  it('a free row saves at once, and a lock released during the wait lets the save through', async () => {
    const sites = new OrmSiteService(orm.em as unknown as EntityManager, { actor: 'alice' });
    expect((await sites.update('locked', { brandName: 'L3' })).changed).toEqual(['brandName']);
    const lock = await holdLock(`select * from sites where site_id = 'locked' for update`);
    setTimeout(() => void lock.release(), 200);
    expect((await sites.update('locked', { brandName: 'L4' })).changed).toEqual(['brandName']);
  });

  it('the real binary, on a database whose lock_timeout is short: one line naming the holder, exit 1', async () => {
    await db.query(`alter database ${db.name} set lock_timeout = '400ms'`);
    const lock = await holdLock(`select * from sites where site_id = 'locked' for update`);
    try {
      const r = await runCabinet(['sites', 'set', 'locked', '--brand-name', 'From CLI'], { env: cleanEnv({ DATABASE_URL: db.url }) });
      expect(r.code).toBe(1);
      expect(r.stderr).toContain(`cabinet: site locked is locked by another session (pid ${lock.pid}, application psql`);
      expect(r.stderr).not.toMatch(/unreachable|timed out connecting/);
    } finally {
      await lock.release();
      await db.query(`alter database ${db.name} reset lock_timeout`);
    }
  });
});
