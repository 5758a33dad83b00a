import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureEmbeddedServer, stopEmbeddedServer, type EmbeddedServer } from '../../src/db/embedded.ts';
import { initORM } from '../../src/db/orm.ts';
import { openReader } from '../../src/db/open-reader.ts';
import { openSession } from '../../src/db/session.ts';
import { MigrationService } from '../../src/services/migration-service.ts';
import { openConsoleServices, type OpenedConsoleServices } from '../../src/services/console-services.ts';
import { repoRoot } from '../helpers/cli.ts';
import { scratchDir } from '../helpers/scratch.ts';
import { until } from '../helpers/until.ts';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The database restarting under an open console (test/e2e/adversarial.test.ts "the database restarting
 * mid-edit" on the real binary): once the server answers again, a save succeeds at the first try, and a
 * save is never applied twice. A cluster of its own, since it is stopped and restarted.
 */
let root: string;
let server: EmbeddedServer;
let url: string;

beforeAll(async () => {
  // As root the cluster runs as the postgres user, who must be able to reach it.
  root = path.join(scratchDir('pgrs', 0o755), 'c');
  server = await ensureEmbeddedServer({ root });
  const target = { source: 'DATABASE_URL' as const, host: server.socketDir, port: server.port, user: server.user, database: server.database, connectTimeoutSeconds: 5 };
  const orm = await initORM(target, { statementTimeoutMs: 0 });
  await new MigrationService(orm, target).up();
  await orm.close(true);
  url = `postgres://${server.user}@/${server.database}?host=${encodeURIComponent(server.socketDir)}&port=${server.port}`;
  await sql(`insert into sites (site_id, domain, brand_name) values ('restart-a', 'restart-a.example', 'A'), ('restart-b', 'restart-b.example', 'B'), ('restart-c', 'restart-c.example', 'C'), ('restart-d', 'restart-d.example', 'D'), ('restart-e', 'restart-e.example', 'E'), ('restart-f', 'restart-f.example', 'F')`);
}, 120_000);

afterAll(async () => {
  await stopEmbeddedServer(root).catch(() => {});
  fs.rmSync(path.dirname(root), { recursive: true, force: true });
});

/** As psql would: a connection of its own, outside cabinet. */
async function sql<T extends pg.QueryResultRow>(text: string, params: unknown[] = []): Promise<T[]> {
  const client = new pg.Client({ host: server.socketDir, port: server.port, user: server.user, database: server.database });
  await client.connect();
  try {
    return (await client.query<T>(text, params)).rows;
  } finally {
    await client.end();
  }
}

async function consoleServices(): Promise<OpenedConsoleServices> {
  return openConsoleServices({ openReader: () => openReader({ databaseUrl: url }), openDb: () => openSession({ databaseUrl: url }) }, () => {});
}

/**
 * Restarts the server while this process cannot look (its event loop held, as a busy console's is): the
 * pools' idle connections are dead when the next call takes one, and nothing has noticed yet.
 */
function restartWhileBusy(): void {
  const script = `import { ensureEmbeddedServer, stopEmbeddedServer } from ${JSON.stringify(path.join(repoRoot, 'src/db/embedded.ts'))};
await stopEmbeddedServer(${JSON.stringify(root)}); await ensureEmbeddedServer({ root: ${JSON.stringify(root)} });`;
  const result = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', timeout: 60_000 });
  if (result.status !== 0) throw new Error(`restart failed: ${result.stderr}`);
}

/**
 * Ends every connection cabinet has open on the server (as a DBA's pg_terminate_backend, or
 * idle_session_timeout, would) while this process cannot look: the pools' idle connections are dead when
 * the next call takes one, their goodbyes unread.
 */
function terminateWhileBusy(): number {
  const program = `import pg from ${JSON.stringify(path.join(repoRoot, 'node_modules/pg/lib/index.js'))};
const c = new pg.Client({ host: ${JSON.stringify(server.socketDir)}, port: ${server.port}, user: ${JSON.stringify(server.user)}, database: ${JSON.stringify(server.database)} });
await c.connect();
const { rows } = await c.query("select count(*) filter (where pg_terminate_backend(pid, 5000)) as n from pg_stat_activity where application_name = 'cabinet' and pid <> pg_backend_pid()");
await c.end();
console.log(rows[0].n);`;
  const result = spawnSync(process.execPath, ['--input-type=module', '-e', program], { encoding: 'utf8', timeout: 30_000 });
  if (result.status !== 0) throw new Error(`terminate failed: ${result.stderr}`);
  return Number(result.stdout.trim());
}

const revisions = async (siteId: string) => (await sql<{ n: string }>(`select count(*) as n from site_revisions where site_id = $1`, [siteId]))[0]!.n;

describe('the database restarting under an open console', () => {
  it('a save tried while it was down succeeds once it is back (the write path is opened again, not its failure kept)', async () => {
    const opened = await consoleServices();
    try {
      const { sites } = opened.services;
      const before = await sites.get('restart-a');
      await stopEmbeddedServer(root);
      await expect(sites.update('restart-a', { brandName: 'A after' }, { expectedVersion: before!.version })).rejects.toMatchObject({ code: 'db-down' });
      await ensureEmbeddedServer({ root });
      // What the banner's probe asks: the database answers again.
      expect((await sites.get('restart-a'))?.brandName).toBe('A');
      const change = await sites.update('restart-a', { brandName: 'A after' }, { expectedVersion: before!.version });
      expect(change.after?.brandName).toBe('A after');
      expect(await revisions('restart-a')).toBe('1');
    } finally {
      await opened.close();
    }
  }, 60_000);

  it('a save right after a restart the console did not see succeeds at the first try, written once', async () => {
    const opened = await consoleServices();
    try {
      const { sites } = opened.services;
      // A first save: the write path is open, its connection idle in the pool.
      const first = await sites.update('restart-b', { brandName: 'B1' }, { expectedVersion: (await sites.get('restart-b'))!.version });
      restartWhileBusy();
      const change = await sites.update('restart-b', { brandName: 'B2' }, { expectedVersion: first.after!.version });
      expect(change.after?.brandName).toBe('B2');
      expect(await revisions('restart-b')).toBe('2');
      expect((await sql<{ brand_name: string }>(`select brand_name from sites where site_id = 'restart-b'`))[0]!.brand_name).toBe('B2');
    } finally {
      await opened.close();
    }
  }, 90_000);

  it('a new site and a delete right after a restart the console did not see succeed at the first try, each once', async () => {
    const opened = await consoleServices();
    try {
      const { sites } = opened.services;
      // The write path is open, with connections idle in its pool.
      await sites.update('restart-e', { brandName: 'E1' }, { expectedVersion: (await sites.get('restart-e'))!.version });
      restartWhileBusy();
      const created = await sites.create({ siteId: 'restart-new', domain: 'restart-new.example', brandName: 'New' });
      expect(created.version).toBe(1);
      restartWhileBusy();
      await sites.delete('restart-e', { expectedVersion: (await sql<{ version: number }>(`select version from sites where site_id = 'restart-e'`))[0]!.version });
      expect(await sql(`select site_id from sites where site_id in ('restart-new', 'restart-e')`)).toEqual([{ site_id: 'restart-new' }]);
      expect(await revisions('restart-new')).toBe('1');
      expect(await sql(`select action from site_revisions where site_id = 'restart-e' order by rev`)).toEqual([{ action: 'update' }, { action: 'delete' }]);
    } finally {
      await opened.close();
    }
  }, 90_000);

  it('a save whose connection is lost after it reached the server is not sent again: it fails, and nothing is written', async () => {
    const opened = await consoleServices();
    const holder = new pg.Client({ host: server.socketDir, port: server.port, user: server.user, database: server.database });
    await holder.connect();
    try {
      const { sites } = opened.services;
      const version = (await sites.get('restart-d'))!.version;
      // psql holds the row: the save's BEGIN is answered, and it waits for the lock.
      await holder.query(`begin; select 1 from sites where site_id = 'restart-d' for update`);
      const saving = sites.update('restart-d', { brandName: 'D after' }, { expectedVersion: version });
      saving.catch(() => {});
      let pid: number | undefined;
      await until('the save waiting for the row lock', async () => {
        const [row] = await sql<{ pid: number }>(`select pid from pg_stat_activity where application_name = 'cabinet' and wait_event_type = 'Lock'`);
        pid = row?.pid;
        return pid !== undefined;
      });
      await sql('select pg_terminate_backend($1, 5000)', [pid]);
      // Sent again, it would wait for the lock psql still holds, and this would not settle.
      const outcome = await Promise.race([saving.then(() => 'saved', (error: { code?: string }) => error.code), sleep(10_000).then(() => 'still waiting')]);
      expect(outcome).toBe('db-down');
      await holder.query('rollback');
      expect(await sql(`select pid from pg_stat_activity where application_name = 'cabinet' and wait_event_type = 'Lock'`)).toEqual([]);
      expect((await sql<{ brand_name: string; version: number }>(`select brand_name, version from sites where site_id = 'restart-d'`))[0]).toEqual({ brand_name: 'D', version });
      expect(await revisions('restart-d')).toBe('0');
      // Tried again by hand, at the version it began from: it saves, once.
      expect((await sites.update('restart-d', { brandName: 'D after' }, { expectedVersion: version })).after?.brandName).toBe('D after');
      expect(await revisions('restart-d')).toBe('1');

      // The same for a write through the ORM's transaction (a delete): its BEGIN was answered, so it is not run again.
      await holder.query(`begin; select 1 from sites where site_id = 'restart-d' for update`);
      const deleting = sites.delete('restart-d', { expectedVersion: version + 1 });
      deleting.catch(() => {});
      await until('the delete waiting for the row lock', async () => {
        const [row] = await sql<{ pid: number }>(`select pid from pg_stat_activity where application_name = 'cabinet' and wait_event_type = 'Lock'`);
        pid = row?.pid;
        return pid !== undefined;
      });
      await sql('select pg_terminate_backend($1, 5000)', [pid]);
      const deleted = await Promise.race([deleting.then(() => 'deleted', (error: { code?: string }) => error.code), sleep(10_000).then(() => 'still waiting')]);
      expect(deleted).toBe('db-down');
      await holder.query('rollback');
      expect(await sql(`select pid from pg_stat_activity where application_name = 'cabinet' and wait_event_type = 'Lock'`)).toEqual([]);
      expect(await sql(`select site_id from sites where site_id = 'restart-d'`)).toEqual([{ site_id: 'restart-d' }]);
      expect(await revisions('restart-d')).toBe('1');
    } finally {
      await holder.end().catch(() => {});
      await opened.close();
    }
  }, 60_000);

  it('a read right after a restart the console did not see answers at the first try (the banner does not come up for nothing)', async () => {
    const opened = await consoleServices();
    try {
      const { sites } = opened.services;
      expect((await sites.list({ limit: 2 })).rows.length).toBe(2);
      restartWhileBusy();
      expect((await sites.get('restart-c'))?.brandName).toBe('C');
    } finally {
      await opened.close();
    }
  }, 90_000);

  it('a history read (the ORM, outside a transaction) right after the server ended the console\'s connections answers at the first try', async () => {
    const opened = await consoleServices();
    try {
      const { sites, revisions: history } = opened.services;
      // One change to show (after the row psql inserted), and the ORM's pool holding idle connections.
      await sites.update('restart-f', { brandName: 'F1' }, { expectedVersion: (await sites.get('restart-f'))!.version });
      const page = await history.history('restart-f');
      expect(page.filter((e) => e.kind === 'revision')).toHaveLength(1);
      const older = await history.history('restart-f', { before: 2 });
      const diff = await history.diff('restart-f', 1, 'current');
      expect(terminateWhileBusy()).toBeGreaterThan(0);
      expect(await history.history('restart-f')).toEqual(page);
      // The history screen's other reads: an older page, a diff.
      expect(terminateWhileBusy()).toBeGreaterThan(0);
      expect(await history.history('restart-f', { before: 2 })).toEqual(older);
      expect(terminateWhileBusy()).toBeGreaterThan(0);
      expect(await history.diff('restart-f', 1, 'current')).toEqual(diff);
    } finally {
      await opened.close();
    }
  }, 90_000);

  it('a statement that writes, on a connection the server ended, is not sent again by the driver: it fails, and its caller decides', async () => {
    const session = await openSession({ databaseUrl: url });
    try {
      const connection = session.orm.em.getConnection();
      expect(await connection.execute(`select brand_name from sites where site_id = 'restart-f'`)).toEqual([{ brand_name: 'F1' }]);
      expect(terminateWhileBusy()).toBeGreaterThan(0);
      await expect(connection.execute(`update sites set brand_name = 'F by hand' where site_id = 'restart-f'`)).rejects.toThrow(/terminat|connection|EPIPE|ECONNRESET/i);
      // A read on the same kind of dead connection is asked again and answers.
      expect(terminateWhileBusy()).toBeGreaterThanOrEqual(0);
      expect(await connection.execute(`select brand_name from sites where site_id = 'restart-f'`)).toEqual([{ brand_name: 'F1' }]);
    } finally {
      await session.close();
    }
  }, 60_000);
});
