// The two links the benchmark measures over: loopback (the server's Unix socket on this machine) and a
// tailnet-like link, bench/delay-proxy.ts in front of the same server (25 ms each way, a 50 ms round trip).
// The proxy runs in its own process: the benchmark times commands with spawnSync, which blocks this one.
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));

export interface Link {
  name: 'loopback' | 'tailnet';
  /** libpq-style URL for database `db` (cabinet, MikroORM's CLI, psql and pgcli all take it). */
  url(db: string): string;
  close(): Promise<void>;
}

export function loopbackLink(server: { socketDir: string; port: number; user: string }): Link {
  return {
    name: 'loopback',
    url: (db) => `postgres://${server.user}@/${db}?host=${encodeURIComponent(server.socketDir)}&port=${server.port}`,
    close: async () => {},
  };
}

/** Starts `node bench/delay-proxy.ts` towards the server's socket; resolves once it listens. */
export async function tailnetLink(server: { socketDir: string; port: number; user: string }, delayMs: number, node: string): Promise<Link> {
  const socket = path.join(server.socketDir, `.s.PGSQL.${server.port}`);
  const child: ChildProcess = spawn(node, [path.join(here, 'delay-proxy.ts'), '--target', socket, '--delay', String(delayMs)], { stdio: ['ignore', 'pipe', 'pipe'] });
  const port = await new Promise<number>((resolve, reject) => {
    let out = '';
    let err = '';
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /listening 127\.0\.0\.1:(\d+)/.exec(out);
      if (m) resolve(Number(m[1]));
    });
    child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
    child.on('exit', (code) => reject(new Error(`bench/delay-proxy.ts exited (${code}) before listening: ${err.trim()}`)));
  });
  child.removeAllListeners('exit');
  return {
    name: 'tailnet',
    url: (db) => `postgres://${server.user}@127.0.0.1:${port}/${db}?sslmode=disable`,
    close: () =>
      new Promise<void>((resolve) => {
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}
