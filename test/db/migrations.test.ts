import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { initORM, type CabinetORM } from '../../src/db/orm.ts';
import { MigrationService } from '../../src/services/migration-service.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/db.ts';
import { repoRoot } from '../helpers/cli.ts';
import { scratchDir } from '../helpers/scratch.ts';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

async function fresh(migrationsDir?: string): Promise<{ db: TestDatabase; orm: CabinetORM; svc: MigrationService }> {
  const db = await createTestDatabase('mig');
  const orm = await initORM(db.target, { statementTimeoutMs: 0, ...(migrationsDir ? { migrationsDir } : {}) });
  cleanups.push(async () => {
    await orm.close(true);
    await db.drop();
  });
  return { db, orm, svc: new MigrationService(orm, db.target) };
}

/** A private copy of the shipped migrations, which a test may edit or add to. */
function copyMigrations(): string {
  const dir = scratchDir('migrations');
  for (const f of fs.readdirSync(path.join(repoRoot, 'migrations'))) fs.copyFileSync(path.join(repoRoot, 'migrations', f), path.join(dir, f));
  // Outside the checkout, the files' `import '@mikro-orm/migrations'` finds the project's copy through this.
  fs.symlinkSync(path.join(repoRoot, 'node_modules'), path.join(dir, 'node_modules'));
  cleanups.push(async () => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}

async function tables(db: TestDatabase): Promise<string[]> {
  const r = await db.query<{ table_name: string }>(
    `select table_name from information_schema.tables where table_schema = 'public' order by table_name`,
  );
  return r.rows.map((row) => row.table_name);
}

describe('migrations on real PostgreSQL', () => {
  it('migrates an empty database up, down to nothing, and up again', async () => {
    const { db, svc } = await fresh();
    const shipped = svc.files().map((f) => f.name);
    expect(await svc.up()).toEqual(shipped);
    expect(await tables(db)).toEqual(expect.arrayContaining(['sites', 'users']));
    expect((await svc.status()).pending).toEqual([]);

    expect(await svc.down('0')).toEqual([...shipped].reverse());
    expect(await tables(db)).not.toContain('sites');
    expect(await tables(db)).not.toContain('users');
    expect((await svc.status()).pending).toEqual(shipped);

    expect(await svc.up()).toEqual(shipped);
    expect(await tables(db)).toEqual(expect.arrayContaining(['sites', 'users']));
    expect(await svc.check()).toEqual([]);
  });

  it('status gives each applied migration its time as a Date, read through the ORM right after applying (the :migrate screen formats it)', async () => {
    const { db, svc } = await fresh();
    // A database with settings cabinet would never choose: the time must not depend on them.
    await db.query(`alter database ${db.name} set datestyle = 'SQL, DMY'`);
    await db.query(`alter database ${db.name} set timezone = 'Pacific/Chatham'`);
    const before = Date.now();
    await svc.up();
    const { applied } = await svc.status();
    expect(applied.length).toBeGreaterThan(0);
    for (const m of applied) {
      expect(m.executedAt).toBeInstanceOf(Date);
      expect(Math.abs(m.executedAt!.getTime() - before)).toBeLessThan(60_000);
    }
  });

  it('creates exactly the spec columns: names, types and primary keys of sites and users', async () => {
    const { db, svc } = await fresh();
    await svc.up();
    const cols = await db.query<{ table_name: string; column_name: string; data_type: string }>(
      `select table_name, column_name, data_type from information_schema.columns
        where table_schema = 'public' and table_name in ('sites', 'users') order by table_name, ordinal_position`,
    );
    const byTable = (t: string) => cols.rows.filter((r) => r.table_name === t).map((r) => [r.column_name, r.data_type]);
    expect(byTable('sites').slice(0, 9)).toEqual([
      ['site_id', 'text'],
      ['domain', 'text'],
      ['ai_script_id', 'text'],
      ['ai_prompt', 'text'],
      ['brand_name', 'text'],
      ['language', 'text'],
      ['hubspot_pipeline', 'text'],
      ['hubspot_stage', 'text'],
      ['created_at', 'timestamp with time zone'],
    ]);
    // After the spec's columns, only the row version kept by the trigger (conflict detection).
    expect(byTable('sites').slice(9)).toEqual([
      ['version', 'integer'],
      ['updated_at', 'timestamp with time zone'],
    ]);
    expect(byTable('users').slice(0, 4)).toEqual([
      ['user_id', 'text'],
      ['email', 'text'],
      ['first_seen', 'timestamp with time zone'],
      ['last_seen', 'timestamp with time zone'],
    ]);
    const pks = await db.query<{ table_name: string; column_name: string }>(
      `select tc.table_name, kcu.column_name from information_schema.table_constraints tc
         join information_schema.key_column_usage kcu using (constraint_schema, constraint_name)
        where tc.constraint_type = 'PRIMARY KEY' and tc.table_name in ('sites', 'users') order by tc.table_name`,
    );
    expect(pks.rows).toEqual([
      { table_name: 'sites', column_name: 'site_id' },
      { table_name: 'users', column_name: 'user_id' },
    ]);
  });

  it("answers n8n's query: SELECT ai_prompt, language, brand_name FROM sites WHERE site_id = $1", async () => {
    const { db, svc } = await fresh();
    await svc.up();
    await db.query(`insert into sites (site_id, domain, brand_name, ai_prompt, language) values ('acme-de', 'acme.de', 'ACME', 'Du bist …', 'de')`);
    const r = await db.query('SELECT ai_prompt, language, brand_name FROM sites WHERE site_id = $1', ['acme-de']);
    expect(r.rows).toEqual([{ ai_prompt: 'Du bist …', language: 'de', brand_name: 'ACME' }]);
    const created = await db.query<{ created_at: Date }>(`select created_at from sites where site_id = 'acme-de'`);
    expect(created.rows[0]!.created_at).toBeInstanceOf(Date);
  });

  it('keeps only sites, users, their histories and migration bookkeeping in the database (spec §4)', async () => {
    const { db, svc } = await fresh();
    await svc.up();
    const names = await tables(db);
    expect(names).toContain('site_revisions');
    expect(names).toContain('user_revisions');
    const bookkeeping = names.filter((t) => !['sites', 'users', 'site_revisions', 'user_revisions'].includes(t));
    expect(bookkeeping.every((t) => t === 'mikro_orm_migrations' || t.startsWith('cabinet_'))).toBe(true);
  });

  it('refuses to run when an applied migration file was edited, and applies nothing', async () => {
    const dir = copyMigrations();
    const { db, svc } = await fresh(dir);
    await svc.up();
    const first = fs.readdirSync(dir).find((f) => f.endsWith('.ts'))!;
    fs.appendFileSync(path.join(dir, first), '\n// edited after it ran\n');
    fs.writeFileSync(
      path.join(dir, 'Migration20990101000000_later.ts'),
      `import { Migration } from '@mikro-orm/migrations';\nexport class Migration20990101000000_later extends Migration {\n  override up(): void { this.addSql('create table later_t (id int)'); }\n  override down(): void { this.addSql('drop table later_t'); }\n}\n`,
    );
    await expect(svc.up()).rejects.toThrow(/was edited since it ran; nothing was applied/);
    expect(await tables(db)).not.toContain('later_t');
    expect((await svc.status()).edited).toEqual([first.replace(/\.ts$/, '')]);
    expect(await svc.check()).toEqual(expect.arrayContaining([expect.stringMatching(/edited since it ran/)]));
  });

  it("adopts migrations applied by MikroORM's own migrator (no checksum recorded) on the next run, so a later edit is caught", async () => {
    const dir = copyMigrations();
    const { db, orm, svc } = await fresh(dir);
    // What `npm run mikro-orm -- migration:up` does: the ORM's migrator alone, which records only names.
    await orm.migrator.up();
    const status = await svc.status();
    expect(status.pending).toEqual([]);
    expect(status.unrecorded).toEqual(svc.files().map((f) => f.name));
    const first = fs.readdirSync(dir).find((f) => f.endsWith('.ts'))!;

    const adopted: string[][] = [];
    expect(await svc.up({ onAdopted: (names) => adopted.push(names) })).toEqual([]);
    expect(adopted).toEqual([svc.files().map((f) => f.name)]);
    const recorded = await db.query<{ n: number }>(`select count(*)::int as n from cabinet_migration_checksums`);
    expect(recorded.rows[0]!.n).toBe(svc.files().length);
    expect((await svc.status()).unrecorded).toEqual([]);

    fs.appendFileSync(path.join(dir, first), '\n// edited after MikroORM applied it\n');
    expect((await svc.status()).edited).toEqual([first.replace(/\.ts$/, '')]);
    await expect(svc.up()).rejects.toThrow(/was edited since it ran; nothing was applied/);
  });

  it('refuses to run when the database has a migration this cabinet does not know', async () => {
    const { db, svc } = await fresh();
    await svc.up();
    await db.query(`insert into mikro_orm_migrations (name) values ('Migration20990101000000_from_the_future')`);
    await expect(svc.up()).rejects.toThrow(/does not know; nothing was applied/);
    expect((await svc.status()).unknown).toEqual(['Migration20990101000000_from_the_future']);
  });

  it('is all-or-nothing: a failing migration leaves the schema as it was', async () => {
    const dir = copyMigrations();
    fs.writeFileSync(
      path.join(dir, 'Migration20990101000000_broken.ts'),
      `import { Migration } from '@mikro-orm/migrations';\nexport class Migration20990101000000_broken extends Migration {\n  override up(): void {\n    this.addSql('create table half_done (id int)');\n    this.addSql('select 1/0');\n  }\n  override down(): void { this.addSql('drop table half_done'); }\n}\n`,
    );
    const { db, svc } = await fresh(dir);
    await expect(svc.up()).rejects.toThrow(/division by zero/);
    expect(await tables(db)).not.toContain('half_done');
    expect(await tables(db)).not.toContain('sites');
    expect((await svc.status()).applied).toEqual([]);
  });

  it('reverts only what comes after --to NAME', async () => {
    const dir = copyMigrations();
    fs.writeFileSync(
      path.join(dir, 'Migration20990101000000_extra.ts'),
      `import { Migration } from '@mikro-orm/migrations';\nexport class Migration20990101000000_extra extends Migration {\n  override up(): void { this.addSql('create table extra_t (id int)'); }\n  override down(): void { this.addSql('drop table extra_t'); }\n}\n`,
    );
    const { db, svc } = await fresh(dir);
    await svc.up();
    const shipped = svc.files().map((f) => f.name);
    const last = shipped.at(-2)!;
    expect(await svc.planDown(last)).toEqual(['Migration20990101000000_extra']);
    expect(await svc.down(last)).toEqual(['Migration20990101000000_extra']);
    expect(await tables(db)).not.toContain('extra_t');
    expect(await tables(db)).toContain('sites');
    await expect(svc.planDown('NoSuchMigration')).rejects.toThrow(/no applied migration named NoSuchMigration/);
  });

  it('check sees a live schema change made behind the migrations', async () => {
    const { db, svc } = await fresh();
    await svc.up();
    expect(await svc.check()).toEqual([]);
    await db.query('alter table sites add column sneaky text');
    const problems = await svc.check();
    expect(problems.join('\n')).toMatch(/live schema differs: .*sneaky/);
  });
});
