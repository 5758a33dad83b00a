import { defineConfig, type Options } from '@mikro-orm/postgresql';
import { Migrator } from '@mikro-orm/migrations';
import { entities } from './src/db/entities/index.ts';
import type { ConnectionTarget } from './src/db/connection.ts';
import { pgDriverOptions } from './src/db/pg-options.ts';
import { statementTimeoutFromEnv } from './src/db/session-settings.ts';
import { defaultMigrationsDir, projectRoot, runnableMigrationsDir } from './src/lib/paths.ts';

/** Tables that belong to cabinet's own bookkeeping, not to the entity model (see src/db/migrate.ts). */
export const BOOKKEEPING_TABLES = ['mikro_orm_migrations', 'cabinet_migration_checksums'];

export interface ConfigOptions {
  /** Server-side statement timeout in ms (0: none); else CABINET_STATEMENT_TIMEOUT or 30 s. Migrations lift it. */
  statementTimeoutMs?: number;
  /** Pool size; the console and commands need few connections. */
  poolMax?: number;
  debug?: boolean;
  /** Where the ORM's log lines go (console.log by default; --debug sends them to a file, src/lib/debug-log.ts). */
  logger?: (message: string) => void;
  /** Another migrations folder (tests use copies to edit and break migrations safely). */
  migrationsDir?: string;
}

/** The one ORM configuration: cabinet builds its ORM from it, and so does MikroORM's own CLI (default export). */
export function createConfig(target: ConnectionTarget, options: ConfigOptions = {}): Options {
  const root = projectRoot();
  const migrationsDir = options.migrationsDir ?? defaultMigrationsDir();
  const runnableDir = options.migrationsDir ?? runnableMigrationsDir();
  return defineConfig({
    entities,
    extensions: [Migrator],
    host: target.host,
    port: target.port,
    user: target.user,
    ...(target.password === undefined ? {} : { password: target.password }),
    dbName: target.database,
    baseDir: root,
    // Entities are given explicitly; TS sources are loaded by Node's type stripping where needed.
    preferTs: false,
    ensureDatabase: false,
    debug: options.debug ?? false,
    ...(options.logger ? { logger: options.logger, colors: false } : {}),
    pool: { min: 0, max: options.poolMax ?? 4, idleTimeoutMillis: 30_000 },
    driverOptions: pgDriverOptions(target, options.statementTimeoutMs ?? statementTimeoutFromEnv()),
    schemaGenerator: { skipTables: BOOKKEEPING_TABLES },
    migrations: {
      // Runs from `path`; `pathTs` is the sources, which cabinet checksums and `migrate create` writes to.
      path: runnableDir,
      pathTs: migrationsDir,
      glob: '!(*.d).{js,ts}',
      emit: 'ts',
      tableName: 'mikro_orm_migrations',
      snapshotName: 'schema-snapshot',
      // The snapshot is written only by `cabinet migrate create` (developers); running migrations on an admin's
      // machine must not rewrite files of the installed cabinet.
      snapshotOnMigrate: false,
      silent: true,
      transactional: true,
      allOrNothing: true,
      // Lets generated migrations drop what their up() created in down(); every migration is reviewed before commit.
      dropTables: true,
      safe: false,
    },
  });
}

/** For `npx mikro-orm ...`: resolves the connection exactly as cabinet does (flags aside). */
export default async function mikroOrmCliConfig(): Promise<Options> {
  const { openTarget } = await import('./src/db/open-target.ts');
  const { target } = await openTarget({ allowNonTailnet: process.env.CABINET_ALLOW_NON_TAILNET === '1' });
  return createConfig(target, { statementTimeoutMs: 0 });
}
