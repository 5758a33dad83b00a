import type { ConnectionTarget } from '../db/connection.ts';

/**
 * Which database this is, for keying drafts: a draft made on staging must never pass for one made on
 * production. PostgreSQL's system identifier (pg_control_system(), set by initdb, different for every
 * cluster, and executable by any role unless an administrator revoked it) plus the database name; where it
 * cannot be read, the address cabinet connected to plus the database name, which is the same database for
 * as long as that address is.
 */
export interface DatabaseIdentity {
  key: string;
  /** How a person recognises it: the connection's label (user@host:port/db). */
  label: string;
}

export async function readDatabaseIdentity(
  query: <T>(sql: string) => Promise<T[]>,
  target: ConnectionTarget,
  label: string,
): Promise<DatabaseIdentity> {
  const [row] = await query<{ db: string }>('select current_database() as db');
  const db = row?.db ?? target.database;
  let system: string | undefined;
  try {
    [{ system } = { system: undefined }] = await query<{ system: string }>('select system_identifier::text as system from pg_control_system()');
  } catch {
    // Revoked for this role (a managed service may do so): the address stands in for the cluster.
  }
  const where = target.source === 'embedded' ? `embedded:${target.embeddedRoot ?? target.host}` : `${target.host}:${target.port}`;
  return { key: system ? `pg:${system}/${db}` : `at:${where}/${db}`, label };
}
