import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EntityManager } from '@mikro-orm/postgresql';
import { GoneError, StaleEditError } from '../../src/services/edit-errors.ts';
import { OrmSiteService } from '../../src/services/site-service.ts';
import { OrmUserService } from '../../src/services/user-service.ts';
import type { SiteRecord, UserRecord } from '../../src/services/types.ts';
import { createMigratedDatabase } from '../helpers/db.ts';

let db: Awaited<ReturnType<typeof createMigratedDatabase>>;
let alice: OrmSiteService;
let bob: OrmSiteService;
let users: OrmUserService;

beforeAll(async () => {
  db = await createMigratedDatabase('conflict');
  const em = db.orm.em as unknown as EntityManager;
  alice = new OrmSiteService(em, { actor: 'alice' });
  bob = new OrmSiteService(em, { actor: 'bob' });
  users = new OrmUserService(em);
});
afterAll(async () => db.close());

async function caught<T>(promise: Promise<unknown>): Promise<T> {
  try {
    await promise;
  } catch (error) {
    return error as T;
  }
  throw new Error('expected the call to fail');
}

async function revisions(siteId: string): Promise<number> {
  return (await db.query<{ n: number }>('select count(*)::int as n from site_revisions where site_id = $1', [siteId])).rows[0]!.n;
}

describe('conflict detection for sites on real PostgreSQL', () => {
  it('gives every site a version and updated_at, starting at 1', async () => {
    const created = await alice.create({ siteId: 'acme', domain: 'acme.de', brandName: 'ACME', aiPrompt: 'v1 prompt' });
    expect(created.version).toBe(1);
    expect(created.updatedAt).toBeInstanceOf(Date);
    expect((await alice.list()).rows[0]).toMatchObject({ siteId: 'acme', version: 1 });
  });

  it('saves when the version is still the one the edit began from, and returns the bumped version', async () => {
    const opened = (await alice.get('acme'))!;
    const change = await alice.update('acme', { aiPrompt: 'v2 prompt' }, { expectedVersion: opened.version });
    expect(change.after!.version).toBe(opened.version + 1);
    expect(change.after!.updatedAt.getTime()).toBeGreaterThanOrEqual(opened.updatedAt.getTime());
  });

  it('refuses a save after a psql UPDATE underneath: code stale, base / theirs / what changed, nothing written', async () => {
    const opened = (await alice.get('acme'))!;
    await db.query(`update sites set brand_name = 'ACME (psql)' where site_id = 'acme'`);
    const before = await revisions('acme');
    const error = await caught<StaleEditError<SiteRecord>>(alice.update('acme', { aiPrompt: 'mine' }, { expectedVersion: opened.version }));
    expect(error).toBeInstanceOf(StaleEditError);
    expect(error.code).toBe('stale');
    expect(error.message).toMatch(/changed outside cabinet/);
    expect(error.details.expectedVersion).toBe(opened.version);
    expect(error.details.theirs).toMatchObject({ brandName: 'ACME (psql)', aiPrompt: 'v2 prompt', version: opened.version + 1 });
    expect(error.details.base).toMatchObject({ brandName: 'ACME', aiPrompt: 'v2 prompt', version: opened.version });
    expect(error.details.changedUnderneath).toEqual(['brandName']);
    expect((await alice.get('acme'))!.aiPrompt).toBe('v2 prompt');
    expect(await revisions('acme')).toBe(before);
  });

  it('re-applies the edit on the reloaded row (theirs.version) and keeps their change', async () => {
    const opened = 2;
    const error = await caught<StaleEditError<SiteRecord>>(alice.update('acme', { aiPrompt: 'mine' }, { expectedVersion: opened }));
    const change = await alice.update('acme', { aiPrompt: 'mine' }, { expectedVersion: error.details.theirs.version });
    expect(change.after).toMatchObject({ aiPrompt: 'mine', brandName: 'ACME (psql)' });
  });

  it('refuses the second of two cabinet editors and names the first one', async () => {
    const a = (await alice.get('acme'))!;
    const b = (await bob.get('acme'))!;
    await alice.update('acme', { brandName: 'Alice was here' }, { expectedVersion: a.version });
    const error = await caught<StaleEditError<SiteRecord>>(bob.update('acme', { brandName: 'Bob was here' }, { expectedVersion: b.version }));
    expect(error.code).toBe('stale');
    expect(error.message).toMatch(/changed by alice/);
    expect(error.details.base).toMatchObject({ brandName: 'ACME (psql)' });
    expect(error.details.theirs.brandName).toBe('Alice was here');
  });

  it('overwrites knowingly with force: true, recording the overwritten values as the revision before', async () => {
    const change = await bob.update('acme', { brandName: 'Bob was here' }, { expectedVersion: 1, force: true, note: 'overwrite' });
    expect(change.before!.brandName).toBe('Alice was here');
    expect(change.after!.brandName).toBe('Bob was here');
    const r = await db.query(`select actor, note, old_values->>'brand_name' as old, new_values->>'brand_name' as new from site_revisions where site_id = 'acme' and rev = $1`, [
      change.rev,
    ]);
    expect(r.rows[0]).toEqual({ actor: 'bob', note: 'overwrite', old: 'Alice was here', new: 'Bob was here' });
  });

  it('lets exactly one of several concurrent saves from the same version win; the others are stale, none lost silently', async () => {
    const opened = (await alice.get('acme'))!;
    const results = await Promise.allSettled(
      [1, 2, 3, 4, 5].map((n) => new OrmSiteService(db.orm.em as unknown as EntityManager, { actor: `editor${n}` }).update('acme', { aiPrompt: `racer ${n}` }, { expectedVersion: opened.version })),
    );
    const won = results.filter((r) => r.status === 'fulfilled');
    const lost = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(won).toHaveLength(1);
    expect(lost.map((r) => (r.reason as StaleEditError).code)).toEqual(['stale', 'stale', 'stale', 'stale']);
    expect((await alice.get('acme'))!.version).toBe(opened.version + 1);
  });

  it('without expectedVersion (scripts), lets concurrent saves all land, last writer wins, each one recorded', async () => {
    const before = await revisions('acme');
    const results = await Promise.allSettled(
      [1, 2, 3, 4].map((n) => new OrmSiteService(db.orm.em as unknown as EntityManager, { actor: `script${n}` }).update('acme', { hubspotStage: `stage${n}` })),
    );
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'fulfilled', 'fulfilled', 'fulfilled']);
    expect(await revisions('acme')).toBe(before + 4);
  });

  it('waits for a psql UPDATE in flight, then refuses the stale save instead of overwriting it', async () => {
    const opened = (await alice.get('acme'))!;
    await db.query('begin');
    await db.query(`update sites set brand_name = 'psql in flight' where site_id = 'acme'`);
    // cabinet's read FOR UPDATE waits on psql's row lock and then sees the committed version.
    const save = alice.update('acme', { brandName: 'cabinet in flight' }, { expectedVersion: opened.version });
    await new Promise((resolve) => setTimeout(resolve, 300));
    await db.query('commit');
    const error = await caught<StaleEditError<SiteRecord>>(save);
    expect(error.code).toBe('stale');
    expect(error.details.theirs.brandName).toBe('psql in flight');
    expect((await alice.get('acme'))!.brandName).toBe('psql in flight');
  });

  it('refuses to delete a site that changed since expectedVersion, and deletes it at the current version', async () => {
    const opened = (await alice.get('acme'))!;
    await db.query(`update sites set language = 'de' where site_id = 'acme'`);
    const error = await caught<StaleEditError<SiteRecord>>(alice.delete('acme', { expectedVersion: opened.version }));
    expect(error.code).toBe('stale');
    expect(await alice.get('acme')).not.toBeNull();
    await alice.delete('acme', { expectedVersion: error.details.theirs.version });
    expect(await alice.get('acme')).toBeNull();
  });

  it('reports a site deleted while it was edited as gone, with who deleted it and the revision that brings it back', async () => {
    const site = await alice.create({ siteId: 'doomed', domain: 'doomed.de', brandName: 'Doomed' });
    await bob.delete('doomed', { expectedVersion: site.version });
    const error = await caught<GoneError>(alice.update('doomed', { aiPrompt: 'my long edit' }, { expectedVersion: site.version }));
    expect(error).toBeInstanceOf(GoneError);
    expect(error.code).toBe('gone');
    expect(error.details).toMatchObject({ entity: 'site', id: 'doomed', deletedBy: 'bob', rev: 2 });
    expect(error.details.deletedAt).toBeInstanceOf(Date);
    expect(error.message).toMatch(/deleted by bob/);
    // force cannot save into a deleted row either.
    expect((await caught<GoneError>(alice.update('doomed', { aiPrompt: 'x' }, { expectedVersion: 1, force: true }))).code).toBe('gone');
    // Without expectedVersion (a script), it is the usual not-found.
    expect((await caught<GoneError>(alice.update('doomed', { aiPrompt: 'x' }))).code).toBe('not-found');
  });

  it('reports a site deleted outside cabinet as gone without a name', async () => {
    const site = await alice.create({ siteId: 'psql-doomed', domain: 'psql-doomed.de', brandName: 'P' });
    await db.query(`delete from sites where site_id = 'psql-doomed'`);
    const error = await caught<GoneError>(alice.delete('psql-doomed', { expectedVersion: site.version }));
    expect(error.code).toBe('gone');
    expect(error.details.deletedBy).toBeUndefined();
  });

  it('refuses an expectedVersion that is not a whole number as a usage error', async () => {
    expect((await caught<StaleEditError>(alice.update('x', { brandName: 'y' }, { expectedVersion: 0 }))).code).toBe('usage');
  });
});

describe('conflict detection for users on real PostgreSQL', () => {
  it('refuses a stale user save (e.g. last_seen bumped by a sign-in) and saves with force or the new version', async () => {
    const u = await users.create({ userId: '42', email: 'a@example.com' });
    expect(u.version).toBe(1);
    await db.query(`update users set last_seen = now() + interval '1 hour' where user_id = '42'`);
    const error = await caught<StaleEditError<UserRecord>>(users.update('42', { email: 'b@example.com' }, { expectedVersion: u.version }));
    expect(error.code).toBe('stale');
    expect(error.details).toMatchObject({ entity: 'user', id: '42', expectedVersion: 1, base: null });
    expect(error.details.theirs.version).toBe(2);
    expect((await users.get('42'))!.email).toBe('a@example.com');
    const change = await users.update('42', { email: 'b@example.com' }, { expectedVersion: 2 });
    expect(change.after).toMatchObject({ email: 'b@example.com', version: 3 });
    await users.update('42', { email: 'c@example.com' }, { expectedVersion: 1, force: true });
    expect((await users.get('42'))!.email).toBe('c@example.com');
  });

  it('refuses a stale user delete, and reports a user deleted underneath as gone', async () => {
    const u = (await users.get('42'))!;
    await db.query(`update users set email = 'd@example.com' where user_id = '42'`);
    expect((await caught<StaleEditError>(users.delete('42', { expectedVersion: u.version }))).code).toBe('stale');
    await db.query(`delete from users where user_id = '42'`);
    expect((await caught<GoneError>(users.update('42', { email: 'e@example.com' }, { expectedVersion: u.version }))).code).toBe('gone');
  });
});
