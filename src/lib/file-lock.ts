import fs from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { CabinetError } from './errors.ts';

/** A lock file older than this without a readable pid is a crashed half-write, not one being written. */
const UNREADABLE_GRACE_MS = 5_000;
/** A takeover marker this old belongs to a process that died mid-takeover. */
const TAKEOVER_STALE_MS = 10_000;

type Holder = { state: 'alive' } | { state: 'dead'; content: string } | { state: 'gone' };

function holder(file: string): Holder {
  let content: string;
  let mtimeMs: number;
  try {
    content = fs.readFileSync(file, 'utf8');
    mtimeMs = fs.statSync(file).mtimeMs;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { state: 'gone' };
    throw error;
  }
  const pid = Number.parseInt(content, 10);
  if (!Number.isFinite(pid) || pid <= 0) {
    // Our own locks are never seen half-written (they appear by link, content and all); someone else's might.
    return Date.now() - mtimeMs < UNREADABLE_GRACE_MS ? { state: 'alive' } : { state: 'dead', content };
  }
  try {
    process.kill(pid, 0);
    return { state: 'alive' };
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM' ? { state: 'alive' } : { state: 'dead', content };
  }
}

/** Creates `file` holding our pid, atomically: it appears complete or not at all (link fails if it exists). */
function tryCreate(file: string): boolean {
  const temp = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.${Date.now()}.tmp`);
  fs.writeFileSync(temp, String(process.pid), { mode: 0o600 });
  try {
    fs.linkSync(temp, file);
    return true;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') return false;
    if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'EOPNOTSUPP') throw error;
    // A file system without hard links: O_EXCL create (the pid follows within microseconds; holder() waits).
    try {
      fs.writeFileSync(file, String(process.pid), { flag: 'wx', mode: 0o600 });
      return true;
    } catch (inner) {
      if ((inner as NodeJS.ErrnoException).code === 'EEXIST') return false;
      throw inner;
    }
  } finally {
    fs.rmSync(temp, { force: true });
  }
}

/**
 * Removes a stale lock, unless another process got there first. Two processes that both saw the same dead
 * holder must not both remove "the" lock: the second would delete the live lock the first just took. So a
 * takeover runs under its own O_EXCL marker and removes the lock only if it still holds the dead content.
 */
function takeOver(file: string, staleContent: string): void {
  const marker = `${file}.takeover`;
  try {
    fs.writeFileSync(marker, String(process.pid), { flag: 'wx', mode: 0o600 });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    try {
      if (Date.now() - fs.statSync(marker).mtimeMs > TAKEOVER_STALE_MS) fs.rmSync(marker, { force: true });
    } catch {
      /* gone meanwhile */
    }
    return; // someone else is taking over; look again
  }
  try {
    let current: string | undefined;
    try {
      current = fs.readFileSync(file, 'utf8');
    } catch {
      current = undefined;
    }
    if (current === staleContent) fs.rmSync(file, { force: true });
  } finally {
    fs.rmSync(marker, { force: true });
  }
}

/**
 * Runs `fn` while holding an exclusive lock file (holding our pid, created atomically). A lock left by a
 * dead process is taken over (once, however many processes find it at the same moment); a live holder is
 * waited for up to `timeoutMs`.
 */
export async function withFileLock<T>(file: string, fn: () => Promise<T>, timeoutMs = 120_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (tryCreate(file)) break;
    const h = holder(file);
    if (h.state === 'gone') continue;
    if (h.state === 'dead') {
      takeOver(file, h.content);
      await sleep(5 + Math.random() * 20);
      continue;
    }
    if (Date.now() > deadline) throw new CabinetError(`timed out waiting for the lock ${file}`, { code: 'lock-timeout' });
    await sleep(100);
  }
  try {
    return await fn();
  } finally {
    fs.rmSync(file, { force: true });
  }
}
