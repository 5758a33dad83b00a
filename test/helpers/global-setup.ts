import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { ensureEmbeddedServer, stopEmbeddedServer } from '../../src/db/embedded.ts';

/**
 * One real PostgreSQL (the embedded binaries) for the whole run, on a Unix socket and on a loopback TCP
 * port with password auth. Each test file makes its own database on it (test/helpers/db.ts).
 */
async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

export default async function setup(): Promise<() => Promise<void>> {
  const base = path.resolve('.tmp');
  fs.mkdirSync(base, { recursive: true, mode: 0o755 });
  const root = fs.mkdtempSync(path.join(base, 'pg-'));
  fs.chmodSync(root, 0o755);
  const tcpPort = await freePort();
  const server = await ensureEmbeddedServer({ root: path.join(root, 'c'), tcpPort });
  process.env.CABINET_TEST_PG_ROOT = server.root;
  process.env.CABINET_TEST_PG_SOCKET = server.socketDir;
  process.env.CABINET_TEST_PG_PORT = String(server.port);
  process.env.CABINET_TEST_PG_TCP_PORT = String(tcpPort);
  process.env.CABINET_TEST_PG_USER = server.user;
  process.env.CABINET_TEST_PG_PASSWORD = server.password;
  return async () => {
    await stopEmbeddedServer(server.root);
    fs.rmSync(root, { recursive: true, force: true });
  };
}
