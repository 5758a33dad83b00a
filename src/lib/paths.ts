import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** XDG base directories, per user (https://specifications.freedesktop.org/basedir-spec/latest/). */
function xdg(variable: string, fallback: string[]): string {
  const value = process.env[variable];
  // The spec says relative paths are invalid and must be ignored.
  if (value && path.isAbsolute(value)) return path.join(value, 'cabinet');
  return path.join(os.homedir(), ...fallback, 'cabinet');
}

export const dataHome = (): string => xdg('XDG_DATA_HOME', ['.local', 'share']);
export const stateHome = (): string => xdg('XDG_STATE_HOME', ['.local', 'state']);

/** Where the embedded PostgreSQL cluster lives: `CABINET_EMBEDDED_DIR` or `$XDG_DATA_HOME/cabinet/postgres`. */
export function embeddedRoot(): string {
  const override = process.env.CABINET_EMBEDDED_DIR;
  return override ? path.resolve(override) : path.join(dataHome(), 'postgres');
}

export const draftsDir = (): string => path.join(stateHome(), 'drafts');

/**
 * The cabinet checkout or install this code runs from (the folder with its package.json), found from this
 * module's own location so it works both from `src/` and from the bundle in `dist/`.
 */
export function projectRoot(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (fs.existsSync(path.join(dir, 'package.json')) && fs.existsSync(path.join(dir, 'migrations'))) return dir;
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error('cannot find the cabinet project root (package.json next to migrations/)');
    dir = parent;
  }
}

/** The migrations shipped with this cabinet (the ORM config and the light `migrate status` path share it). */
export const defaultMigrationsDir = (): string => path.join(projectRoot(), 'migrations');

/**
 * The migrations as the ORM runs them. Node strips types from .ts files but refuses to below node_modules,
 * which is where `npm install -g` puts cabinet: there it runs the copies compiled to .js at build time
 * (dist/migrations). Names and checksums always come from the .ts sources (defaultMigrationsDir), so a
 * database migrated from a checkout and from an installed cabinet agree.
 */
export function runnableMigrationsDir(): string {
  const root = projectRoot();
  return root.split(path.sep).includes('node_modules') ? path.join(root, 'dist', 'migrations') : defaultMigrationsDir();
}
