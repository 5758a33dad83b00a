import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConnectionTarget } from '../../src/db/connection.ts';
import { toDatabaseError } from '../../src/db/db-errors.ts';
import { initORM, probe, type CabinetORM } from '../../src/db/orm.ts';
import type { ConfigOptions } from '../../mikro-orm.config.ts';
import { CabinetError } from '../../src/lib/errors.ts';
import { cluster, createTestDatabase, type TestDatabase } from '../helpers/db.ts';
import { scratchDir } from '../helpers/scratch.ts';

const SECRET = 'hunter2-not-the-password';

let db: TestDatabase;
let dir: string;
beforeAll(async () => {
  db = await createTestDatabase('err');
  dir = scratchDir('dberr');
});
afterAll(async () => {
  await db.drop();
  fs.rmSync(dir, { recursive: true, force: true });
});

/** Connects the way cabinet does (initORM, then the probe query) and returns the error a user would see. */
async function failureOf(target: ConnectionTarget, options: ConfigOptions = {}): Promise<CabinetError> {
  let orm: CabinetORM | undefined;
  try {
    orm = await initORM(target, options);
    await probe(orm, target);
  } catch (error) {
    return toDatabaseError(error, target);
  } finally {
    await orm?.close(true).catch(() => {});
  }
  throw new Error('expected the connection to fail');
}

function expectOneLine(error: CabinetError, code: string, message: RegExp): void {
  expect(error).toBeInstanceOf(CabinetError);
  expect(error.code).toBe(code);
  expect(error.exitCode).toBe(1);
  expect(error.line).toMatch(message);
  expect(error.line).not.toMatch(/\n/);
  expect(error.line).not.toContain(SECRET);
}

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('database errors are one clear line with a code, never with the password', () => {
  it('server down: a socket directory with no server', async () => {
    const empty = fs.mkdtempSync(path.join(dir, 'nosrv-'));
    const target: ConnectionTarget = { source: 'DATABASE_URL', host: empty, port: 5432, user: 'cabinet', password: SECRET, database: 'cabinet', connectTimeoutSeconds: 2 };
    expectOneLine(await failureOf(target), 'db-down', /cannot connect to .*connection refused \(is the PostgreSQL server running\?\)/);
  });

  it('server down: a loopback port nobody listens on', async () => {
    const target: ConnectionTarget = { source: 'DATABASE_URL', host: '127.0.0.1', port: await freePort(), user: 'cabinet', password: SECRET, database: 'cabinet', connectTimeoutSeconds: 2 };
    const error = await failureOf(target);
    expectOneLine(error, 'db-down', /cannot connect to cabinet@127\.0\.0\.1:\d+\/cabinet: connection refused/);
  });

  it('wrong password over TCP (scram)', async () => {
    const c = cluster();
    const target: ConnectionTarget = { source: 'DATABASE_URL', host: '127.0.0.1', port: c.tcpPort, user: c.user, password: SECRET, database: db.name, connectTimeoutSeconds: 5 };
    expectOneLine(await failureOf(target), 'db-auth', /password authentication failed for .*127\.0\.0\.1/);
  });

  it('the right password over TCP works (so the test above failed for the password, not the port)', async () => {
    const c = cluster();
    const target: ConnectionTarget = { source: 'DATABASE_URL', host: '127.0.0.1', port: c.tcpPort, user: c.user, password: c.password, database: db.name, connectTimeoutSeconds: 5 };
    const orm = await initORM(target);
    try {
      expect(await probe(orm, target)).toMatchObject({ user: c.user, database: db.name });
    } finally {
      await orm.close(true);
    }
  });

  it('database missing', async () => {
    const target: ConnectionTarget = { ...db.target, password: SECRET, database: 'no_such_database_here' };
    expectOneLine(await failureOf(target), 'db-missing', /database "no_such_database_here" does not exist/);
  });

  it('connect timeout: a server that accepts and never answers', async () => {
    const sockets: net.Socket[] = [];
    const silent = net.createServer((socket) => sockets.push(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    try {
      const port = (silent.address() as net.AddressInfo).port;
      const target: ConnectionTarget = { source: 'DATABASE_URL', host: '127.0.0.1', port, user: 'cabinet', password: SECRET, database: 'cabinet', connectTimeoutSeconds: 1 };
      const started = Date.now();
      const error = await failureOf(target);
      expect(Date.now() - started).toBeLessThan(10_000);
      expectOneLine(error, 'db-timeout', /timed out connecting to cabinet@127\.0\.0\.1/);
    } finally {
      for (const s of sockets) s.destroy();
      await new Promise((resolve) => silent.close(resolve));
    }
  });

  it('statement timeout: a query longer than the limit is cancelled', async () => {
    const orm = await initORM(db.target, { statementTimeoutMs: 200 });
    try {
      const started = Date.now();
      const error = await orm.em
        .getConnection()
        .execute('select pg_sleep(2)')
        .then(
          () => undefined,
          (e: unknown) => toDatabaseError(e, db.target),
        );
      expect(error).toBeDefined();
      expect(Date.now() - started).toBeLessThan(1_900);
      expectOneLine(error!, 'db-timeout', /took longer than the statement timeout and was cancelled/);
      // The connection is still usable afterwards.
      expect(await probe(orm, db.target)).toMatchObject({ database: db.name });
    } finally {
      await orm.close(true);
    }
  });
});
