import { afterAll, afterEach, beforeAll } from 'vitest';
import { createMigratedDatabase } from './db.ts';
import { ensureBuilt, type TmuxSession } from './tmux.ts';

type MigratedDatabase = Awaited<ReturnType<typeof createMigratedDatabase>>;

/**
 * The usual world of an e2e file about the console on a real terminal: the built binary, a migrated database of
 * the file's own holding one site (acme-de, acme.de, ACME), and the test's tmux session, ended after each test.
 */
export function consoleWorld(prefix: string): { readonly db: MigratedDatabase; tmux: TmuxSession | undefined } {
  let db: MigratedDatabase | undefined;
  const world = {
    get db(): MigratedDatabase {
      if (!db) throw new Error('consoleWorld: the database is made in beforeAll');
      return db;
    },
    tmux: undefined as TmuxSession | undefined,
  };
  beforeAll(async () => {
    ensureBuilt();
    db = await createMigratedDatabase(prefix);
    await db.query(`insert into sites (site_id, domain, brand_name) values ('acme-de', 'acme.de', 'ACME')`);
  });
  afterAll(async () => {
    await db?.close();
  });
  afterEach(() => {
    world.tmux?.kill();
    world.tmux = undefined;
  });
  return world;
}
