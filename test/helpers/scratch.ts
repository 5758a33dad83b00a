import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/**
 * Scratch space for a test run, outside the checkout: the global setup makes one directory per run in
 * os.tmpdir() (0755, so the `postgres` OS user can reach clusters made below it when tests run as root)
 * and removes it at the end; a test makes its own directories inside with scratchDir().
 */
export function scratchRoot(): string {
  const root = process.env.CABINET_TEST_SCRATCH;
  if (!root) throw new Error('CABINET_TEST_SCRATCH is not set: run tests through vitest (test/helpers/global-setup.ts makes it)');
  return root;
}

/** A new directory in the run's scratch space (mkdtemp: 0700 unless `mode` says otherwise). */
export function scratchDir(prefix: string, mode?: number): string {
  const dir = fs.mkdtempSync(path.join(scratchRoot(), `${prefix}-`));
  if (mode !== undefined) fs.chmodSync(dir, mode);
  return dir;
}

/** Makes the run's scratch directory (in the global setup). */
export function makeScratchRoot(): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'cabinet-test-'));
  fs.chmodSync(root, 0o755);
  return root;
}
