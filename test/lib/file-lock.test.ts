import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { withFileLock } from '../../src/lib/file-lock.ts';

/** The lock that keeps two cabinet processes from starting the embedded server at once. */
const repo = path.resolve(import.meta.dirname, '../..');
let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cabinet-lock-'));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

/** A pid no process has now: one that just exited. */
function deadPid(): number {
  const r = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
  return Number(r.stdout);
}

function race(n: number, lock: string, log: string): Promise<number[]> {
  const startAt = Date.now() + 700; // after every child has loaded
  return Promise.all(
    Array.from({ length: n }, () =>
      new Promise<number>((resolve) => {
        const child = spawn(process.execPath, [path.join(repo, 'test/lib/fixtures/lock-child.ts'), lock, log, String(startAt)], { stdio: 'inherit' });
        child.on('exit', (code) => resolve(code ?? -1));
      }),
    ),
  );
}

/** The log as holders: each "+pid" must be followed by its own "-pid" before anyone else enters. */
function overlaps(log: string): string[] {
  const lines = fs.readFileSync(log, 'utf8').trim().split('\n');
  const problems: string[] = [];
  for (let i = 0; i < lines.length; i += 2) {
    if (!lines[i]!.startsWith('+') || lines[i + 1] !== `-${lines[i]!.slice(1)}`) problems.push(`${lines[i]} then ${lines[i + 1]}`);
  }
  return problems;
}

describe('withFileLock', () => {
  it('many processes finding the same stale lock at once: each holds it alone, one after another', async () => {
    const lock = path.join(dir, 'start.lock');
    const log = path.join(dir, 'log');
    for (let round = 0; round < 3; round++) {
      fs.writeFileSync(lock, String(deadPid()));
      fs.writeFileSync(log, '');
      const codes = await race(6, lock, log);
      expect(codes).toEqual([0, 0, 0, 0, 0, 0]);
      expect(overlaps(log)).toEqual([]);
      expect(fs.readFileSync(log, 'utf8').trim().split('\n')).toHaveLength(12);
      expect(fs.existsSync(lock)).toBe(false);
    }
  }, 30_000);

  it('waits for a live holder, and gives up with a one-line error at the timeout', async () => {
    const lock = path.join(dir, 'start.lock');
    fs.writeFileSync(lock, String(process.pid));
    await expect(withFileLock(lock, async () => 'ran', 300)).rejects.toThrow(/timed out waiting for the lock/);
    expect(fs.readFileSync(lock, 'utf8')).toBe(String(process.pid)); // not taken from its holder
  });

  it('a lock file without a pid yet is being written (waited for); an old one is a crash (taken over)', async () => {
    const lock = path.join(dir, 'start.lock');
    fs.writeFileSync(lock, '');
    await expect(withFileLock(lock, async () => 'ran', 300)).rejects.toThrow(/timed out/);
    const old = new Date(Date.now() - 60_000);
    fs.utimesSync(lock, old, old);
    expect(await withFileLock(lock, async () => 'ran', 2000)).toBe('ran');
    expect(fs.existsSync(lock)).toBe(false);
  });
});
