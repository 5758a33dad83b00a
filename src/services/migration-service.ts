import type { Transaction } from '@mikro-orm/core';
import type { CabinetORM } from '../db/orm.ts';
import { toDatabaseError } from '../db/db-errors.ts';
import type { ConnectionTarget } from '../db/connection.ts';
import { CabinetError } from '../lib/errors.ts';
import { ensureBookkeeping, recordChecksum, takeMigrateLock, type MigrateEvents } from './migration-bookkeeping.ts';
import { discoverMigrationFiles, type MigrationFile } from './migration-files.ts';
import { readMigrationStatus, type MigrationStatus } from './migration-status.ts';

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
      await takeMigrateLock(this.#orm.em.getConnection(), trx, events);
      const status = await this.#status(trx);
      this.#refuseInconsistent(status);
      const files = new Map(this.files().map((f) => [f.name, f]));
      await this.#adopt(trx, status.unrecorded, files, events);
      if (status.pending.length === 0) return [];
      await this.#orm.migrator.up({ transaction: trx, migrations: status.pending });
      for (const name of status.pending) await recordChecksum(this.#orm.em.getConnection(), trx, name, files.get(name)!.checksum);
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
      await takeMigrateLock(this.#orm.em.getConnection(), trx, events);
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
    for (const name of names) await recordChecksum(this.#orm.em.getConnection(), trx, name, files.get(name)!.checksum);
    events.onAdopted?.(names);
  }

  async #run<T>(fn: (trx: Transaction) => Promise<T>, options: { bookkeeping?: boolean } = {}): Promise<T> {
    try {
      if (options.bookkeeping !== false) await ensureBookkeeping(this.#orm.em.getConnection());
      return await this.#orm.em.getConnection().transactional(fn);
    } catch (error) {
      throw toDatabaseError(error, this.#target);
    }
  }
}
