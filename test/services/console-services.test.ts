import crypto from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openReader } from '../../src/db/open-reader.ts';
import { openSession } from '../../src/db/session.ts';
import { openConsoleServices } from '../../src/services/console-services.ts';
import { cluster, createMigratedDatabase } from '../helpers/db.ts';

let db: Awaited<ReturnType<typeof createMigratedDatabase>>;
beforeAll(async () => {
  db = await createMigratedDatabase('console');
  await db.query(`insert into sites (site_id, domain, brand_name, ai_prompt) values ('acme-de', 'acme.de', 'ACME', 'Hallo')`);
});
afterAll(async () => db.close());

describe('console services: reads at once, the ORM behind them', () => {
  it('lists and shows sites without opening an ORM session, then saves through one', async () => {
    let sessions = 0;
    const opened = await openConsoleServices(
      {
        openReader: () => openReader({ databaseUrl: db.url }),
        openDb: () => {
          sessions++;
          return openSession({ databaseUrl: db.url });
        },
      },
      () => {},
    );
    try {
      const { services } = opened;
      const page = await services.sites.get('acme-de');
      expect(page?.brandName).toBe('ACME');
      expect(sessions).toBe(0);
      expect(services.connection.pendingMigrations).toBe(0);
      expect(services.connection.readOnly).toBe(false);
      expect((await services.migrations.status()).pending).toEqual([]);
      const change = await services.sites.update('acme-de', { brandName: 'ACME GmbH' }, { expectedVersion: page!.version });
      expect(change.after?.brandName).toBe('ACME GmbH');
      expect(sessions).toBe(1);
      expect((await services.revisions.history('acme-de')).length).toBeGreaterThan(0);
      expect((await db.query(`select brand_name from sites where site_id = 'acme-de'`)).rows[0]!.brand_name).toBe('ACME GmbH');
    } finally {
      await opened.close();
    }
  });
});

describe('a role that may write sites but not read the migrations', () => {
  it('gets a read-only console that says why, and a write is refused before it reaches the database', async () => {
    const name = `nobook_${crypto.randomBytes(4).toString('hex')}`;
    await db.query(`create role ${name} login`);
    await db.query(`grant select, insert, update, delete on sites, users to ${name}`);
    await db.query(`grant select, insert on site_revisions to ${name}`);
    await db.query(`grant usage on all sequences in schema public to ${name}`);
    const url = `postgres://${name}@/${db.name}?host=${encodeURIComponent(cluster().socket)}&port=${cluster().port}`;
    let sessions = 0;
    try {
      const opened = await openConsoleServices(
        {
          openReader: () => openReader({ databaseUrl: url }),
          openDb: () => {
            sessions++;
            return openSession({ databaseUrl: url });
          },
        },
        () => {},
      );
      try {
        const { services } = opened;
        expect(services.connection.readOnly).toBe(true);
        expect(services.connection.readOnlyReason).toBe(`read-only: role ${name} may not read the migrations (mikro_orm_migrations)`);
        expect(services.connection.usersReadOnly).toBe(true);
        const site = await services.sites.get('acme-de');
        expect(site?.siteId).toBe('acme-de');
        await expect(services.sites.update('acme-de', { brandName: 'changed' }, { expectedVersion: site!.version })).rejects.toThrow(/cannot change anything: read-only: role/);
        expect(sessions).toBe(0);
        expect((await db.query(`select brand_name from sites where site_id = 'acme-de'`)).rows[0]!.brand_name).not.toBe('changed');
      } finally {
        await opened.close();
      }
    } finally {
      await db.query(`drop owned by ${name}`);
      await db.query(`drop role ${name}`);
    }
  });
});
