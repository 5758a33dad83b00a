import os from 'node:os';
import { CabinetError, usageError } from '../lib/errors.ts';
import { loadDotEnv, type DotEnvUse } from './dot-env.ts';
import { LibpqUrlError, parseLibpqUrl, type LibpqUrl } from './libpq-url.ts';


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
   * libpq's host list (`postgres://h1:5432,h2:5432/db`, `PGHOST=h1,h2`) when it has more than one entry:
   * tried in order at start, each through the tailnet guard, until one matches `targetSessionAttrs`;
   * `host` and `port` are then the one chosen.
   */
  hosts?: { host: string; port: number }[];
  /** libpq's target_session_attrs (default any). */
  targetSessionAttrs?: SessionAttrs;
  /** libpq's sslrootcert / sslcert / sslkey (URL or PGSSLROOTCERT, PGSSLCERT, PGSSLKEY). */
  sslRootCert?: string;
  sslCert?: string;
  sslKey?: string;
  /** libpq's passfile (URL or PGPASSFILE). */
  passfile?: string;
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

const LIBPQ_TARGET_VARS = ['PGHOST', 'PGHOSTADDR', 'PGPORT', 'PGUSER', 'PGDATABASE', 'PGSERVICE'] as const;

function timeoutFrom(value: string | undefined): number {
  const n = value === undefined ? NaN : Number.parseInt(value, 10);
  // libpq treats 0 as "wait forever"; cabinet always bounds the wait.
  return Number.isFinite(n) && n > 0 ? n : DEFAULT_CONNECT_TIMEOUT_SECONDS;
}

/** libpq's target_session_attrs: which server of a host list to settle on. */
export const SESSION_ATTRS = ['any', 'read-write', 'read-only', 'primary', 'standby', 'prefer-standby'] as const;
export type SessionAttrs = (typeof SESSION_ATTRS)[number];
const SSL_MODES = ['disable', 'allow', 'prefer', 'require', 'verify-ca', 'verify-full'];

/** libpq's compiled-in default host on Debian: the Unix socket directory, not TCP to localhost. */
const DEFAULT_HOST = '/var/run/postgresql';

interface Parts {
  hosts: string[];
  ports: string[];
  user?: string | undefined;
  password?: string | undefined;
  dbname?: string | undefined;
  params: Map<string, string>;
}

/** libpq's settings (URI or PG* variables) into a target; `bad` makes the caller's usage error. */
function targetFrom(parts: Parts, source: ConnectionSource, env: NodeJS.ProcessEnv, bad: (why: string) => Error): ConnectionTarget {
  const param = (name: string, envName: string) => parts.params.get(name) ?? env[envName];
  for (const unsupported of ['hostaddr', 'service']) {
    if (parts.params.has(unsupported)) throw bad(`cabinet does not support ${unsupported} (put the address in host)`);
  }
  // An empty host takes PGHOST (itself maybe a list), then libpq's default socket directory.
  const envHosts = (env.PGHOST || DEFAULT_HOST).split(',');
  const hosts = parts.hosts.length === 0 || (parts.hosts.length === 1 && parts.hosts[0] === '') ? envHosts : parts.hosts.map((h) => h || DEFAULT_HOST);
  const portList = parts.ports.length > 0 ? parts.ports : (env.PGPORT || '5432').split(',');
  if (portList.length !== 1 && portList.length !== hosts.length) throw bad(`could not match ${portList.length} port numbers to ${hosts.length} hosts`);
  const ports = hosts.map((_, i) => {
    const text = (portList.length === 1 ? portList[0]! : portList[i]!) || env.PGPORT || '5432';
    const n = Number(text);
    if (!/^\d+$/.test(text) || n < 1 || n > 65535) throw bad(`invalid port number: "${text}"`);
    return n;
  });
  const user = parts.user || env.PGUSER || os.userInfo().username;
  const target: ConnectionTarget = {
    source,
    host: hosts[0]!,
    port: ports[0]!,
    user,
    database: parts.dbname || env.PGDATABASE || user,
    connectTimeoutSeconds: timeoutFrom(param('connect_timeout', 'PGCONNECT_TIMEOUT')),
  };
  if (hosts.length > 1) target.hosts = hosts.map((host, i) => ({ host, port: ports[i]! }));
  const password = parts.password || env.PGPASSWORD;
  if (password) target.password = password;
  const sslmode = param('sslmode', 'PGSSLMODE');
  if (sslmode) {
    if (!SSL_MODES.includes(sslmode)) throw bad(`invalid sslmode value: "${sslmode}"`);
    target.sslmode = sslmode;
  }
  const attrs = param('target_session_attrs', 'PGTARGETSESSIONATTRS');
  if (attrs) {
    if (!(SESSION_ATTRS as readonly string[]).includes(attrs)) throw bad(`invalid target_session_attrs value: "${attrs}"`);
    target.targetSessionAttrs = attrs as SessionAttrs;
  }
  for (const [key, envName, field] of [
    ['sslrootcert', 'PGSSLROOTCERT', 'sslRootCert'],
    ['sslcert', 'PGSSLCERT', 'sslCert'],
    ['sslkey', 'PGSSLKEY', 'sslKey'],
    ['passfile', 'PGPASSFILE', 'passfile'],
  ] as const) {
    const value = param(key, envName);
    if (value) target[field] = value;
  }
  return target;
}

function fromUrl(url: string, source: ConnectionSource, env: NodeJS.ProcessEnv): ConnectionTarget {
  if (!/^postgres(ql)?:\/\//i.test(url)) {
    throw usageError(`${source} is not a PostgreSQL URL`, 'expected postgres://user@host:port/database');
  }
  // The reason names the part that is wrong, never its value: a password must not reach the terminal.
  const bad = (why: string) => usageError(`${source} is not a valid PostgreSQL URL: ${why}`, 'expected postgres://user@host:port/database');
  let parts: LibpqUrl;
  try {
    parts = parseLibpqUrl(url.replace(/#.*$/, ''));
  } catch (error) {
    throw bad(error instanceof LibpqUrlError ? error.message : 'it cannot be parsed');
  }
  return targetFrom(parts, source, env, bad);
}

function fromLibpqEnv(env: NodeJS.ProcessEnv): ConnectionTarget {
  const bad = (why: string) => usageError(`the PG* variables are not valid: ${why}`);
  return targetFrom({ hosts: (env.PGHOSTADDR || env.PGHOST || '').split(','), ports: [], params: new Map() }, 'libpq environment', env, bad);
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

/**
 * How the target is shown to people, never with its password. The console header's short form: `embedded · DB` or `user@host/db` (`user@socket/db` for a Unix socket,
 * `:port` only when it is not 5432). describeTarget is the long one, for messages that need the path.
 */
export function shortTarget(target: ConnectionTarget): string {
  if (target.source === 'embedded') return `embedded · ${target.database}`;
  const host = target.host.startsWith('/') ? 'socket' : target.host.includes(':') ? `[${target.host}]` : target.host;
  const port = target.host.startsWith('/') || target.port === 5432 ? '' : `:${target.port}`;
  return `${target.user}@${host}${port}/${target.database}`;
}

export function describeTarget(target: ConnectionTarget): string {
  if (target.source === 'embedded') return `embedded PostgreSQL (${target.embeddedRoot ?? target.host}) db ${target.database}`;
  const where = target.host.startsWith('/') ? `socket ${target.host}` : `${target.host.includes(':') ? `[${target.host}]` : target.host}:${target.port}`;
  return `${target.user}@${where}/${target.database}`;
}
