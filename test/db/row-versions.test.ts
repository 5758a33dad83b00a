import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OptimisticLockError } from '@mikro-orm/core';
import { SiteSchema } from '../../src/db/entities/index.ts';
import { MigrationService } from '../../src/services/migration-service.ts';
import { PROMPT_MAX_CHARS } from '../../src/schema/limits.ts';
import { createMigratedDatabase } from '../helpers/db.ts';

let db: Awaited<ReturnType<typeof createMigratedDatabase>>;

beforeAll(async () => {
  db = await createMigratedDatabase('rowver');
});
afterAll(async () => db.close());

async function row(siteId: string) {
  const r = await db.query<{ version: number; updated_at: Date; brand_name: string }>(
    'select version, updated_at, brand_name from sites where site_id = $1',
    [siteId],
  );
  return r.rows[0]!;
}

describe('row versions, prompt CHECK and append-only history on real PostgreSQL', () => {
  it('starts a row inserted by psql at version 1 with updated_at set', async () => {
    await db.query(`insert into sites (site_id, domain, brand_name) values ('psql-site', 'psql.de', 'P')`);
    const r = await row('psql-site');
    expect(r.version).toBe(1);
    expect(r.updated_at).toBeInstanceOf(Date);
  });

  it('bumps version and updated_at on an UPDATE made outside cabinet (psql, n8n)', async () => {
    const before = await row('psql-site');
    await new Promise((resolve) => setTimeout(resolve, 10));
    await db.query(`update sites set brand_name = 'P2' where site_id = 'psql-site'`);
    const after = await row('psql-site');
    expect(after.version).toBe(before.version + 1);
    expect(after.updated_at.getTime()).toBeGreaterThan(before.updated_at.getTime());
  });

  it('does not bump the version for an UPDATE that changes nothing', async () => {
    const before = await row('psql-site');
    await db.query(`update sites set brand_name = brand_name where site_id = 'psql-site'`);
    expect((await row('psql-site')).version).toBe(before.version);
  });

  it('ignores a version set by hand: versions only grow', async () => {
    const before = await row('psql-site');
    await db.query(`update sites set version = 1, brand_name = 'P3' where site_id = 'psql-site'`);
    expect((await row('psql-site')).version).toBe(before.version + 1);
  });

  it('bumps the version of users too', async () => {
    await db.query(`insert into users (user_id, email) values ('u1', 'u1@example.com')`);
    await db.query(`update users set last_seen = now() + interval '1 minute' where user_id = 'u1'`);
    const r = await db.query<{ version: number }>(`select version from users where user_id = 'u1'`);
    expect(r.rows[0]!.version).toBe(2);
  });

  it(`refuses a prompt longer than ${PROMPT_MAX_CHARS} characters written by psql (CHECK constraint)`, async () => {
    await expect(db.query(`update sites set ai_prompt = repeat('x', ${PROMPT_MAX_CHARS + 1}) where site_id = 'psql-site'`)).rejects.toThrow(
      /sites_ai_prompt_max_chars/,
    );
    await db.query(`update sites set ai_prompt = repeat('ä', ${PROMPT_MAX_CHARS}) where site_id = 'psql-site'`);
  });

  it('raises OptimisticLockError when flushing an entity whose row changed since it was read', async () => {
    const em = db.orm.em.fork();
    const site = await em.findOneOrFail(SiteSchema, { siteId: 'psql-site' });
    await db.query(`update sites set brand_name = 'changed underneath' where site_id = 'psql-site'`);
    site.brandName = 'mine';
    await expect(em.flush()).rejects.toBeInstanceOf(OptimisticLockError);
    expect((await row('psql-site')).brand_name).toBe('changed underneath');
  });

  it('gives a fresh flush the version the trigger set', async () => {
    const em = db.orm.em.fork();
    const site = await em.findOneOrFail(SiteSchema, { siteId: 'psql-site' });
    const was = site.version;
    site.brandName = 'flushed';
    await em.flush();
    expect(site.version).toBe(was + 1);
    expect((await row('psql-site')).version).toBe(was + 1);
  });

  it('refuses UPDATE and DELETE on site_revisions, even for the table owner', async () => {
    await db.query(
      `insert into site_revisions (site_id, rev, version, action, changed_fields, actor) values ('psql-site', 1, 1, 'create', '{}', 'test')`,
    );
    await expect(db.query(`update site_revisions set actor = 'forged'`)).rejects.toThrow(/append-only: UPDATE refused/);
    await expect(db.query(`delete from site_revisions`)).rejects.toThrow(/append-only: DELETE refused/);
    await expect(
      db.query(`insert into site_revisions (site_id, rev, action, changed_fields, actor) values ('x', 1, 'rename', '{}', 't')`),
    ).rejects.toThrow(/site_revisions_action_check/);
    expect((await db.query(`select count(*)::int as n from site_revisions`)).rows[0]!.n).toBe(1);
  });

  it('reverts cleanly: down removes the columns, triggers, functions and history table; up again agrees with the entities', async () => {
    const svc = new MigrationService(db.orm, db.target);
    const files = svc.files().map((f) => f.name);
    const index = files.findIndex((n) => n.endsWith('_row_versions_history'));
    // Revert this migration and any that came after it.
    const reverted = files.slice(index).reverse();
    expect(await svc.down(files[index - 1])).toEqual(reverted);
    const cols = await db.query(`select column_name from information_schema.columns where table_name = 'sites' and column_name in ('version', 'updated_at')`);
    expect(cols.rows).toEqual([]);
    const fns = await db.query(`select proname from pg_proc where proname like '%bump_version_fn' or proname like 'site_revisions%'`);
    expect(fns.rows).toEqual([]);
    expect((await db.query(`select to_regclass('site_revisions') as t`)).rows[0]!.t).toBeNull();
    // The data in sites survives the round trip.
    expect((await db.query(`select brand_name from sites where site_id = 'psql-site'`)).rows[0]!.brand_name).toBe('flushed');
    expect(await svc.up()).toEqual([...reverted].reverse());
    expect(await svc.check()).toEqual([]);
    expect((await row('psql-site')).version).toBe(1);
  });

  it('user_revisions is append-only like site_revisions (UPDATE and DELETE refused even for the owner; unknown actions refused)', async () => {
    await db.query(`insert into user_revisions (user_id, rev, version, action, changed_fields, actor) values ('u-1', 1, 1, 'create', '{}', 'test')`);
    await expect(db.query(`update user_revisions set actor = 'forged'`)).rejects.toThrow(/user_revisions is append-only: UPDATE refused/);
    await expect(db.query(`delete from user_revisions`)).rejects.toThrow(/user_revisions is append-only: DELETE refused/);
    await expect(db.query(`insert into user_revisions (user_id, rev, action, changed_fields, actor) values ('u-1', 2, 'restore', '{}', 't')`)).rejects.toThrow(
      /user_revisions_action_check/,
    );
    await expect(db.query(`insert into user_revisions (user_id, rev, action, changed_fields, actor) values ('u-1', 1, 'update', '{}', 't')`)).rejects.toThrow(
      /user_revisions_user_id_rev_key/,
    );
    expect((await db.query(`select count(*)::int as n from user_revisions`)).rows[0]!.n).toBe(1);
  });

  it('the user_revisions migration reverts cleanly (table, trigger, function gone; users untouched) and applies again to agree with the entities', async () => {
    const svc = new MigrationService(db.orm, db.target);
    const files = svc.files().map((f) => f.name);
    const index = files.findIndex((n) => n.endsWith('_user_revisions'));
    expect(index).toBeGreaterThan(0);
    await db.query(`insert into users (user_id, email) values ('keep-me', 'keep@example.com') on conflict do nothing`);
    const reverted = files.slice(index).reverse();
    expect(await svc.down(files[index - 1])).toEqual(reverted);
    expect((await db.query(`select to_regclass('user_revisions') as t`)).rows[0]!.t).toBeNull();
    expect((await db.query(`select proname from pg_proc where proname like 'user_revisions%'`)).rows).toEqual([]);
    expect((await db.query(`select email from users where user_id = 'keep-me'`)).rows[0]!.email).toBe('keep@example.com');
    expect(await svc.up()).toEqual([...reverted].reverse());
    expect(await svc.check()).toEqual([]);
  });
});
