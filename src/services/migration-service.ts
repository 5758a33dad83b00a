import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Transaction } from '@mikro-orm/core';
import type { CabinetORM } from '../db/orm.ts';
import { errorCode, toDatabaseError } from '../db/db-errors.ts';
import type { ConnectionTarget } from '../db/connection.ts';
import { CabinetError } from '../lib/errors.ts';

/** One key for every `cabinet migrate` against a database: hashtext('cabinet:migrate'). */
const LOCK_SQL = `select pg_advisory_xact_lock(hashtext('cabinet:migrate'))`;
const TRY_LOCK_SQL = `select pg_try_advisory_xact_lock(hashtext('cabinet:migrate')) as locked`;
/** How long a second `cabinet migrate` waits for the first before saying so. */
export const LOCK_WAIT_SECONDS = 120;

export interface MigrationFile {
  name: string;
  file: string;
  checksum: string;
}

export interface AppliedMigration {
  name: string;
  executedAt: Date | null;
  /** Recorded checksum; undefined when it was applied without cabinet (recorded on the next run). */
  checksum?: string;
}

export interface MigrationStatus {
  applied: AppliedMigration[];
  pending: string[];
  /** Applied in the database, but no such file in this version of cabinet. */
  unknown: string[];
  /** Applied, but the file's content changed since (checksum mismatch). */
  edited: string[];
  /**
   * Applied without cabinet (MikroORM's own CLI, or by hand): no checksum was recorded, so an edit of the
   * file would go unnoticed. The next `cabinet migrate` records the files' checksums ("adopts" them).
   */
  unrecorded: string[];
}

export interface MigrateEvents {
  /** Called when another `cabinet migrate` holds the lock and this one starts waiting. */
  onWaiting?: () => void;
  /** Called with the migrations applied without cabinet whose checksums this run recorded. */
  onAdopted?: (names: string[]) => void;
}

function isMigrationFile(file: string): boolean {
  return /\.(ts|js)$/.test(file) && !file.endsWith('.d.ts');
}

/** Migrations shipped with this cabinet, in order, each with the sha256 of its file. */
export function discoverMigrationFiles(dir: string): MigrationFile[] {
  return fs
    .readdirSync(dir)
    .filter(isMigrationFile)
    .sort()
    .map((file) => {
      const full = path.join(dir, file);
      return {
        name: file.replace(/\.[jt]s$/, ''),
        file: full,
        checksum: crypto.createHash('sha256').update(fs.readFileSync(full)).digest('hex'),
      };
    });
}

/** `executed_ms`: milliseconds since the epoch, read as a number so no driver's date parsing (or the server's DateStyle) is involved. */
type AppliedRow = { name: string; executed_ms: number | string | null; checksum: string | null };

const EXECUTED_MS = `(extract(epoch from m.executed_at) * 1000)::float8 as executed_ms`;

/** A Date, or null when the row has none: MikroORM's connection returns timestamps as text, pg as Dates. */
function executedAt(ms: number | string | null): Date | null {
  if (ms === null) return null;
  const date = new Date(Number(ms));
  return Number.isNaN(date.getTime()) ? null : date;
}

/**
 * Applied and pending migrations, from the bookkeeping tables and the shipped files. Takes any way to run
 * a parameterless query, so `cabinet migrate status` can answer without loading the ORM (a light pg pool).
 */
export async function readMigrationStatus(run: (sql: string) => Promise<unknown[]>, files: MigrationFile[]): Promise<MigrationStatus> {
  // A database cabinet never migrated has no bookkeeping tables yet: everything is pending.
  const [tables] = (await run(
    `select to_regclass('mikro_orm_migrations') is not null as migrations,
            to_regclass('cabinet_migration_checksums') is not null as checksums`,
  )) as { migrations: boolean; checksums: boolean }[];
  const rows = !tables?.migrations
    ? []
    : ((await run(
        tables.checksums
          ? `select m.name, ${EXECUTED_MS}, c.checksum
               from mikro_orm_migrations m left join cabinet_migration_checksums c on c.name = m.name
              order by m.id`
          : `select m.name, ${EXECUTED_MS}, null as checksum from mikro_orm_migrations m order by m.id`,
      )) as AppliedRow[]);
  const byName = new Map(files.map((f) => [f.name, f]));
  const applied: AppliedMigration[] = rows.map((r) => ({
    name: r.name.replace(/\.[jt]s$/, ''),
    executedAt: executedAt(r.executed_ms),
    ...(r.checksum ? { checksum: r.checksum } : {}),
  }));
  const appliedNames = new Set(applied.map((a) => a.name));
  return {
    applied,
    pending: files.filter((f) => !appliedNames.has(f.name)).map((f) => f.name),
    unknown: applied.filter((a) => !byName.has(a.name)).map((a) => a.name),
    edited: applied.filter((a) => a.checksum && byName.get(a.name) && byName.get(a.name)!.checksum !== a.checksum).map((a) => a.name),
    unrecorded: applied.filter((a) => !a.checksum && byName.has(a.name)).map((a) => a.name),
  };
}

/**
 * `cabinet migrate` and friends. Every run happens inside one transaction that first takes a
 * transaction-level advisory lock, so two shells cannot apply a migration twice, and a failure anywhere
 * rolls everything back. Each applied file's checksum is recorded; an edited or unknown applied migration
 * stops the run before anything is applied.
 */
export class MigrationService {
  readonly #orm: CabinetORM;
  readonly #target: ConnectionTarget | undefined;
  readonly #dir: string;

  constructor(orm: CabinetORM, target?: ConnectionTarget) {
    this.#orm = orm;
    this.#target = target;
    const config = orm.config.get('migrations');
    // The sources: checksums are of the .ts files wherever the ORM runs them from (lib/paths.ts).
    this.#dir = config.pathTs ?? config.path ?? 'migrations';
  }

  get directory(): string {
    return this.#dir;
  }

  files(): MigrationFile[] {
    return discoverMigrationFiles(this.#dir);
  }

  async status(): Promise<MigrationStatus> {
    return this.#run(async (trx) => this.#status(trx), { bookkeeping: false });
  }

  /**
   * What `cabinet migrate` does, in the shell or the console: a role that cannot run DDL is told why before
   * anything is attempted; then every pending migration is applied (lock, checksums, one transaction).
   * With nothing pending, reading the bookkeeping is all it does, and any role may.
   */
  async apply(events: MigrateEvents = {}): Promise<string[]> {
    const pending = await this.status().then(
      (s) => s.pending.length,
      () => undefined,
    );
    if (pending !== 0) await this.assertCanMigrate('migrate');
    try {
      return await this.up(events);
    } catch (error) {
      throw await this.#explainPermission(error);
    }
  }

  /** Throws one line (exit 1) saying why this role cannot change the schema; call it only when there is work. */
  async assertCanMigrate(action: string): Promise<void> {
    const { detectAccess } = await import('./access.ts');
    const access = await detectAccess(this.#orm.em as unknown as Parameters<typeof detectAccess>[0]);
    if (access.canMigrate) return;
    throw new CabinetError(`cannot ${action}: ${access.migrateReason ?? `role ${access.role} cannot change the schema`}; nothing was changed`, {
      code: 'no-ddl',
      hint: 'run it as the role that owns the tables (cabinet_owner in cabinet roles sql); daily work needs no DDL',
    });
  }

  /** A statement refused for lack of rights (db-permission), with the role named and the owner-role hint. */
  async #explainPermission(error: unknown): Promise<unknown> {
    if (!(error instanceof CabinetError) || error.code !== 'db-permission') return error;
    const role = await this.#orm.em
      .getConnection()
      .execute<{ role: string }[]>('select current_user as role')
      .then((rows) => rows[0]?.role, () => undefined);
    return new CabinetError(`${error.message}${role ? `; role ${role} cannot change the schema` : ''}`, {
      code: error.code,
      hint: 'run cabinet migrate with the owner role (see cabinet roles sql)',
      cause: error,
    });
  }

  /** Applies every pending migration; returns the names applied (empty when up to date). */
  async up(events: MigrateEvents = {}): Promise<string[]> {
    return this.#run(async (trx) => {
      await this.#lock(trx, events);
      const status = await this.#status(trx);
      this.#refuseInconsistent(status);
      const files = new Map(this.files().map((f) => [f.name, f]));
      await this.#adopt(trx, status.unrecorded, files, events);
      if (status.pending.length === 0) return [];
      await this.#orm.migrator.up({ transaction: trx, migrations: status.pending });
      for (const name of status.pending) await this.#recordChecksum(trx, name, files.get(name)!.checksum);
      return status.pending;
    });
  }

  /** Which applied migrations `down` would revert: the last one, or all after `to` (`0`: all). */
  async planDown(to?: string): Promise<string[]> {
    const status = await this.status();
    return this.#planDown(status, to);
  }

  #planDown(status: MigrationStatus, to?: string): string[] {
    const applied = status.applied.map((m) => m.name).reverse();
    if (to === undefined) return applied.slice(0, 1);
    if (to === '0') return applied;
    const index = applied.indexOf(to);
    if (index < 0) {
      throw new CabinetError(`no applied migration named ${to}`, { code: 'usage', exitCode: 2, hint: 'see cabinet migrate status' });
    }
    return applied.slice(0, index);
  }

  /** Reverts what `planDown(to)` names, in one transaction. */
  async down(to: string | undefined, events: MigrateEvents = {}): Promise<string[]> {
    return this.#run(async (trx) => {
      await this.#lock(trx, events);
      const status = await this.#status(trx);
      this.#refuseInconsistent(status);
      const names = this.#planDown(status, to);
      if (names.length === 0) return [];
      await this.#orm.migrator.down({ transaction: trx, migrations: names });
      const conn = this.#orm.em.getConnection();
      await conn.execute(`delete from cabinet_migration_checksums where name in (${names.map(() => '?').join(', ')})`, names, 'run', trx);
      return names;
    });
  }

  /** Generates a migration from the difference between the entities and the schema snapshot (developers). */
  async create(name: string): Promise<{ fileName: string; statements: number }> {
    if (!/^[a-z0-9_]+$/i.test(name)) {
      throw new CabinetError(`migration name "${name}" may use only letters, digits and underscores`, { code: 'usage', exitCode: 2 });
    }
    const result = await this.#orm.migrator.create(this.#dir, false, false, name);
    return { fileName: result.fileName, statements: result.diff.up.filter(Boolean).length };
  }

  /**
   * Differences between the entities, the migrations and the live database; empty when they agree.
   * Looks at the live schema (not only the snapshot file).
   */
  async check(): Promise<string[]> {
    const problems: string[] = [];
    const status = await this.status().catch((error: unknown) => {
      if (error instanceof CabinetError && error.code === 'db-permission') throw this.#cannotCheck('it may not read the migration bookkeeping (mikro_orm_migrations)', error);
      throw error;
    });
    // Anyone else would see the owner's triggers and CHECK constraints as missing: a dozen lines of false drift.
    if (!(await this.seesWholeSchema())) throw this.#cannotCheck("only the tables' owner sees their triggers and CHECK constraints");
    for (const name of status.pending) problems.push(`pending migration: ${name}`);
    for (const name of status.unknown) problems.push(`applied migration unknown to this cabinet: ${name}`);
    for (const name of status.edited) problems.push(`applied migration edited since it ran: ${name}`);
    try {
      if (await this.#orm.migrator.checkSchema()) problems.push('the entities changed but no migration was generated (cabinet migrate create NAME)');
      if (status.pending.length === 0) {
        const sql = await this.#orm.schema.getUpdateSchemaSQL({ wrap: false, safe: false, dropTables: true });
        for (const line of sql.split('\n').map((l) => l.trim()).filter(Boolean)) problems.push(`live schema differs: ${line}`);
      }
    } catch (error) {
      throw toDatabaseError(error, this.#target);
    }
    return problems;
  }

  /** Whether the connected role sees the whole schema (information_schema shows triggers and CHECKs to the owner only). */
  async seesWholeSchema(): Promise<boolean> {
    try {
      const [row] = await this.#orm.em.getConnection().execute<{ sees: boolean }[]>(
        `select coalesce((select rolsuper from pg_roles where rolname = current_user), false)
             or coalesce((select pg_has_role(c.relowner, 'USAGE') from pg_class c where c.oid = to_regclass('public.sites')), true) as sees`,
      );
      return row?.sees === true;
    } catch (error) {
      throw toDatabaseError(error, this.#target);
    }
  }

  #cannotCheck(why: string, cause?: unknown): CabinetError {
    const role = this.#target?.user ?? 'this role';
    return new CabinetError(`cannot check as role ${role}: ${why}; nothing was compared`, {
      code: 'cannot-check',
      hint: 'run cabinet migrate check as the owner role (cabinet_owner in cabinet roles sql)',
      ...(cause === undefined ? {} : { cause }),
    });
  }

  async #status(trx: Transaction): Promise<MigrationStatus> {
    const conn = this.#orm.em.getConnection();
    return readMigrationStatus((sql) => conn.execute(sql, [], 'all', trx), this.files());
  }

  #refuseInconsistent(status: MigrationStatus): void {
    if (status.unknown.length > 0) {
      throw new CabinetError(
        `the database has migration ${status.unknown.join(', ')} that this cabinet does not know; nothing was applied`,
        { code: 'migration-unknown', hint: 'use the cabinet version that applied it' },
      );
    }
    if (status.edited.length > 0) {
      throw new CabinetError(`applied migration ${status.edited.join(', ')} was edited since it ran; nothing was applied`, {
        code: 'migration-edited',
        hint: 'restore the file as it was, and put schema changes in a new migration',
      });
    }
  }

  /**
   * Migrations applied without cabinet (MikroORM's own `migration:up` records only their names) get the
   * checksum of the file as it is now, the first time a `cabinet migrate` sees them: from then on an edit
   * of the file is caught. A role that may not write the bookkeeping leaves them for the owner's run.
   */
  async #adopt(trx: Transaction, names: string[], files: Map<string, MigrationFile>, events: MigrateEvents): Promise<void> {
    if (names.length === 0) return;
    const [row] = await this.#orm.em
      .getConnection()
      .execute<{ ok: boolean }[]>(`select has_table_privilege('cabinet_migration_checksums', 'INSERT') as ok`, [], 'all', trx);
    if (!row?.ok) return;
    for (const name of names) await this.#recordChecksum(trx, name, files.get(name)!.checksum);
    events.onAdopted?.(names);
  }

  async #recordChecksum(trx: Transaction, name: string, checksum: string): Promise<void> {
    await this.#orm.em
      .getConnection()
      .execute(
        `insert into cabinet_migration_checksums (name, checksum) values (?, ?) on conflict (name) do update set checksum = excluded.checksum`,
        [name, checksum],
        'run',
        trx,
      );
  }

  async #lock(trx: Transaction, events: MigrateEvents): Promise<void> {
    const conn = this.#orm.em.getConnection();
    const [row] = await conn.execute<{ locked: boolean }[]>(TRY_LOCK_SQL, [], 'all', trx);
    if (row?.locked) return;
    events.onWaiting?.();
    await conn.execute(`set local lock_timeout = '${LOCK_WAIT_SECONDS}s'`, [], 'run', trx);
    try {
      await conn.execute(LOCK_SQL, [], 'run', trx);
    } catch (error) {
      // By SQLSTATE: the message is in the server's lc_messages language.
      if (errorCode(error) === '55P03') {
        throw new CabinetError(`another cabinet migrate is still running on this database (waited ${LOCK_WAIT_SECONDS} s)`, {
          code: 'migration-locked',
          hint: 'wait for it to finish, then run cabinet migrate status',
        });
      }
      throw error;
    }
    await conn.execute(`set local lock_timeout = 0`, [], 'run', trx);
  }

  /**
   * Creates the bookkeeping tables under the lock, in their own short transaction: MikroORM would
   * otherwise create its table outside any lock, and two first runs would race on it.
   */
  async #ensureBookkeeping(): Promise<void> {
    const conn = this.#orm.em.getConnection();
    const [exists] = await conn.execute<{ ok: boolean }[]>(
      `select to_regclass('mikro_orm_migrations') is not null and to_regclass('cabinet_migration_checksums') is not null as ok`,
    );
    if (exists?.ok) return;
    await conn.transactional(async (trx) => {
      await conn.execute(LOCK_SQL, [], 'run', trx);
      await conn.execute(
        `create table if not exists mikro_orm_migrations (id serial primary key, name varchar(255), executed_at timestamptz default current_timestamp)`,
        [],
        'run',
        trx,
      );
      await conn.execute(
        `create table if not exists cabinet_migration_checksums (
           name text primary key,
           checksum text not null,
           applied_at timestamptz not null default now()
         )`,
        [],
        'run',
        trx,
      );
      await conn.execute(`comment on table cabinet_migration_checksums is 'cabinet: sha256 of each applied migration file'`, [], 'run', trx);
    });
  }

  async #run<T>(fn: (trx: Transaction) => Promise<T>, options: { bookkeeping?: boolean } = {}): Promise<T> {
    try {
      if (options.bookkeeping !== false) await this.#ensureBookkeeping();
      return await this.#orm.em.getConnection().transactional(fn);
    } catch (error) {
      throw toDatabaseError(error, this.#target);
    }
  }
}
