import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EntityManager } from '@mikro-orm/postgresql';
import { openReadPool, type ReadPool } from '../../src/db/read-pool.ts';
import { getSite, listSites } from '../../src/services/queries/site-queries.ts';
import { getUser, listUsers } from '../../src/services/queries/user-queries.ts';
import { OrmSiteService } from '../../src/services/site-service.ts';
import { createMigratedDatabase } from '../helpers/db.ts';

let db: Awaited<ReturnType<typeof createMigratedDatabase>>;
let pool: ReadPool;

beforeAll(async () => {
  db = await createMigratedDatabase('read');
  pool = await openReadPool(db.target);
  await db.query(`insert into sites (site_id, domain, brand_name, ai_prompt) values ('b-site', 'b.example.de', 'Bee', 'Привет'), ('a-site', 'a.example.de', 'Ay', 'Hallo')`);
  await db.query(`insert into users (user_id, email, last_seen) values ('u1', 'one@example.com', '2026-11-01'), ('u2', 'two@example.com', '2026-11-02')`);
});
afterAll(async () => {
  await pool.close();
  await db.close();
});

describe('the light read path (node-postgres without MikroORM)', () => {
  it('answers exactly what the ORM-backed service answers', async () => {
    const orm = new OrmSiteService(db.orm.em as unknown as EntityManager);
    expect(await listSites(pool.query, { sort: 'siteId' })).toEqual(await orm.list({ sort: 'siteId' }));
    expect(await getSite(pool.query, 'b-site')).toEqual(await orm.get('b-site'));
    expect((await getSite(pool.query, 'b-site'))?.aiPrompt).toBe('Привет');
    expect(await getSite(pool.query, 'missing')).toBeNull();
  });

  it('lists users newest first and finds one by id', async () => {
    expect((await listUsers(pool.query)).rows.map((u) => u.userId)).toEqual(['u2', 'u1']);
    expect((await getUser(pool.query, 'u1'))?.email).toBe('one@example.com');
  });

  it('cancels a long query on the server when aborted, and the pool keeps working', async () => {
    const controller = new AbortController();
    const slow = pool.query('select pg_sleep(5)', [], controller.signal);
    setTimeout(() => controller.abort(), 100);
    const started = Date.now();
    await expect(slow).rejects.toThrow(/superseded/);
    expect(Date.now() - started).toBeLessThan(3000);
    expect((await listSites(pool.query)).rows).toHaveLength(2);
  });

  it('reports a missing database as one line', async () => {
    const broken = await openReadPool({ ...db.target, database: 'no_such_db_here' });
    await expect(listSites(broken.query)).rejects.toThrow(/does not exist/);
    await broken.close();
  });
});
