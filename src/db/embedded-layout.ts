import path from 'node:path';
import { embeddedRoot } from '../lib/paths.ts';

/** Where the embedded PostgreSQL (db/embedded.ts) keeps its cluster, socket, log and password. */

export function isRoot(): boolean {
  return typeof process.getuid === 'function' && process.getuid() === 0;
}

/** The default root: the user's XDG data dir; for root, /var/lib/cabinet (root's home is not reachable by the service user). */
export function defaultEmbeddedRoot(): string {
  if (!process.env.CABINET_EMBEDDED_DIR && isRoot()) return '/var/lib/cabinet/postgres';
  return embeddedRoot();
}

export function embeddedLayout(root = defaultEmbeddedRoot()) {
  return {
    root,
    dataDir: path.join(root, 'data'),
    socketDir: path.join(root, 'run'),
    tmpDir: path.join(root, 'tmp'),
    logFile: path.join(root, 'server.log'),
    passwordFile: path.join(root, 'superuser-password'),
    lockFile: path.join(root, 'start.lock'),
  };
}
export type Layout = ReturnType<typeof embeddedLayout>;
