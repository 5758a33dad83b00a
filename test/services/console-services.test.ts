import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openReader } from '../../src/db/open-reader.ts';
import { openSession } from '../../src/db/session.ts';
import { openConsoleServices } from '../../src/services/console-services.ts';
import { createMigratedDatabase } from '../helpers/db.ts';

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
