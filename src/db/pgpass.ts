import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ConnectionTarget } from './connection.ts';

/** Socket directories libpq treats as "localhost" when matching password file lines. */
const DEFAULT_SOCKET_DIRS = new Set(['/var/run/postgresql', '/run/postgresql', '/tmp']);

/** Splits a password file line on unescaped colons: four fields, then the password (the rest of the line). */
function pgpassFields(line: string): string[] | undefined {
  const fields: string[] = [];
  let current = '';
  for (let i = 0; i < line.length; i++) {
    const ch = line[i]!;
    if (ch === '\\' && i + 1 < line.length) {
      current += line[++i];
    } else if (ch === ':' && fields.length < 4) {
      fields.push(current);
      current = '';
    } else {
      current += ch;
    }
  }
  fields.push(current);
  return fields.length === 5 ? fields : undefined;
}

/**
 * Looks the password up in the libpq password file (`PGPASSFILE` or `~/.pgpass`) when none was given, with
 * libpq's rules: the first matching line wins, `*` matches anything, `\:` is a colon, and a file that group
 * or others can read is ignored. (The `pgpass` package lets a later `*` line override an earlier exact one.)
 */
export async function fillPasswordFromPgpass(
  target: ConnectionTarget,
  env: NodeJS.ProcessEnv = process.env,
  warn: (line: string) => void = () => {},
): Promise<void> {
  if (target.password !== undefined) return;
  const file = target.passfile || env.PGPASSFILE || path.join(env.HOME || os.homedir(), '.pgpass');
  let text: string;
  // Read synchronously: a small file on the way to every connection, and at a start fs.promises would load
  // Node's promise-based fs and start its thread pool first (the console's connect waited ~5-8 ms for that).
  try {
    const stat = fs.statSync(file);
    if (!stat.isFile()) return;
    if (process.platform !== 'win32' && (stat.mode & 0o077) !== 0) {
      warn(`password file ${file} is ignored: group or others can read it (chmod 600 ${file})`);
      return;
    }
    text = fs.readFileSync(file, 'utf8');
  } catch {
    return;
  }
  const hosts = [target.host];
  if (DEFAULT_SOCKET_DIRS.has(target.host)) hosts.push('localhost');
  const matches = (field: string, values: string[]) => field === '*' || values.includes(field);
  for (const line of text.split(/\r?\n/)) {
    if (line.trim() === '' || line.trimStart().startsWith('#')) continue;
    const fields = pgpassFields(line);
    if (!fields) continue;
    const [host, port, database, user, password] = fields as [string, string, string, string, string];
    if (
      matches(host, hosts) &&
      (port === '*' || Number(port) === target.port) &&
      matches(database, [target.database]) &&
      matches(user, [target.user]) &&
      password !== ''
    ) {
      target.password = password;
      return;
    }
  }
}
