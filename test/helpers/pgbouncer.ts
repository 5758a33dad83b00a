import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { cluster } from './db.ts';

/**
 * A real PgBouncer (Debian's package, installed by .ci/run) in front of the test cluster: its own process
 * with a generated ini on a free loopback port, the stock settings (ignore_startup_parameters not set),
 * SCRAM for clients and for the server. PgBouncer refuses to run as root, so as root it runs as the
 * `postgres` OS user the package (and the embedded cluster) use.
 */
export interface Bouncer {
  port: number;
  /** A URL through the bouncer to `database`, as the test cluster's password user. */
  url(database: string): string;
  log(): string;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

function runAs(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const uid = Number(execFileSync('id', ['-u', 'postgres']).toString().trim());
  const gid = Number(execFileSync('id', ['-g', 'postgres']).toString().trim());
  return { uid, gid };
}

async function accepting(port: number, child: ChildProcess, logFile: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`pgbouncer exited (${child.exitCode}): ${fs.existsSync(logFile) ? fs.readFileSync(logFile, 'utf8') : ''}`);
    const ok = await new Promise<boolean>((resolve) => {
      const socket = net.connect(port, '127.0.0.1', () => {
        socket.destroy();
        resolve(true);
      });
      socket.on('error', () => resolve(false));
    });
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`pgbouncer did not listen on ${port}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export async function startBouncer(poolMode: 'transaction' | 'session', options: { poolSize?: number } = {}): Promise<Bouncer> {
  const c = cluster();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `cabinet-pgbouncer-${poolMode}-`));
  const port = await freePort();
  const logFile = path.join(dir, 'pgbouncer.log');
  const quote = (s: string) => `"${s.replaceAll('"', '""')}"`;
  fs.writeFileSync(path.join(dir, 'userlist.txt'), `${quote(c.user)} ${quote(c.password)}\n`);
  fs.writeFileSync(
    path.join(dir, 'pgbouncer.ini'),
    [
      '[databases]',
      `* = host=127.0.0.1 port=${c.tcpPort}`,
      '[pgbouncer]',
      'listen_addr = 127.0.0.1',
      `listen_port = ${port}`,
      'unix_socket_dir =',
      'auth_type = scram-sha-256',
      `auth_file = ${path.join(dir, 'userlist.txt')}`,
      `pool_mode = ${poolMode}`,
      `default_pool_size = ${options.poolSize ?? 4}`,
      'max_client_conn = 100',
      `logfile = ${logFile}`,
      '',
    ].join('\n'),
  );
  const user = runAs();
  if (user) {
    fs.chownSync(dir, user.uid, user.gid);
    for (const f of fs.readdirSync(dir)) fs.chownSync(path.join(dir, f), user.uid, user.gid);
  }
  fs.chmodSync(dir, 0o700);
  // Debian puts it in /usr/sbin, which an unprivileged user's PATH often lacks.
  const binary = fs.existsSync('/usr/sbin/pgbouncer') ? '/usr/sbin/pgbouncer' : 'pgbouncer';
  const child = spawn(binary, [path.join(dir, 'pgbouncer.ini')], { stdio: 'ignore', ...(user ?? {}) });
  await accepting(port, child, logFile);
  return {
    port,
    url: (database) => `postgres://${encodeURIComponent(c.user)}:${encodeURIComponent(c.password)}@127.0.0.1:${port}/${database}`,
    log: () => (fs.existsSync(logFile) ? fs.readFileSync(logFile, 'utf8') : ''),
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGTERM');
        await exited;
      }
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
