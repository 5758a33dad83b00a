import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConnectionTarget } from '../../src/db/connection.ts';
import { openTarget } from '../../src/db/open-target.ts';
import { initORM } from '../../src/db/orm.ts';
import { vettedLookup } from '../../src/db/pinned-socket.ts';
import { openReadPool } from '../../src/db/read-pool.ts';
import { cluster, createTestDatabase, type TestDatabase } from '../helpers/db.ts';

/**
 * The tailnet guard resolves a host name once and the connection goes to the addresses it allowed: no
 * second DNS lookup that could answer differently. Connections here go to loopback only.
 */
let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase('pinned');
});
afterAll(async () => db.drop());

/** The test cluster over loopback TCP, reached by the name `host` pinned to `addresses`. */
function tcpTarget(host: string, addresses?: string[]): ConnectionTarget {
  const c = cluster();
  return {
    source: 'DATABASE_URL',
    host,
    port: c.tcpPort,
    user: c.user,
    password: c.password,
    database: db.name,
    connectTimeoutSeconds: 3,
    ...(addresses ? { addresses } : {}),
  };
}

async function whoAnswers(target: ConnectionTarget): Promise<string> {
  const pool = await openReadPool(target);
  try {
    const [row] = await pool.query<{ addr: string }>('select inet_server_addr()::text as addr');
    return row!.addr;
  } finally {
    await pool.close();
  }
}

describe('connections go where the guard looked', () => {
  it('a name DNS cannot resolve still connects when pinned to a vetted address: no second lookup happens', async () => {
    expect(await whoAnswers(tcpTarget('cabinet-db.invalid', ['127.0.0.1']))).toBe('127.0.0.1/32');
  });

  it("the ORM's pool is pinned the same way", async () => {
    const orm = await initORM(tcpTarget('cabinet-db.invalid', ['127.0.0.1']), { statementTimeoutMs: 5000 });
    try {
      const rows = await orm.em.getConnection().execute<{ addr: string }[]>('select inet_server_addr()::text as addr');
      expect(rows[0]?.addr).toBe('127.0.0.1/32');
    } finally {
      await orm.close(true);
    }
  });

  it('a name DNS would resolve is still sent only to the pinned address', async () => {
    // localhost resolves to 127.0.0.1, where the server listens; pinned to 127.0.0.2 (loopback, nothing
    // listening) the connection must fail rather than follow DNS.
    await expect(whoAnswers(tcpTarget('localhost', ['127.0.0.2']))).rejects.toThrow(/connection refused|ECONNREFUSED|cannot connect/i);
    expect(await whoAnswers(tcpTarget('localhost', ['127.0.0.1']))).toBe('127.0.0.1/32');
  });

  it('a host name the guard did not resolve is not looked up by the driver: the connection fails', async () => {
    await expect(whoAnswers(tcpTarget('localhost'))).rejects.toThrow(/cannot resolve the database host/);
  });

  it('openTarget pins what the guard resolved', async () => {
    const c = cluster();
    const { target, guard } = await openTarget({ env: { DATABASE_URL: `postgres://${c.user}:${encodeURIComponent(c.password)}@localhost:${c.tcpPort}/${db.name}` } });
    expect(guard.kind).toBe('loopback');
    expect(target.addresses).toEqual(guard.addresses);
    expect(target.addresses!.length).toBeGreaterThan(0);
    expect(await whoAnswers({ ...target, addresses: target.addresses!.filter((a) => a === '127.0.0.1') })).toBe('127.0.0.1/32');
  });

  it('sockets are not pinned; an IP literal is pinned to its one spelling', async () => {
    const c = cluster();
    expect((await openTarget({ env: { DATABASE_URL: db.url } })).target.addresses).toBeUndefined();
    expect((await openTarget({ env: { DATABASE_URL: `postgres://${c.user}@127.0.0.1:${c.tcpPort}/${db.name}` } })).target.addresses).toEqual(['127.0.0.1']);
    const mapped = await openTarget({ env: { DATABASE_URL: `postgres://${c.user}:${encodeURIComponent(c.password)}@[::ffff:127.0.0.1]:${c.tcpPort}/${db.name}` } });
    expect(mapped.target.addresses).toEqual(['127.0.0.1']);
    expect(await whoAnswers(mapped.target)).toBe('127.0.0.1/32');
  });
});

describe('vettedLookup', () => {
  const lookup = vettedLookup(['100.101.102.103', 'fd7a:115c:a1e0::1']);
  const ask = (options: { family?: number; all?: boolean }) =>
    new Promise<unknown>((resolve, reject) => lookup('db.example', options, (e, address, family) => (e ? reject(e) : resolve(options.all ? address : [address, family]))));

  it('answers with the vetted addresses only, by family when asked', async () => {
    expect(await ask({ all: true })).toEqual([
      { address: '100.101.102.103', family: 4 },
      { address: 'fd7a:115c:a1e0::1', family: 6 },
    ]);
    expect(await ask({ family: 6 })).toEqual(['fd7a:115c:a1e0::1', 6]);
    expect(await ask({})).toEqual(['100.101.102.103', 4]);
    await expect(new Promise((resolve, reject) => vettedLookup(['100.64.0.1'])('x', { family: 6 }, (e, a) => (e ? reject(e) : resolve(a))))).rejects.toThrow(/no vetted address/);
  });
});
