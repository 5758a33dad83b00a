import fs from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { CabinetError } from './errors.ts';

function holderAlive(file: string): boolean {
  try {
    const pid = Number.parseInt(fs.readFileSync(file, 'utf8'), 10);
    if (!Number.isFinite(pid) || pid <= 0) return false;
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Runs `fn` while holding an exclusive lock file (created with O_EXCL, holding our pid). A lock left by a
 * dead process is taken over; a live holder is waited for up to `timeoutMs`.
 */
export async function withFileLock<T>(file: string, fn: () => Promise<T>, timeoutMs = 120_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      fs.writeFileSync(file, String(process.pid), { flag: 'wx', mode: 0o600 });
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      if (!holderAlive(file)) {
        // Stale: remove it and race for it again (only one O_EXCL create can win).
        fs.rmSync(file, { force: true });
        continue;
      }
      if (Date.now() > deadline) throw new CabinetError(`timed out waiting for the lock ${file}`, { code: 'lock-timeout' });
      await sleep(100);
    }
  }
  try {
    return await fn();
  } finally {
    fs.rmSync(file, { force: true });
  }
}
