// `npm test`: runs vitest (after the build) with the arguments given, from wherever the checkout lives.
// Vite cannot load modules below a directory whose name has a `#` or `?` (its module ids are URLs, cut
// there: "Failed to load url /test/helpers/global-setup.ts"). From such a checkout the suite runs through a
// symlink without them, with Node and Vite told to keep that path instead of resolving it back.
import { spawn } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const env = { ...process.env };
let at = root;
const nodeArgs: string[] = [];

if (/[#?]/.test(root)) {
  const id = crypto.createHash('sha256').update(root).digest('hex').slice(0, 12);
  at = path.join(os.tmpdir(), `cabinet-checkout-${process.getuid?.() ?? 'user'}-${id}`);
  let current: string | undefined;
  try {
    current = fs.readlinkSync(at);
  } catch {
    current = undefined;
  }
  if (current !== root) {
    fs.rmSync(at, { force: true });
    fs.symlinkSync(root, at);
  }
  const keep = '--preserve-symlinks --preserve-symlinks-main';
  nodeArgs.push(...keep.split(' '));
  // The test workers are Node processes too; and vitest.config.ts keeps Vite from resolving the link.
  env.NODE_OPTIONS = `${env.NODE_OPTIONS ?? ''} ${keep}`.trim();
  env.CABINET_TEST_ROOT_LINK = at;
  process.stderr.write(`${root} has a # or ?, which Vite cannot load modules from: the suite runs through ${at}\n`);
}

const child = spawn(process.execPath, [...nodeArgs, path.join(at, 'node_modules', 'vitest', 'vitest.mjs'), 'run', ...(at === root ? [] : ['--root', at]), ...args], {
  cwd: at,
  env,
  stdio: 'inherit',
});
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, () => child.kill(signal));
child.on('exit', (code, signal) => process.exit(code ?? 128 + (signal ? os.constants.signals[signal] : 0)));
