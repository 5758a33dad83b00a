import type { MigrationFile } from './migration-files.ts';

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
