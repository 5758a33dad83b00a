import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { CabinetError } from '../lib/errors.ts';
import { isRoot } from './embedded-layout.ts';

/**
 * Who runs the embedded PostgreSQL and whether it can reach its directories: as root the cluster is
 * owned by and run as the `postgres` OS user, which must pass through every directory above it.
 */

export const OS_SERVICE_USER = 'postgres';

/** Postgres refuses to run as root; as root the cluster is owned by and run as the `postgres` OS user. */
export interface RunAs {
  uid?: number;
  gid?: number;
}

export function serviceAccount(): RunAs {
  if (!isRoot()) return {};
  const lookup = (): RunAs | undefined => {
    try {
      const uid = Number(execFileSync('id', ['-u', OS_SERVICE_USER], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim());
      const gid = Number(execFileSync('id', ['-g', OS_SERVICE_USER], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim());
      return { uid, gid };
    } catch {
      return undefined;
    }
  };
  const found = lookup();
  if (found) return found;
  try {
    execFileSync('useradd', ['--system', '--user-group', '--no-create-home', '--shell', '/usr/sbin/nologin', OS_SERVICE_USER], { stdio: 'ignore' });
  } catch {
    /* a concurrent cabinet may have created it; look again below */
  }
  const created = lookup();
  if (!created) {
    throw new CabinetError('cannot run the embedded PostgreSQL as root and could not create a `postgres` OS user', {
      code: 'embedded-root',
      hint: 'create a postgres user (useradd --system postgres) or run cabinet as a normal user',
    });
  }
  return created;
}

export function makeDir(dir: string, owner: RunAs, mode = 0o700): void {
  fs.mkdirSync(dir, { recursive: true, mode });
  fs.chmodSync(dir, mode);
  if (owner.uid !== undefined) fs.chownSync(dir, owner.uid, owner.gid ?? owner.uid);
}

/**
 * Creates the cluster's root and whatever is missing above it. Parents cabinet creates are 0700 for a
 * normal user (as XDG asks) and 0755 as root, where the `postgres` user must pass through them
 * (/var/lib/cabinet, like /var/lib/postgresql). A parent that already exists is left alone, but when
 * `postgres` cannot pass through it, this says which one and why, rather than letting initdb fail below.
 */
export function makeRoot(root: string, owner: RunAs): void {
  const missing: string[] = [];
  let existing = path.dirname(root);
  for (; !fs.existsSync(existing); existing = path.dirname(existing)) missing.unshift(existing);
  if (owner.uid !== undefined) {
    const ancestors: string[] = [];
    for (let dir = existing; ; dir = path.dirname(dir)) {
      ancestors.unshift(dir);
      if (dir === path.dirname(dir)) break;
    }
    const blocked = firstUnreachable(owner, ancestors);
    if (blocked !== undefined) {
      throw new CabinetError(`the ${OS_SERVICE_USER} OS user (which runs the embedded PostgreSQL as root) cannot reach ${root}: ${blocked} is ${describeDir(blocked)}`, {
        code: 'embedded-unreachable',
        hint: `let it pass (chmod o+x ${blocked}) or set CABINET_EMBEDDED_DIR to a directory it can reach`,
      });
    }
  }
  for (const dir of missing) {
    try {
      fs.mkdirSync(dir, { mode: owner.uid === undefined ? 0o700 : 0o755 });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  }
  makeDir(root, owner);
}

/** The first of `paths` (parents first) that the service user cannot pass through or run, asked of the kernel as that user. */
export function firstUnreachable(owner: RunAs, paths: string[]): string | undefined {
  const result = spawnSync('/bin/sh', ['-c', 'for p do [ -x "$p" ] || { printf %s "$p"; exit 1; }; done', 'sh', ...paths], {
    uid: owner.uid,
    gid: owner.gid,
    encoding: 'utf8',
  });
  if (result.status === 0) return undefined;
  return result.stdout || paths[0];
}

/** "drwx------ root:root, no way through for others" */
function describeDir(dir: string): string {
  const stat = fs.statSync(dir);
  const bits = 'rwxrwxrwx'.replace(/./g, (c, i: number) => ((stat.mode >> (8 - i)) & 1 ? c : '-'));
  const name = (id: number, db: string) => {
    const line = fs.existsSync(db) ? fs.readFileSync(db, 'utf8').split('\n').find((l) => l.split(':')[2] === String(id)) : undefined;
    return line?.split(':')[0] ?? String(id);
  };
  return `d${bits} ${name(stat.uid, '/etc/passwd')}:${name(stat.gid, '/etc/group')} (no search permission for ${OS_SERVICE_USER})`;
}
