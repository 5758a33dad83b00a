import crypto from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EntityManager } from '@mikro-orm/postgresql';
import { initORM, type CabinetORM } from '../../src/db/orm.ts';
import { detectAccess, writeGate } from '../../src/services/access.ts';
import { OrmRevisionService } from '../../src/services/revision-service.ts';
import { OrmSiteService } from '../../src/services/site-service.ts';
import { OrmUserService } from '../../src/services/user-service.ts';
import { createMigratedDatabase } from '../helpers/db.ts';

let db: Awaited<ReturnType<typeof createMigratedDatabase>>;
const suffix = crypto.randomBytes(4).toString('hex');
const reader = `reader_${suffix}`;
const app = `app_${suffix}`;
const noHistory = `nohist_${suffix}`;
const orms: CabinetORM[] = [];

async function ormAs(role: string, options: { readOnlyServer?: boolean } = {}): Promise<EntityManager> {
  const orm = await initORM({ ...db.target, user: role }, { statementTimeoutMs: 0 });
  orms.push(orm);
  const em = orm.em as unknown as EntityManager;
  if (options.readOnlyServer) await db.query(`alter role ${role} set default_transaction_read_only = on`);
  return em;
}

async function caught(promise: Promise<unknown>): Promise<{ code?: string; message: string }> {
  try {
    await promise;
  } catch (error) {
    return error as { code?: string; message: string };
  }
  throw new Error('expected the call to fail');
}

beforeAll(async () => {
  db = await createMigratedDatabase('access');
  await db.query(`insert into sites (site_id, domain, brand_name) values ('acme', 'acme.de', 'ACME')`);
  for (const role of [reader, app, noHistory]) {
    await db.query(`create role ${role} login`);
    await db.query(`grant connect on database ${db.name} to ${role}`);
    await db.query(`grant usage on schema public to ${role}`);
    await db.query(`grant select on sites, users, site_revisions, user_revisions to ${role}`);
  }
  // The console's role (no DDL): what cabinet documents in src/services/access.ts.
  for (const role of [app, noHistory]) await db.query(`grant insert, update, delete on sites, users to ${role}`);
  await db.query(`grant insert on site_revisions, user_revisions to ${app}`);
  await db.query(`grant usage on sequence site_revisions_id_seq, user_revisions_id_seq to ${app}`);
});

afterAll(async () => {
  await Promise.all(orms.map((o) => o.close(true)));
  for (const role of [reader, app, noHistory]) {
    await db.query(`drop owned by ${role}`);
    await db.query(`drop role ${role}`);
  }
  await db.close();
});

describe('read-only detection with real roles', () => {
  it('detects a SELECT-only role as read-only for sites and users, with a one-line reason, and unable to migrate', async () => {
    const access = await detectAccess(await ormAs(reader));
    expect(access).toMatchObject({ role: reader, canReadSites: true, canWriteSites: false, canWriteUsers: false, canMigrate: false });
    expect(access.readOnlyReason).toBe(`role ${reader} may not insert, update and delete sites`);
    expect(access.migrateReason).toMatch(/may not create tables in schema public/);
  });

  it('refuses every write of a SELECT-only role with code read-only before the database sees it', async () => {
    const em = await ormAs(reader);
    const access = await detectAccess(em);
    const sites = new OrmSiteService(em, { gate: writeGate({ access }) });
    const users = new OrmUserService(em, { gate: writeGate({ access }, 'users') });
    const revisions = new OrmRevisionService(em, sites);
    const attempts: [string, () => Promise<unknown>][] = [
      ['sites', () => sites.create({ siteId: 'new', domain: 'new.de', brandName: 'N' })],
      ['sites', () => sites.update('acme', { brandName: 'X' }, { expectedVersion: 1 })],
      ['sites', () => sites.delete('acme')],
      ['sites', () => revisions.restore('acme', 1)],
      ['users', () => users.create({ userId: '1', email: 'a@example.com' })],
      ['users', () => users.update('1', { email: 'b@example.com' })],
      ['users', () => users.delete('1')],
    ];
    for (const [table, attempt] of attempts) {
      const error = await caught(attempt());
      expect(error).toMatchObject({ code: 'read-only', message: `cannot change anything: role ${reader} may not insert, update and delete ${table}` });
    }
    // Reading still works.
    expect((await sites.get('acme'))!.brandName).toBe('ACME');
    expect((await sites.list()).rows).toHaveLength(1);
  });

  it('reports a write the database refuses (no gate) as a one-line permission error', async () => {
    const sites = new OrmSiteService(await ormAs(reader));
    const error = await caught(sites.update('acme', { brandName: 'X' }));
    expect(error.code).toBe('db-permission');
    expect(error.message).toMatch(/permission denied/);
    expect(error.message).not.toMatch(/\n/);
  });

  it('runs the console with a role that has only SELECT/INSERT/UPDATE/DELETE (no DDL): writes and history work, migrate does not', async () => {
    const em = await ormAs(app);
    const access = await detectAccess(em);
    expect(access).toMatchObject({ canWriteSites: true, canWriteUsers: true, canMigrate: false });
    expect(access.migrateReason).toBeDefined();
    const sites = new OrmSiteService(em, { actor: 'app', gate: writeGate({ access }) });
    const change = await sites.update('acme', { brandName: 'ACME GmbH' }, { expectedVersion: 1 });
    expect(change.rev).toBe(1);
    await sites.create({ siteId: 'beta', domain: 'beta.de', brandName: 'Beta' });
    await sites.delete('beta');
    const users = new OrmUserService(em, { gate: writeGate({ access }, 'users') });
    await users.create({ userId: '7', email: 'seven@example.com' });
    expect((await new OrmRevisionService(em, sites).history('acme'))[0]).toMatchObject({ kind: 'revision', rev: 1, actor: 'app' });
    expect((await users.history('7'))[0]).toMatchObject({ kind: 'revision', rev: 1, action: 'create' });
  });

  it('treats a role that may write sites and users but not their history as read-only, saying why', async () => {
    const access = await detectAccess(await ormAs(noHistory));
    expect(access.canWriteSites).toBe(false);
    expect(access.canWriteUsers).toBe(false);
    expect(access.readOnlyReason).toMatch(/may not write site history/);
    expect(access.usersReadOnlyReason).toBe(`role ${noHistory} may not write user history (INSERT on user_revisions and USAGE on user_revisions_id_seq)`);
  });

  it('treats a server that allows only read-only transactions as read-only', async () => {
    const em = await ormAs(app, { readOnlyServer: true });
    try {
      const access = await detectAccess(em);
      expect(access.canWriteSites).toBe(false);
      expect(access.readOnlyReason).toBe('the server only allows read-only transactions');
    } finally {
      await db.query(`alter role ${app} reset default_transaction_read_only`);
    }
  });

  it('forces read-only with the --read-only flag even for a superuser', async () => {
    const em = db.orm.em as unknown as EntityManager;
    const access = await detectAccess(em);
    expect(access.canWriteSites).toBe(true);
    expect(access.canMigrate).toBe(true);
    const gate = writeGate({ readOnlyFlag: true, access });
    expect(gate).toEqual({ readOnly: true, reason: 'read-only mode (--read-only)' });
    const error = await caught(new OrmSiteService(em, { gate }).update('acme', { brandName: 'Y' }));
    expect(error).toMatchObject({ code: 'read-only', message: 'cannot change anything: read-only mode (--read-only)' });
  });
});
