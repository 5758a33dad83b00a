import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openReadPool, type ReadPool } from '../../src/db/read-pool.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/db.ts';

/**
 * The COPY reader under users export (SqlClient.copyTo). What an export relies on: every row's bytes in
 * order whatever the messages' sizes, a server error in the middle of a COPY ends the stream with that
 * error (never a shorter file that looks complete), and the connection goes on afterwards.
 */
let db: TestDatabase;
let pool: ReadPool;
beforeAll(async () => {
  db = await createTestDatabase('copyout');
  pool = await openReadPool(db.target, undefined, 1);
});
afterAll(async () => {
  await pool.close();
  await db.drop();
});

async function read(sql: string): Promise<Buffer> {
  return pool.transaction(async (client) => {
    const chunks: Buffer[] = [];
    for await (const chunk of client.copyTo(sql)) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks);
  });
}

describe('COPY … TO STDOUT through SqlClient.copyTo', () => {
  it('gives the rows byte for byte, small and large (a row of 3 MB spans many socket reads), then the connection answers', async () => {
    const text = await read(`copy (select g, repeat(chr(65 + g % 26), case when g = 500 then 3000000 else g end) from generate_series(1, 2000) g) to stdout`);
    const expected = Array.from({ length: 2000 }, (_, i) => `${i + 1}\t${String.fromCharCode(65 + ((i + 1) % 26)).repeat(i + 1 === 500 ? 3_000_000 : i + 1)}\n`).join('');
    expect(text.length).toBe(Buffer.byteLength(expected));
    expect(text.toString() === expected).toBe(true);
    expect(await pool.query<{ n: number }>('select 42 as n')).toEqual([{ n: 42 }]);
  });

  it('a server error after some rows ends the stream with the server\'s message; the next statement runs', async () => {
    await expect(read(`copy (select g, 1 / (g - 30000) from generate_series(1, 40000) g) to stdout`)).rejects.toThrow(/division by zero/);
    expect(await pool.query<{ n: number }>('select 7 as n')).toEqual([{ n: 7 }]);
  });

  it('hands over whole rows: every buffer ends where a row ends (rows under 64 KiB), so the export never joins two', async () => {
    const chunks = await pool.transaction(async (client) => {
      const all: Buffer[] = [];
      for await (const chunk of client.copyTo(`copy (select g, repeat('x', g % 3000) from generate_series(1, 6000) g) to stdout`)) all.push(chunk as Buffer);
      return all;
    });
    expect(chunks.length, 'the rows came in many reads').toBeGreaterThan(50);
    expect(chunks.filter((c) => c.at(-1) !== 0x0a).length).toBe(0);
    const rows = Buffer.concat(chunks).toString().split('\n');
    expect(rows.length).toBe(6001);
    expect(rows[5998]).toBe(`5999\t${'x'.repeat(5999 % 3000)}`);
  });

  it('notices raised while the COPY runs are skipped, not mistaken for data', async () => {
    await pool.query(`create function pg_temp.noisy(g int) returns int language plpgsql as $$ begin if g % 500 = 0 then raise notice 'at %', g; end if; return g; end $$`);
    const text = await read(`copy (select pg_temp.noisy(g), repeat('y', 40) from generate_series(1, 3000) g) to stdout`);
    expect(text.toString()).toBe(Array.from({ length: 3000 }, (_, i) => `${i + 1}\t${'y'.repeat(40)}\n`).join(''));
  });

  it('reads the rows in place, in the connection\'s own buffer: no socket read becomes a stream chunk of its own while the COPY runs', async () => {
    // Node's sockets otherwise make a buffer and a stream chunk of every read (push), about 0.2 s of CPU per
    // million users; the read pool's sockets read into one buffer (raw-socket.ts) that the COPY reads in place.
    let pushed = 0;
    const push = net.Socket.prototype.push;
    net.Socket.prototype.push = function (this: net.Socket, chunk: unknown, ...rest: unknown[]) {
      if (Buffer.isBuffer(chunk)) pushed += chunk.length;
      return (push as (...args: unknown[]) => boolean).call(this, chunk, ...rest);
    };
    let text: Buffer;
    try {
      text = await read(`copy (select g, repeat('z', 100) from generate_series(1, 50000) g) to stdout`);
    } finally {
      net.Socket.prototype.push = push;
    }
    expect(text.length).toBe(Array.from({ length: 50000 }, (_, i) => String(i + 1).length + 102).reduce((a, b) => a + b, 0));
    expect(pushed, 'bytes that went through the socket stream').toBeLessThan(100_000);
    expect(await pool.query<{ n: number }>('select 9 as n')).toEqual([{ n: 9 }]);
  });
});
