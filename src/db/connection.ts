import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseEnv } from 'node:util';
import { parse as parseConnectionString } from 'pg-connection-string';
import { CabinetError, usageError } from '../lib/errors.ts';

/** Where a connection's settings came from, in the order they are consulted. */
export type ConnectionSource = '--database-url' | 'CABINET_DATABASE_URL' | 'DATABASE_URL' | 'libpq environment' | 'embedded';

/** Resolved, not yet connected: everything needed to open a connection, and to say where it goes. */
export interface ConnectionTarget {
  source: ConnectionSource;
  /** Host name, IP address, or a Unix socket directory (absolute path). */
  host: string;
  port: number;
  user: string;
  password?: string;
  database: string;
  /** `sslmode` from the URL or PGSSLMODE; `disable`, `prefer`, `require`, `verify-ca`, `verify-full`. */
  sslmode?: string;
  connectTimeoutSeconds: number;
  /** Set for the embedded server (its data directory), for display. */
  embeddedRoot?: string;
  /** Set when a `.env` in the working directory was read: whether its connection settings were used. */
  dotEnv?: DotEnvUse;
  /**
   * The addresses the tailnet guard resolved `host` to (or the IP literal it spells): TCP connections go to
   * these and nowhere else, and with none a host name is not looked up at all (no second DNS lookup).
   * Unset for sockets.
   */
  addresses?: string[];
}

export interface ResolveOptions {
  databaseUrl?: string;
  env?: NodeJS.ProcessEnv;
  /** Read `.env` from this directory (default: the working directory). */
  cwd?: string;
}

export const DEFAULT_CONNECT_TIMEOUT_SECONDS = 10;

/** What a `.env` file did to the connection: one line for stderr and `doctor`. */
export interface DotEnvUse {
  file: string;
  /** True when its connection settings chose the database; false when the environment already named one. */
  used: boolean;
  /** The connection variables the file set (or would have set). */
  names: string[];
  line: string;
}

/**
 * Loads `.env` from the working directory into `env`, without overriding what is already set
 * (the shell wins over the file, as with dotenv). Uses Node's own parser. Connection settings
 * (`CABINET_DATABASE_URL`, `DATABASE_URL`, every `PG*`) are taken from it only when `connection` is
 * true: a `.env` must never change which database the shell's environment or `--database-url` named.
 * Returns the file's effect on the connection, or undefined when it has no connection settings.
 */
export function loadDotEnv(cwd: string, env: NodeJS.ProcessEnv, connection = true): { file: string; names: string[] } | undefined {
  const file = path.join(cwd, '.env');
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
  const names: string[] = [];
  for (const [key, value] of Object.entries(parseEnv(text))) {
    if (isConnectionVar(key)) {
      names.push(key);
      if (!connection) continue;
    }
    if (env[key] === undefined) env[key] = value;
  }
  return names.length > 0 ? { file, names } : undefined;
}

function isConnectionVar(name: string): boolean {
  return name === 'CABINET_DATABASE_URL' || name === 'DATABASE_URL' || name.startsWith('PG');
}

const LIBPQ_TARGET_VARS = ['PGHOST', 'PGHOSTADDR', 'PGPORT', 'PGUSER', 'PGDATABASE', 'PGSERVICE'] as const;

function timeoutFrom(value: string | undefined): number {
  const n = value === undefined ? NaN : Number.parseInt(value, 10);
  // libpq treats 0 as "wait forever"; cabinet always bounds the wait.
  return Number.isFinite(n) && n > 0 ? n : DEFAULT_CONNECT_TIMEOUT_SECONDS;
}

function fromUrl(url: string, source: ConnectionSource, env: NodeJS.ProcessEnv): ConnectionTarget {
  if (!/^postgres(ql)?:\/\//i.test(url)) {
    throw usageError(`${source} is not a PostgreSQL URL`, 'expected postgres://user@host:port/database');
  }
  let parsed: ReturnType<typeof parseConnectionString>;
  let query: URLSearchParams;
  try {
    parsed = parseConnectionString(url);
    // Not `new URL(...)`: WHATWG URLs reject libpq's socket form `postgres://user@/db?host=/run/pg`.
    const q = url.indexOf('?');
    query = new URLSearchParams(q < 0 ? '' : url.slice(q + 1).replace(/#.*$/, ''));
  } catch {
    throw usageError(`${source} is not a valid PostgreSQL URL`, 'expected postgres://user@host:port/database');
  }
  const target: ConnectionTarget = {
    source,
    host: parsed.host || env.PGHOST || 'localhost',
    port: Number(parsed.port || env.PGPORT || 5432),
    user: parsed.user || env.PGUSER || os.userInfo().username,
    database: parsed.database || env.PGDATABASE || parsed.user || env.PGUSER || os.userInfo().username,
    connectTimeoutSeconds: timeoutFrom(query.get('connect_timeout') ?? env.PGCONNECT_TIMEOUT),
  };
  const password = parsed.password || env.PGPASSWORD;
  if (password) target.password = password;
  const sslmode = query.get('sslmode') ?? env.PGSSLMODE;
  if (sslmode) target.sslmode = sslmode;
  return target;
}

function fromLibpqEnv(env: NodeJS.ProcessEnv): ConnectionTarget {
  const user = env.PGUSER || os.userInfo().username;
  const target: ConnectionTarget = {
    source: 'libpq environment',
    host: env.PGHOSTADDR || env.PGHOST || '/var/run/postgresql',
    port: Number(env.PGPORT || 5432),
    user,
    database: env.PGDATABASE || user,
    connectTimeoutSeconds: timeoutFrom(env.PGCONNECT_TIMEOUT),
  };
  if (env.PGPASSWORD) target.password = env.PGPASSWORD;
  if (env.PGSSLMODE) target.sslmode = env.PGSSLMODE;
  return target;
}

/** Which of the environment's settings name a database (in precedence order), if any does. */
function namedBy(env: NodeJS.ProcessEnv): string | undefined {
  return ['CABINET_DATABASE_URL', 'DATABASE_URL', ...LIBPQ_TARGET_VARS].find((name) => env[name]);
}

/**
 * Decides which database cabinet talks to: `--database-url`, then `CABINET_DATABASE_URL` / `DATABASE_URL`,
 * then libpq's `PG*` variables; with none of them, the embedded server (returned with source `embedded`
 * and no host yet: the caller starts it). A `.env` in the working directory supplies the connection
 * settings only when neither the flag nor the environment names a database; `dotEnv` says what it did.
 */
export function resolveConnection(options: ResolveOptions = {}): (ConnectionTarget | { source: 'embedded' }) & { dotEnv?: DotEnvUse } {
  const env = options.env ?? process.env;
  const named = options.databaseUrl !== undefined ? '--database-url' : namedBy(env);
  const loaded = loadDotEnv(options.cwd ?? process.cwd(), env, named === undefined);
  const resolved = resolveFrom(env, options.databaseUrl);
  if (!loaded) return resolved;
  const list = loaded.names.join(', ');
  const dotEnv: DotEnvUse =
    named === undefined
      ? { ...loaded, used: true, line: `using ${list} from ${loaded.file}` }
      : { ...loaded, used: false, line: `${loaded.file} is not used for the connection (${list}): ${named} already names the database` };
  return { ...resolved, dotEnv };
}

function resolveFrom(env: NodeJS.ProcessEnv, databaseUrl: string | undefined): ConnectionTarget | { source: 'embedded' } {
  if (databaseUrl !== undefined) {
    if (databaseUrl.trim() === '') throw usageError('--database-url is empty');
    return fromUrl(databaseUrl, '--database-url', env);
  }
  if (env.CABINET_DATABASE_URL) return fromUrl(env.CABINET_DATABASE_URL, 'CABINET_DATABASE_URL', env);
  if (env.DATABASE_URL) return fromUrl(env.DATABASE_URL, 'DATABASE_URL', env);
  if (LIBPQ_TARGET_VARS.some((name) => env[name])) {
    if (env.PGSERVICE && !env.PGHOST) {
      throw new CabinetError('PGSERVICE is set but cabinet does not read pg_service.conf', {
        code: 'config',
        hint: 'set PGHOST/PGPORT/PGDATABASE or DATABASE_URL instead',
      });
    }
    return fromLibpqEnv(env);
  }
  return { source: 'embedded' };
}

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
  const file = env.PGPASSFILE || path.join(env.HOME || os.homedir(), '.pgpass');
  let text: string;
  try {
    const stat = await fs.promises.stat(file);
    if (!stat.isFile()) return;
    if (process.platform !== 'win32' && (stat.mode & 0o077) !== 0) {
      warn(`password file ${file} is ignored: group or others can read it (chmod 600 ${file})`);
      return;
    }
    text = await fs.promises.readFile(file, 'utf8');
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

/** How the target is shown to people: never with its password. */
export function describeTarget(target: ConnectionTarget): string {
  if (target.source === 'embedded') return `embedded PostgreSQL (${target.embeddedRoot ?? target.host}) db ${target.database}`;
  const where = target.host.startsWith('/') ? `socket ${target.host}` : `${target.host.includes(':') ? `[${target.host}]` : target.host}:${target.port}`;
  return `${target.user}@${where}/${target.database}`;
}
