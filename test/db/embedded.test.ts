import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureEmbeddedServer, stopEmbeddedServer, type EmbeddedServer } from '../../src/db/embedded.ts';
import { embeddedLayout } from '../../src/db/embedded-layout.ts';
import { runningPid } from '../../src/db/embedded-pid.ts';
import { cleanEnv, runCabinet } from '../helpers/cli.ts';
import { scratchDir } from '../helpers/scratch.ts';

/** A cluster of its own (not the shared test cluster), created by the tests below. */
let base: string;
let root: string;
const children: ChildProcess[] = [];

beforeAll(() => {
  base = scratchDir('emb');
  // The server runs as the `postgres` OS user when we are root: it must be able to reach its root.
  fs.chmodSync(base, 0o755);
  root = path.join(base, 'pg');
});

afterAll(async () => {
  for (const child of children) child.kill('SIGKILL');
  await stopEmbeddedServer(root).catch(() => {});
  fs.rmSync(base, { recursive: true, force: true });
});

async function query(server: EmbeddedServer, sql: string): Promise<unknown[]> {
  const client = new pg.Client({ host: server.socketDir, port: server.port, user: server.user, database: server.database });
  await client.connect();
  try {
    return (await client.query(sql)).rows;
  } finally {
    await client.end();
  }
}

function mode(file: string): number {
  return fs.statSync(file).mode & 0o777;
}

/** A pid that was real a moment ago and is dead now. */
async function deadPid(): Promise<number> {
  const child = spawn('true', { stdio: 'ignore' });
  await new Promise((resolve) => child.on('exit', resolve));
  return child.pid!;
}

/** Writes a postmaster.pid (and the socket lock) as a killed server would have left them, owned like the real ones. */
function leaveStalePidFiles(pid: number): void {
  const layout = embeddedLayout(root);
  const owner = fs.statSync(layout.dataDir);
  const pidFile = path.join(layout.dataDir, 'postmaster.pid');
  const lockFile = path.join(layout.socketDir, '.s.PGSQL.5432.lock');
  fs.writeFileSync(pidFile, `${pid}\n${layout.dataDir}\n${Math.floor(Date.now() / 1000)}\n5432\n${layout.socketDir}\n\n  5432001         0\nready   \n`, { mode: 0o600 });
  fs.writeFileSync(lockFile, `${pid}\n${layout.dataDir}\n${Math.floor(Date.now() / 1000)}\n5432\n${layout.socketDir}\n`, { mode: 0o600 });
  for (const f of [pidFile, lockFile]) fs.chownSync(f, owner.uid, owner.gid);
}

describe('embedded PostgreSQL', () => {
  it('two concurrent starts on one (new) root both succeed; exactly one of them created and started it', async () => {
    const results = await Promise.all([ensureEmbeddedServer({ root }), ensureEmbeddedServer({ root })]);
    expect(results.map((r) => r.started).sort()).toEqual([false, true]);
    expect(results[0]!.socketDir).toBe(results[1]!.socketDir);
    for (const server of results) expect(await query(server, 'select 1 as ok')).toEqual([{ ok: 1 }]);
    // A third call reuses the running server.
    expect((await ensureEmbeddedServer({ root })).started).toBe(false);
  });

  it('keeps its files private (0700 directories, 0600 secrets) and its socket inside its own root, not /tmp', async () => {
    const server = await ensureEmbeddedServer({ root });
    const layout = embeddedLayout(root);
    for (const d of [layout.root, layout.dataDir, layout.socketDir, layout.tmpDir]) expect([d, mode(d)]).toEqual([d, 0o700]);
    expect(mode(layout.passwordFile)).toBe(0o600);
    expect(fs.readFileSync(layout.passwordFile, 'utf8').trim()).toBe(server.password);
    // Its own directory, not a shared one like /tmp (wherever the checkout, and so this root, lives).
    expect(server.socketDir).toBe(path.join(root, 'run'));
    const socket = path.join(server.socketDir, `.s.PGSQL.${server.port}`);
    expect(fs.statSync(socket).isSocket()).toBe(true);
    expect(mode(socket)).toBe(0o700);
    // Nothing the server writes is readable by other users.
    for (const file of fs.readdirSync(layout.dataDir)) {
      expect([file, mode(path.join(layout.dataDir, file)) & 0o077]).toEqual([file, 0]);
    }
    // It listens on the socket only: no TCP port unless asked for.
    expect(await query(server, `select current_setting('listen_addresses') as l`)).toEqual([{ l: '' }]);
  });

  it('starts again over a stale postmaster.pid whose process is dead', async () => {
    expect(await stopEmbeddedServer(root)).toBe(true);
    leaveStalePidFiles(await deadPid());
    expect(runningPid(embeddedLayout(root).dataDir)).toBeUndefined();
    const server = await ensureEmbeddedServer({ root });
    expect(server.started).toBe(true);
    expect(await query(server, 'select 2 as ok')).toEqual([{ ok: 2 }]);
  });

  it('starts again over a stale postmaster.pid whose pid now belongs to another, live process', async () => {
    expect(await stopEmbeddedServer(root)).toBe(true);
    const sleeper = spawn('sleep', ['30'], { stdio: 'ignore' });
    children.push(sleeper);
    leaveStalePidFiles(sleeper.pid!);
    const server = await ensureEmbeddedServer({ root });
    expect(server.started).toBe(true);
    expect(await query(server, 'select 3 as ok')).toEqual([{ ok: 3 }]);
    expect(sleeper.exitCode).toBeNull();
    sleeper.kill();
  });

  it('starts again over a stale postmaster.pid whose pid is some other live "postgres" process', async () => {
    expect(await stopEmbeddedServer(root)).toBe(true);
    // Looks like a backend of another cluster (same name, elsewhere); signalling it would be wrong.
    const impostor = spawn('sleep', ['30'], { stdio: 'ignore', argv0: 'postgres: cabinet cabinet [local] idle', cwd: base });
    children.push(impostor);
    leaveStalePidFiles(impostor.pid!);
    expect(runningPid(embeddedLayout(root).dataDir)).toBeUndefined();
    const server = await ensureEmbeddedServer({ root });
    expect(server.started).toBe(true);
    expect(await query(server, 'select 4 as ok')).toEqual([{ ok: 4 }]);
    expect(await stopEmbeddedServer(root)).toBe(true);
    expect(impostor.exitCode).toBeNull();
    expect(impostor.signalCode).toBeNull();
    impostor.kill();
    expect((await ensureEmbeddedServer({ root })).started).toBe(true);
  });

  it('two cabinet processes starting it at once: both succeed, the second reuses the running server', async () => {
    const other = path.join(base, 'cli');
    const env = cleanEnv({ CABINET_EMBEDDED_DIR: other });
    try {
      const runs = await Promise.all([runCabinet(['embedded', 'start'], { env }), runCabinet(['embedded', 'start'], { env })]);
      for (const r of runs) {
        expect(r.stderr).not.toMatch(/error|\n\s+at /i);
        expect(r.code).toBe(0);
      }
      expect(runs.map((r) => /embedded PostgreSQL (started|already running)/.exec(r.stdout)?.[1]).sort()).toEqual(['already running', 'started']);
      const status = await runCabinet(['embedded', 'status'], { env });
      expect(status.stdout).toMatch(/running \(pid \d+, socket .*\/cli\/run\)/);
    } finally {
      await stopEmbeddedServer(other).catch(() => {});
    }
  });

  it('stops, and says so when there was nothing to stop', async () => {
    expect(await stopEmbeddedServer(root)).toBe(true);
    expect(runningPid(embeddedLayout(root).dataDir)).toBeUndefined();
    expect(await stopEmbeddedServer(root)).toBe(false);
  });
});
