import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { stopEmbeddedServer } from '../../src/db/embedded.ts';
import { discoverMigrationFiles } from '../../src/services/migration-files.ts';
import { defaultMigrationsDir } from '../../src/lib/paths.ts';
import { cluster, createTestDatabase, type TestDatabase } from '../helpers/db.ts';
import { binCabinet, ensureBuilt, startTmux, terminalEnv, type TmuxSession } from '../helpers/tmux.ts';

/**
 * `:migrate` in the real binary: right after the first start on the embedded database (whose migrations
 * the console has just applied), and applying a configured database's pending migrations from the console
 * as `cabinet migrate` does (lock, checksums, the refusal for a role without DDL rights).
 */
let tmux: TmuxSession | undefined;
let db: TestDatabase;
const reader = `t${crypto.randomBytes(4).toString('hex')}_noddl`;
const shipped = discoverMigrationFiles(defaultMigrationsDir());

async function asAdmin<T>(fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const c = cluster();
  const client = new pg.Client({ host: c.socket, port: c.port, user: c.user, database: 'postgres' });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}
const urlAs = (role: string) => `postgres://${role}@/${db.name}?host=${encodeURIComponent(cluster().socket)}&port=${cluster().port}`;

beforeAll(async () => {
  ensureBuilt();
  db = await createTestDatabase('e2e_mig');
  // The admin's world: a role that may connect and read, and nothing more (no CREATE on the schema).
  await asAdmin((c) => c.query(`create role ${c.escapeIdentifier(reader)} login`));
  await db.query(`grant connect on database ${db.name} to ${reader}`);
});
afterAll(async () => {
  await db?.drop();
  await asAdmin((c) => c.query(`drop role if exists ${c.escapeIdentifier(reader)}`));
});
afterEach(() => {
  tmux?.kill();
  tmux = undefined;
});

async function openMigrate(t: TmuxSession): Promise<string> {
  t.type(':');
  await t.waitFor(/^:/m);
  t.type('migrate');
  await t.waitFor(/^:migrate/m);
  t.keys('Enter');
  return t.waitFor(/Applied \(\d+\)|pending:/, 20_000);
}

describe(':migrate', () => {
  it('right after the first start on the embedded database: lists what the console just applied, with its time', async () => {
    const base = fs.mkdtempSync(path.join(os.tmpdir(), 'cabinet-first-'));
    // As root the cluster runs as the postgres user, who must be able to reach its directory.
    fs.chmodSync(base, 0o755);
    const root = path.join(base, 'pg');
    try {
      tmux = startTmux([binCabinet], { env: terminalEnv({ CABINET_EMBEDDED_DIR: root }) });
      await tmux.waitFor('No sites yet', 60_000);
      const screen = await openMigrate(tmux);
      expect(screen).toContain('Up to date: every migration of this cabinet is applied.');
      expect(screen).toContain(`Applied (${shipped.length})`);
      const today = new Date();
      const day = `${today.getFullYear()}-${String(today.getMonth() + 1).padStart(2, '0')}-${String(today.getDate()).padStart(2, '0')}`;
      for (const m of shipped) expect(screen).toMatch(new RegExp(`${day} \\d\\d:\\d\\d  ${m.name}`));
      // Still the console: it did not crash.
      tmux.type(':');
      await tmux.waitFor(/^:/m);
      tmux.type('sites');
      tmux.keys('Enter');
      await tmux.waitFor('No sites yet');
      tmux.keys('q');
      expect(await tmux.waitForExit()).toBe(0);
    } finally {
      await stopEmbeddedServer(root).catch(() => {});
      fs.rmSync(base, { recursive: true, force: true });
    }
  }, 120_000);

  it('a role without DDL rights is refused as by cabinet migrate, and nothing is created', async () => {
    tmux = startTmux([binCabinet], { width: 120, env: terminalEnv({ DATABASE_URL: urlAs(reader) }) });
    await tmux.waitFor(`⚠ ${shipped.length} pending migrations`);
    await openMigrate(tmux);
    tmux.keys('a');
    await tmux.waitFor((screen) => /Apply \d+ migrations\? This changes the schema of .*, in one transaction\./.test(screen.replace(/\n/g, '')));
    tmux.keys('y');
    const screen = await tmux.waitFor('not applied:');
    // The whole line, wrapped to the terminal: the reason and the hint, not cut off.
    expect(screen.replace(/\n/g, '')).toMatch(
      new RegExp(`not applied: cannot migrate: role ${reader} may not create tables in schema public .*; nothing was changed \\(run it as the role that owns the tables`),
    );
    expect((await db.query(`select count(*)::int as n from pg_tables where schemaname = 'public'`)).rows[0]!.n).toBe(0);
    tmux.keys('q');
    expect(await tmux.waitForExit()).toBe(0);
  });

  it('applies the pending migrations after a y, records their checksums, and the header stops warning', async () => {
    tmux = startTmux([binCabinet], { width: 160, env: terminalEnv({ DATABASE_URL: db.url }) });
    await tmux.waitFor(`⚠ ${shipped.length} pending migrations`);
    let screen = await openMigrate(tmux);
    expect(screen).toContain(`${shipped.length} pending: a applies them, as cabinet migrate does`);
    // n cancels: nothing happens.
    tmux.keys('a');
    await tmux.waitFor('This changes the schema');
    tmux.keys('n');
    await tmux.waitFor('nothing was applied');
    expect((await db.query(`select to_regclass('public.sites') is null as none`)).rows[0]!.none).toBe(true);

    tmux.keys('a');
    await tmux.waitFor('This changes the schema');
    tmux.keys('y');
    screen = await tmux.waitFor(`applied ${shipped.length} migrations`, 30_000);
    screen = await tmux.waitFor('Up to date: every migration of this cabinet is applied.');
    expect(screen).not.toContain('pending migrations');
    const sums = await db.query<{ name: string; checksum: string }>(`select name, checksum from cabinet_migration_checksums order by name`);
    expect(sums.rows).toEqual(shipped.map((m) => ({ name: m.name, checksum: m.checksum })));
    // Nothing left: the key says so instead of asking.
    tmux.keys('a');
    await tmux.waitFor('apply pending: not available, nothing is pending');
    tmux.keys('q');
    expect(await tmux.waitForExit()).toBe(0);
  });
});
