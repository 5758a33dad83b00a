import type { MikroORM } from '@mikro-orm/postgresql';
import { createConfig, type ConfigOptions } from '../../mikro-orm.config.ts';
import type { ConnectionTarget } from './connection.ts';
import { toDatabaseError } from './db-errors.ts';

export type CabinetORM = MikroORM;

/**
 * The one place the ORM (and with it the Postgres driver) is loaded. Importing `@mikro-orm/postgresql`
 * costs a few hundred milliseconds, so it is imported here, lazily, after the console has drawn.
 */
export async function initORM(target: ConnectionTarget, options: ConfigOptions = {}): Promise<CabinetORM> {
  const { MikroORM } = await import('@mikro-orm/postgresql');
  return MikroORM.init(createConfig(target, options));
}

export interface ServerInfo {
  user: string;
  database: string;
  serverVersion: string;
  serverVersionNum: number;
  superuser: boolean;
}

/** Opens the first connection and reports who we are, turning a failure into one clear line. */
export async function probe(orm: CabinetORM, target: ConnectionTarget): Promise<ServerInfo> {
  try {
    const [row] = await orm.em.getConnection().execute<
      { user: string; database: string; version: string; version_num: string; superuser: boolean }[]
    >(
      `select current_user as "user", current_database() as "database", current_setting('server_version') as version,
              current_setting('server_version_num') as version_num,
              (select rolsuper from pg_roles where rolname = current_user) as superuser`,
    );
    if (!row) throw new Error('no answer to the connection probe');
    return {
      user: row.user,
      database: row.database,
      serverVersion: row.version,
      serverVersionNum: Number(row.version_num),
      superuser: row.superuser,
    };
  } catch (error) {
    throw toDatabaseError(error, target);
  }
}
