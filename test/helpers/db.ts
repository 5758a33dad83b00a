import crypto from 'node:crypto';
import pg from 'pg';
import type { ConnectionTarget } from '../../src/db/connection.ts';
import { initORM, type CabinetORM } from '../../src/db/orm.ts';
import { MigrationService } from '../../src/services/migration-service.ts';

/** The shared test cluster started by global-setup.ts. */
export function cluster() {
  const socket = process.env.CABINET_TEST_PG_SOCKET;
  if (!socket) throw new Error('test cluster not started (run through vitest: test/helpers/global-setup.ts)');
  return {
    root: process.env.CABINET_TEST_PG_ROOT!,
    socket,
    port: Number(process.env.CABINET_TEST_PG_PORT),
    tcpPort: Number(process.env.CABINET_TEST_PG_TCP_PORT),
    user: process.env.CABINET_TEST_PG_USER!,
    password: process.env.CABINET_TEST_PG_PASSWORD!,
  };
}

export interface TestDatabase {
  name: string;
  target: ConnectionTarget;
  /** A URL for the real binary: over the Unix socket. */
  url: string;
  /** A libpq-style client for assertions made outside cabinet (like psql or n8n would). */
  query<T extends pg.QueryResultRow = pg.QueryResultRow>(sql: string, params?: unknown[]): Promise<pg.QueryResult<T>>;
  drop(): Promise<void>;
}

async function admin<T>(fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const c = cluster();
  const client = new pg.Client({ host: c.socket, port: c.port, user: c.user, database: 'postgres' });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/** A fresh, empty database on the test cluster; `drop()` removes it (and ends its connections). */
export async function createTestDatabase(prefix = 't'): Promise<TestDatabase> {
  const c = cluster();
  const name = `${prefix}_${crypto.randomBytes(5).toString('hex')}`;
  await admin((client) => client.query(`create database ${client.escapeIdentifier(name)}`));
  const clients: pg.Client[] = [];
  let shared: pg.Client | undefined;
  return {
    name,
    target: { source: 'DATABASE_URL', host: c.socket, port: c.port, user: c.user, database: name, connectTimeoutSeconds: 5 },
    url: `postgres://${c.user}@/${name}?host=${encodeURIComponent(c.socket)}&port=${c.port}`,
    async query(sql, params) {
      if (!shared) {
        shared = new pg.Client({ host: c.socket, port: c.port, user: c.user, database: name });
        clients.push(shared);
        await shared.connect();
      }
      return shared.query(sql, params as unknown[]);
    },
    async drop() {
      await Promise.all(clients.map((cl) => cl.end().catch(() => {})));
      await admin((client) => client.query(`drop database if exists ${client.escapeIdentifier(name)} with (force)`));
    },
  };
}

/** A fresh database with every migration applied, and an ORM on it. */
export async function createMigratedDatabase(prefix = 't'): Promise<TestDatabase & { orm: CabinetORM; close(): Promise<void> }> {
  const db = await createTestDatabase(prefix);
  const orm = await initORM(db.target, { statementTimeoutMs: 0 });
  await new MigrationService(orm, db.target).up();
  return {
    ...db,
    orm,
    async close() {
      await orm.close(true);
      await db.drop();
    },
  };
}
