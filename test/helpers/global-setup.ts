import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { ensureEmbeddedServer, stopEmbeddedServer } from '../../src/db/embedded.ts';
import { repoRoot } from './cli.ts';
import { makeScratchRoot } from './scratch.ts';

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

/**
 * Every path in the checkout but the installed and built ones (node_modules, dist, .git): a run must add
 * none (it used to leave ~55 .tmp/state-* directories each time).
 */
function checkoutFiles(): Set<string> {
  const skip = new Set(['node_modules', 'dist', '.git']);
  const found = new Set<string>();
  const walk = (dir: string) => {
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(path.join(repoRoot, dir), { withFileTypes: true });
    } catch {
      return; // a directory this user may not read (a root-owned leftover): nothing a run of ours put there
    }
    for (const entry of entries) {
      const rel = path.join(dir, entry.name);
      if (dir === '' && skip.has(entry.name)) continue;
      found.add(rel);
      if (entry.isDirectory()) walk(rel);
    }
  };
  walk('');
  return found;
}

export default async function setup(): Promise<() => Promise<void>> {
  const before = checkoutFiles();
  const root = makeScratchRoot();
  process.env.CABINET_TEST_SCRATCH = root;
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
    const left = [...checkoutFiles()].filter((f) => !before.has(f));
    if (left.length > 0) {
      throw new Error(`the test run left ${left.length} new file(s) in the checkout (tests write to the scratch space, test/helpers/scratch.ts): ${left.slice(0, 10).join(', ')}`);
    }
  };
}
