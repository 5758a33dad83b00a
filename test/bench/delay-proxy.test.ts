import { spawn } from 'node:child_process';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDelayProxy, type DelayProxy } from '../../bench/delay-proxy.ts';
import { repoRoot } from '../helpers/cli.ts';
import { cluster } from '../helpers/db.ts';

describe('bench/delay-proxy', () => {
  let proxy: DelayProxy;
  beforeAll(async () => {
    proxy = await startDelayProxy({ target: { host: '127.0.0.1', port: cluster().tcpPort }, trace: true });
  });
  afterAll(async () => {
    await proxy.close();
  });

  const client = () => {
    const c = cluster();
    return new pg.Client({ host: '127.0.0.1', port: proxy.port, user: c.user, password: c.password, database: 'postgres' });
  };

  it('delays each way and counts one round trip per query, a connection and the bytes', async () => {
    proxy.reset();
    const c = client();
    const t0 = Date.now();
    await c.connect();
    const connectMs = Date.now() - t0;
    const afterConnect = proxy.stats();
    expect(afterConnect.connections).toBe(1);
    // TCP's handshake (charged by the proxy) + startup/SCRAM exchange: at least three 50 ms round trips.
    expect(connectMs).toBeGreaterThanOrEqual(150);
    const t1 = Date.now();
    const r = await c.query('select 1 as one');
    const queryMs = Date.now() - t1;
    expect(r.rows).toEqual([{ one: 1 }]);
    expect(queryMs).toBeGreaterThanOrEqual(49);
    expect(queryMs).toBeLessThan(150);
    const s = proxy.stats();
    expect(s.roundTrips).toBe(afterConnect.roundTrips + 1);
    expect(s.perConnection.at(-1)!.bursts.at(-1)).toBe('Q');
    expect(s.perConnection.at(-1)!.bursts[0]).toBe('startup');
    await c.query('select $1::int as n', [2]); // extended protocol, one message burst: P B D E S
    expect(proxy.stats().roundTrips).toBe(afterConnect.roundTrips + 2);
    expect(proxy.stats().perConnection.at(-1)!.bursts.at(-1)).toBe('P B D E S');
    expect(s.bytesToServer).toBeGreaterThan(0);
    expect(s.bytesToClient).toBeGreaterThan(0);
    await c.end();
  });

  it('does not count server messages nobody asked for (NOTIFY) as round trips', async () => {
    proxy.reset();
    const listener = client();
    const notifier = client();
    await listener.connect();
    await notifier.connect();
    await listener.query('listen proxy_test');
    const mine = () => proxy.stats().perConnection.map((c) => c.roundTrips); // listener, notifier
    const before = mine();
    const got = new Promise((resolve) => listener.once('notification', resolve));
    await notifier.query("notify proxy_test, 'x'");
    await got;
    const after = mine();
    expect(after[0]).toBe(before[0]); // the listener asked nothing
    expect(after[1]).toBe(before[1]! + 1);
    await listener.end();
    await notifier.end();
  });

  it('refuses a non-loopback target and runs from the command line', async () => {
    await expect(startDelayProxy({ target: { host: '10.0.0.1', port: 5432 } })).rejects.toThrow(/loopback/);
    const child = spawn(process.execPath, [path.join(repoRoot, 'bench', 'delay-proxy.ts'), '--target', `127.0.0.1:${cluster().tcpPort}`, '--delay', '10'], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    await expect.poll(() => out, { timeout: 10_000 }).toMatch(/listening 127\.0\.0\.1:\d+/);
    const port = Number(/:(\d+)/.exec(out)![1]);
    const c = cluster();
    const pc = new pg.Client({ host: '127.0.0.1', port, user: c.user, password: c.password, database: 'postgres' });
    await pc.connect();
    await pc.query('select 1');
    await pc.end();
    child.kill('SIGTERM');
    await new Promise((resolve) => child.once('exit', resolve));
    const stats = JSON.parse(out.trim().split('\n').pop()!) as { connections: number; roundTrips: number };
    expect(stats.connections).toBe(1);
    expect(stats.roundTrips).toBeGreaterThanOrEqual(3);
  });
});
