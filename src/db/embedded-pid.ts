import fs from 'node:fs';
import path from 'node:path';

/** Whether the embedded cluster's postmaster runs, told from its pid file without ever taking another process for it. */

/** The port in the socket's name (.s.PGSQL.5432) when the server listens on no TCP port. */
export const SOCKET_PORT = 5432;

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Whether `pid` is the postmaster of the cluster in `dataDir`. After a reboot a stale postmaster.pid can
 * name a pid that now belongs to anything, another PostgreSQL included (whose backends are all called
 * "postgres"): a postmaster runs in its data directory, so its /proc cwd tells them apart.
 */
function isOurPostmaster(pid: number, dataDir: string): boolean {
  if (!pidAlive(pid)) return false;
  let cwd: string;
  try {
    cwd = fs.readlinkSync(`/proc/${pid}/cwd`);
  } catch {
    // No /proc (macOS): trust liveness. With /proc, an unreadable cwd is another user's process, not ours.
    return !fs.existsSync('/proc/self');
  }
  let real = dataDir;
  try {
    real = fs.realpathSync(dataDir);
  } catch {
    /* compare as given */
  }
  if (cwd !== real) return false;
  try {
    return /postgres/.test(fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8'));
  } catch {
    return false;
  }
}

/**
 * A killed cabinet (or a killed machine) can leave `postmaster.pid` behind. Postgres removes it by itself
 * when the pid is dead, but refuses when the pid now belongs to some other process; clear those (and never
 * take another process for our server: `embedded stop` signals the pid it finds).
 */
export function clearStalePidFiles(dataDir: string, socketDir: string): boolean {
  let cleared = false;
  const candidates = [path.join(dataDir, 'postmaster.pid'), path.join(socketDir, `.s.PGSQL.${SOCKET_PORT}.lock`)];
  for (const file of candidates) {
    let pid: number;
    try {
      pid = Number.parseInt(fs.readFileSync(file, 'utf8').split('\n')[0] ?? '', 10);
    } catch {
      continue;
    }
    if (!Number.isFinite(pid) || pid <= 0 || !isOurPostmaster(pid, dataDir)) {
      fs.rmSync(file, { force: true });
      cleared = true;
    }
  }
  return cleared;
}

/** The pid of the running postmaster of this cluster, if any. */
export function runningPid(dataDir: string): number | undefined {
  try {
    const pid = Number.parseInt(fs.readFileSync(path.join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[0] ?? '', 10);
    return Number.isFinite(pid) && pid > 0 && isOurPostmaster(pid, dataDir) ? pid : undefined;
  } catch {
    return undefined;
  }
}

export function socketPortOf(dataDir: string): number {
  // Line 4 of postmaster.pid is the port the running server uses for its socket name.
  try {
    const port = Number.parseInt(fs.readFileSync(path.join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[3] ?? '', 10);
    return Number.isFinite(port) && port > 0 ? port : SOCKET_PORT;
  } catch {
    return SOCKET_PORT;
  }
}
