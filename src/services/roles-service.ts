import type { DbSession } from '../db/session.ts';
import { withTransaction } from '../db/sql-client.ts';
import { CabinetError, usageError } from '../lib/errors.ts';
import { SCRAM_VERIFIER, scramSha256Verifier } from '../lib/scram.ts';
import { MigrationService } from './migration-service.ts';

/**
 * The recommended role set for the cabinet database:
 * - owner: owns the schema objects and runs `cabinet migrate` (DDL, trusted extensions); nothing else has DDL rights;
 * - app: daily work (the console, scripts): DML on sites and users, append-only history, reads the
 *   migration bookkeeping (the console and doctor show pending migrations), TEMP for `users import`;
 * - n8n: SELECT on sites only: n8n's query reads nothing else, and users' e-mail addresses stay out of it;
 * - readonly: SELECT on every table: listings and exports (CABINET_DATABASE_URL_RO), reporting.
 */
export type RoleKind = 'owner' | 'app' | 'n8n' | 'readonly';
export const ROLE_KINDS: RoleKind[] = ['owner', 'app', 'n8n', 'readonly'];
export type RoleSet = Record<RoleKind, string>;

/** Where `cabinet roles apply` reads each role's password from; never printed, sent as a SCRAM verifier. */
export const PASSWORD_ENV: Record<RoleKind, string> = {
  owner: 'CABINET_OWNER_PASSWORD',
  app: 'CABINET_APP_PASSWORD',
  n8n: 'CABINET_N8N_PASSWORD',
  readonly: 'CABINET_READONLY_PASSWORD',
};

/** Tables the app writes, the append-only history, and the migrator's bookkeeping (from the migrations). */
const DATA_TABLES = ['sites', 'users'];
const HISTORY_TABLES = ['site_revisions', 'user_revisions'];
const BOOKKEEPING_TABLES = ['mikro_orm_migrations', 'cabinet_migration_checksums'];

export function roleSet(prefix = 'cabinet'): RoleSet {
  // Plain lower-case identifiers: they appear unquoted in the SQL and in connection URLs.
  if (!/^[a-z_][a-z0-9_]{0,50}$/.test(prefix)) {
    throw usageError(`--prefix "${prefix}" must be lower-case letters, digits and _ (up to 51, not starting with a digit)`);
  }
  return { owner: `${prefix}_owner`, app: `${prefix}_app`, n8n: `${prefix}_n8n`, readonly: `${prefix}_readonly` };
}

/** The SQL, statement by statement (each a string that can be executed alone). */
export function rolesStatements(roles: RoleSet, verifiers: Partial<Record<RoleKind, string>> = {}): string[] {
  const all = ROLE_KINDS.map((k) => roles[k]);
  const list = all.map((r) => `'${r}'`).join(', ');
  const { owner, app, n8n, readonly } = roles;
  const out = [
    `-- Roles are cluster-wide: created once, then held to least privilege on every run.
DO $$
DECLARE r text;
BEGIN
  FOREACH r IN ARRAY ARRAY[${list}] LOOP
    IF NOT EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = r) THEN
      EXECUTE format('CREATE ROLE %I LOGIN', r);
    END IF;
    EXECUTE format('ALTER ROLE %I LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS', r);
  END LOOP;
END
$$;`,
  ];
  for (const kind of ROLE_KINDS) {
    const verifier = verifiers[kind];
    if (verifier === undefined) continue;
    if (!SCRAM_VERIFIER.test(verifier)) throw new Error('not a SCRAM verifier');
    out.push(`ALTER ROLE ${roles[kind]} PASSWORD '${verifier}';`);
  }
  out.push(
    `-- The database: these roles may connect; only the owner creates objects in schema public.
DO $$
BEGIN
  EXECUTE format('GRANT CONNECT ON DATABASE %I TO ${all.join(', ')}', current_database());
  EXECUTE format('GRANT TEMPORARY ON DATABASE %I TO ${app}', current_database());
  -- Migrations may CREATE EXTENSION a trusted extension (pg_trgm): that needs CREATE on the database.
  EXECUTE format('GRANT CREATE ON DATABASE %I TO ${owner}', current_database());
END
$$;`,
    `REVOKE CREATE ON SCHEMA public FROM PUBLIC;`,
    `GRANT USAGE, CREATE ON SCHEMA public TO ${owner};`,
    `GRANT USAGE ON SCHEMA public TO ${app}, ${n8n}, ${readonly};`,
    `-- The owner owns what the migrations made (tables, views, sequences, functions), so it can migrate them.
DO $$
DECLARE o record;
BEGIN
  FOR o IN SELECT c.oid::regclass AS name, c.relkind FROM pg_catalog.pg_class c
             JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
            WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p', 'v', 'm', 'S')
              AND NOT EXISTS (SELECT FROM pg_catalog.pg_depend d WHERE d.objid = c.oid AND d.deptype IN ('e', 'a', 'i')) LOOP
    EXECUTE format('ALTER %s %s OWNER TO ${owner}',
      CASE o.relkind WHEN 'v' THEN 'VIEW' WHEN 'm' THEN 'MATERIALIZED VIEW' WHEN 'S' THEN 'SEQUENCE' ELSE 'TABLE' END, o.name);
  END LOOP;
  FOR o IN SELECT p.oid::regprocedure AS name FROM pg_catalog.pg_proc p
             JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace
            WHERE n.nspname = 'public'
              AND NOT EXISTS (SELECT FROM pg_catalog.pg_depend d WHERE d.objid = p.oid AND d.deptype = 'e') LOOP
    EXECUTE format('ALTER ROUTINE %s OWNER TO ${owner}', o.name);
  END LOOP;
END
$$;`,
    `-- Start from nothing, so a re-run also takes back rights granted by hand since.
REVOKE ALL ON ALL TABLES IN SCHEMA public FROM ${app}, ${n8n}, ${readonly};`,
    `REVOKE ALL ON ALL SEQUENCES IN SCHEMA public FROM ${app}, ${n8n}, ${readonly};`,
    `-- app: the data; the history is append-only; the migration bookkeeping is read.
GRANT SELECT, INSERT, UPDATE, DELETE ON TABLE ${DATA_TABLES.join(', ')} TO ${app};`,
    `GRANT SELECT, INSERT ON TABLE ${HISTORY_TABLES.join(', ')} TO ${app};`,
    `GRANT SELECT ON TABLE ${BOOKKEEPING_TABLES.join(', ')} TO ${app};`,
    `GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO ${app};`,
    `-- n8n: its one query, SELECT ai_prompt, language, brand_name FROM sites WHERE site_id = $1.
GRANT SELECT ON TABLE sites TO ${n8n};`,
    `-- readonly: every table, for listings, exports and reports.
GRANT SELECT ON ALL TABLES IN SCHEMA public TO ${readonly};`,
    `-- Tables later migrations add: readable by app and readonly, appendable by app; a migration adding a table the
-- app must UPDATE grants that itself.
ALTER DEFAULT PRIVILEGES FOR ROLE ${owner} IN SCHEMA public GRANT SELECT, INSERT ON TABLES TO ${app};`,
    `ALTER DEFAULT PRIVILEGES FOR ROLE ${owner} IN SCHEMA public GRANT USAGE ON SEQUENCES TO ${app};`,
    `ALTER DEFAULT PRIVILEGES FOR ROLE ${owner} IN SCHEMA public GRANT SELECT ON TABLES TO ${readonly};`,
  );
  return out;
}

/** The script `cabinet roles sql` prints: psql-ready, in one transaction, without any password. */
export function rolesScript(roles: RoleSet): string {
  const header = `-- cabinet's roles, from \`cabinet roles sql\`. Run on the cabinet database as a superuser, after
-- \`cabinet migrate\` (psql -v ON_ERROR_STOP=1 -d DB -f roles.sql). Safe to run again.
--
--   ${roles.owner.padEnd(20)} owns the schema objects; runs \`cabinet migrate\` (DDL). Nothing else.
--   ${roles.app.padEnd(20)} daily work (the console, scripts): reads and writes sites and users,
--   ${''.padEnd(20)} appends to site_revisions and user_revisions, reads the migration bookkeeping. No DDL.
--   ${roles.n8n.padEnd(20)} n8n: SELECT on sites only (no users: e-mail addresses stay out of n8n).
--   ${roles.readonly.padEnd(20)} listings and exports (CABINET_DATABASE_URL_RO), reports: SELECT on every table.
--
-- No passwords here. Set them with psql's \\password ROLE, or run \`cabinet roles apply\` with
-- ${ROLE_KINDS.map((k) => PASSWORD_ENV[k]).join(', ')} set
-- (sent as SCRAM verifiers, never as text). Keep them in ~/.pgpass, not in URLs.
`;
  return `${header}\nBEGIN;\n\n${rolesStatements(roles).join('\n\n')}\n\nCOMMIT;\n`;
}

export interface AppliedRole {
  kind: RoleKind;
  name: string;
  /** `set`: from its variable now; `kept`: it had one; `none`: it has none (log-in only where pg_hba trusts it). */
  password: 'set' | 'kept' | 'none';
}

/** Runs the statements in one transaction as the current (super)user; passwords from `env`, as verifiers. */
export async function applyRoles(db: DbSession, roles: RoleSet, env: NodeJS.ProcessEnv = process.env): Promise<AppliedRole[]> {
  if (!db.info.superuser) {
    throw new CabinetError(`cabinet roles apply needs a superuser; ${db.info.user} is not one`, {
      code: 'db-permission',
      hint: 'connect as a superuser, or have one run the SQL from cabinet roles sql',
    });
  }
  const status = await new MigrationService(db.orm, db.target).status();
  if (status.pending.length > 0) {
    throw new CabinetError(`${status.pending.length} migration${status.pending.length === 1 ? '' : 's'} pending: the roles are granted on the migrated tables`, {
      code: 'migrations-pending',
      hint: 'run cabinet migrate first',
    });
  }
  const verifiers: Partial<Record<RoleKind, string>> = {};
  for (const kind of ROLE_KINDS) {
    const password = env[PASSWORD_ENV[kind]];
    if (password) verifiers[kind] = scramSha256Verifier(password);
  }
  return withTransaction(db.orm, db.target, async (client) => {
    for (const statement of rolesStatements(roles, verifiers)) await client.query(statement);
    const { rows } = await client.query<{ rolname: string; has_password: boolean }>(
      `select rolname, rolpassword is not null as has_password from pg_catalog.pg_authid where rolname = any($1::text[])`,
      [ROLE_KINDS.map((k) => roles[k])],
    );
    const has = new Map(rows.map((r) => [r.rolname, r.has_password]));
    return ROLE_KINDS.map((kind) => ({
      kind,
      name: roles[kind],
      password: verifiers[kind] ? 'set' : has.get(roles[kind]) ? 'kept' : 'none',
    }));
  });
}
