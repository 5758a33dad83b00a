import type { DbSession } from '../db/session.ts';
import { withSqlClient, withTransaction, type SqlClient } from '../db/sql-client.ts';
import { classifyAddress } from '../db/tailnet-guard.ts';
import { CabinetError } from '../lib/errors.ts';
import { MigrationService } from './migration-service.ts';
import { hiddenTextWarning } from '../lib/hidden-text.ts';
import { presenceCheck } from '../presence/presence-check.ts';

export type CheckStatus = 'ok' | 'warn' | 'fail' | 'unknown';

/** One line of `cabinet doctor`: what was checked, what was found, and for a failure how to fix it. */
export interface Check {
  id: string;
  title: string;
  status: CheckStatus;
  detail: string;
  fix?: string;
}

/** The n8n workflow's query, verbatim (the column contract). */
export const N8N_QUERY = 'SELECT ai_prompt, language, brand_name FROM sites WHERE site_id = $1';
export const MIN_SERVER_VERSION = 140000;

const message = (error: unknown) => (error instanceof CabinetError ? error.message : error instanceof Error ? error.message.split('\n')[0]! : String(error));

async function setting(client: SqlClient, name: 'listen_addresses' | 'ssl'): Promise<string | undefined> {
  try {
    // SHOW needs no rights for most settings; some servers restrict these to pg_read_all_settings.
    const { rows } = await client.query<Record<string, string>>(`show ${name}`);
    return rows[0]?.[name];
  } catch {
    return undefined;
  }
}

/** `db.tail.ts.net → 100.101.1.2`: the host and, when it is not just that address, where connections go. */
const hostAndAddresses = (host: string, addresses: string[]) =>
  addresses.length === 0 || (addresses.length === 1 && addresses[0] === host.replace(/^\[|\]$/g, '')) ? host : `${host} → ${addresses.join(', ')}`;

function connectionCheck(db: DbSession): Check {
  const { guard, target } = db;
  const base = { id: 'connection', title: 'connection path' };
  switch (guard.kind) {
    case 'socket':
      return { ...base, status: 'ok', detail: target.source === 'embedded' ? `Unix socket ${guard.host} (the embedded PostgreSQL)` : `Unix socket ${guard.host}` };
    case 'loopback':
      return { ...base, status: 'ok', detail: `loopback (${hostAndAddresses(guard.host, guard.addresses)})` };
    case 'tailnet':
    case 'magicdns':
      return { ...base, status: 'ok', detail: `tailnet (${hostAndAddresses(guard.host, guard.addresses)})` };
    default:
      return {
        ...base,
        status: 'fail',
        detail: `other network: ${guard.reason} (allowed only by --allow-non-tailnet)`,
        fix: 'connect over Tailscale: a 100.x.y.z address or the MagicDNS name (*.ts.net) of the database host',
      };
  }
}

function listenCheck(value: string | undefined): Check {
  const base = { id: 'listen_addresses', title: 'listen_addresses' };
  if (value === undefined) return { ...base, status: 'unknown', detail: 'unknown (reading it needs a superuser or pg_read_all_settings)' };
  const addresses = value.split(',').map((a) => a.trim()).filter(Boolean);
  if (addresses.length === 0) return { ...base, status: 'ok', detail: `'' (Unix sockets only)` };
  const wildcard = addresses.filter((a) => a === '*' || a === '0.0.0.0' || a === '::');
  if (wildcard.length > 0) {
    return {
      ...base,
      status: 'warn',
      detail: `'${value}': listens on every interface; only a firewall keeps it off the internet`,
      fix: `set listen_addresses = 'localhost, <the host's 100.x.y.z Tailscale address>' in postgresql.conf and restart`,
    };
  }
  const outside = addresses.filter((a) => a !== 'localhost' && !a.endsWith('.ts.net') && classifyAddress(a) === 'other');
  if (outside.length > 0) {
    return {
      ...base,
      status: 'warn',
      detail: `'${value}': ${outside.join(', ')} ${outside.length === 1 ? 'is' : 'are'} neither loopback nor Tailscale`,
      fix: `keep listen_addresses to localhost and the Tailscale address`,
    };
  }
  return { ...base, status: 'ok', detail: `'${value}' (loopback/Tailscale only)` };
}

async function sslCheck(client: SqlClient, db: DbSession): Promise<Check> {
  const base = { id: 'ssl', title: 'ssl' };
  const value = await setting(client, 'ssl');
  let tls: string | undefined;
  try {
    const { rows } = await client.query<{ ssl: boolean; version: string | null }>(`select ssl, version from pg_stat_ssl where pid = pg_backend_pid()`);
    tls = rows[0] ? (rows[0].ssl ? `TLS ${rows[0].version ?? ''}`.trim() : 'not TLS') : undefined;
  } catch {
    tls = undefined;
  }
  const shown = `ssl = ${value ?? 'unknown'}; this connection: ${tls ?? 'unknown'}`;
  if (db.guard.kind === 'other' && tls === 'not TLS') {
    return { ...base, status: 'fail', detail: `${shown}, over a network that is not the tailnet`, fix: 'use Tailscale, or turn ssl on and connect with sslmode=verify-full' };
  }
  if (value === undefined) return { ...base, status: 'unknown', detail: shown };
  const why = db.guard.kind === 'socket' || db.guard.kind === 'loopback' ? ' (local connection)' : tls === 'not TLS' ? ' (Tailscale encrypts the link: WireGuard)' : '';
  return { ...base, status: 'ok', detail: `${shown}${why}` };
}

async function roleCheck(client: SqlClient, db: DbSession): Promise<Check> {
  const base = { id: 'role', title: 'role' };
  const role = db.info.user;
  if (db.info.superuser) {
    return {
      ...base,
      status: 'warn',
      detail: `${role} is a superuser`,
      fix: 'daily work should use a least-privilege role: cabinet roles sql (the app role for the console, the owner only for migrate)',
    };
  }
  const { rows } = await client.query<{ create_public: boolean; owns: boolean; writes: boolean; reads: boolean }>(
    `select has_schema_privilege('public', 'CREATE') as create_public,
            coalesce((select pg_has_role(c.relowner, 'USAGE') from pg_class c where c.oid = to_regclass('public.sites')), false) as owns,
            coalesce(has_table_privilege('public.sites', 'INSERT, UPDATE, DELETE'), false) as writes,
            coalesce(has_table_privilege('public.sites', 'SELECT'), false) as reads`,
  );
  const r = rows[0]!;
  const rights = r.writes ? 'reads and writes sites' : r.reads ? 'reads sites (read-only)' : 'cannot read sites';
  if (r.owns || r.create_public) {
    return {
      ...base,
      status: 'warn',
      detail: `${role} can change the schema (${r.owns ? 'owns the tables' : 'CREATE on schema public'}); ${rights}`,
      fix: 'daily work should use a role without DDL rights: cabinet roles sql (keep this one for cabinet migrate)',
    };
  }
  return { ...base, status: 'ok', detail: `${role}: no DDL rights; ${rights}` };
}

async function n8nCheck(client: SqlClient): Promise<Check> {
  const base = { id: 'n8n', title: "n8n's query" };
  try {
    const sample = await client.query<{ site_id: string }>(`select site_id from sites order by site_id limit 1`);
    const siteId = sample.rows[0]?.site_id;
    const { rows } = await client.query<{ ai_prompt: string; language: string; brand_name: string }>(N8N_QUERY, [siteId ?? 'cabinet-doctor-probe']);
    if (siteId === undefined) return { ...base, status: 'warn', detail: 'runs, but there are no sites yet', fix: 'cabinet sites create, or cabinet seed --demo on a test database' };
    const row = rows[0]!;
    return { ...base, status: 'ok', detail: `site ${siteId}: language ${row.language}, brand ${row.brand_name}, prompt of ${[...row.ai_prompt].length.toLocaleString('en')} characters` };
  } catch (error) {
    return { ...base, status: 'fail', detail: message(error), fix: 'cabinet migrate (the sites table or one of its columns is missing)' };
  }
}

/**
 * cabinet reads and writes `public.sites` whatever the search_path (session-settings.ts); n8n's query names the
 * table plainly, so it reads whichever `sites` the database's (and this role's) own search_path finds first.
 */
async function n8nPathCheck(client: SqlClient): Promise<Check> {
  const base = { id: 'n8n-path', title: "n8n's search_path" };
  await client.query('set local search_path to default');
  const { rows } = await client.query<{ path: string; schema: string | null }>(
    `select current_setting('search_path') as path,
            (select n.nspname from pg_class c join pg_namespace n on n.oid = c.relnamespace where c.oid = to_regclass('sites')) as schema`,
  );
  const { path, schema } = rows[0]!;
  if (schema === 'public') return { ...base, status: 'ok', detail: `sites is public.sites under search_path ${path}` };
  return {
    ...base,
    status: 'fail',
    detail: schema
      ? `an unqualified sites is ${schema}.sites under this database's search_path (${path}), not cabinet's public.sites`
      : `no sites table on this database's search_path (${path}); cabinet's is public.sites`,
    fix: "set n8n's search_path to public (ALTER ROLE … SET search_path = public), or move the other sites table away",
  };
}

/**
 * Text a person cannot see but n8n's language model reads (tag characters spelling an instruction,
 * zero-width characters), in the columns n8n selects. Only rows with a character outside printable
 * ASCII are fetched; the rest cannot hide anything.
 */
async function hiddenTextCheck(client: SqlClient): Promise<Check> {
  const base = { id: 'hidden-text', title: 'hidden text' };
  try {
    const { rows } = await client.query<{ site_id: string; brand_name: string; ai_prompt: string }>(
      `select site_id, brand_name, ai_prompt from public.sites where ai_prompt ~ '[^\n\r\t -~]' or brand_name ~ '[^ -~]' order by site_id`,
    );
    const found: string[] = [];
    for (const row of rows) {
      for (const [column, text] of [['prompt', row.ai_prompt], ['brand_name', row.brand_name]] as const) {
        const warning = hiddenTextWarning(column, text);
        if (warning) found.push(`site ${row.site_id}: ${warning}`);
      }
    }
    if (found.length === 0) return { ...base, status: 'ok', detail: 'no invisible characters in prompts or brand names' };
    const more = found.length > 3 ? `; and ${found.length - 3} more` : '';
    return {
      ...base,
      status: 'warn',
      detail: found.slice(0, 3).join('; ') + more,
      fix: 'cabinet sites show SITE_ID shows them escaped (\\u{E0049}); write the text again without them',
    };
  } catch (error) {
    return { ...base, status: 'unknown', detail: message(error) };
  }
}

/**
 * `cabinet doctor`: checks the connection, the server and the schema, each with a status and, for a
 * failure, what to do about it. Every check runs even when another failed.
 */
export async function runDoctor(db: DbSession): Promise<Check[]> {
  const checks: Check[] = [connectionCheck(db)];
  const dotEnv = db.target.dotEnv;
  if (dotEnv) {
    checks.push(
      dotEnv.used
        ? { id: 'dotenv', title: '.env', status: 'ok', detail: dotEnv.line }
        : { id: 'dotenv', title: '.env', status: 'warn', detail: dotEnv.line, fix: `remove ${dotEnv.names.join(', ')} from ${dotEnv.file}, or unset the environment's setting to use it` },
    );
  }
  const v = db.info.serverVersionNum;
  checks.push(
    v >= MIN_SERVER_VERSION
      ? { id: 'server', title: 'server version', status: 'ok', detail: `PostgreSQL ${db.info.serverVersion} (14 or newer)` }
      : { id: 'server', title: 'server version', status: 'fail', detail: `PostgreSQL ${db.info.serverVersion}`, fix: 'upgrade to PostgreSQL 14 or newer' },
  );
  await withSqlClient(db.orm, db.target, async (client) => {
    checks.push(listenCheck(await setting(client, 'listen_addresses')));
    checks.push(await sslCheck(client, db));
    checks.push(await roleCheck(client, db).catch((error) => ({ id: 'role', title: 'role', status: 'unknown' as const, detail: message(error) })));
  });

  const migrations = new MigrationService(db.orm, db.target);
  let pending: string[] | undefined;
  try {
    const status = await migrations.status();
    pending = status.pending;
    const bad = [...status.edited.map((n) => `${n} was edited since it ran`), ...status.unknown.map((n) => `${n} is unknown to this cabinet`)];
    if (bad.length > 0) {
      checks.push({ id: 'migrations', title: 'migrations', status: 'fail', detail: bad.join('; '), fix: 'use the cabinet version that applied them; see cabinet migrate status' });
    } else if (status.pending.length > 0) {
      checks.push({
        id: 'migrations',
        title: 'migrations',
        status: 'fail',
        detail: `${status.pending.length} pending: ${status.pending.join(', ')}`,
        fix: 'cabinet migrate (as the owner role)',
      });
    } else {
      checks.push(
        status.unrecorded.length > 0
          ? {
              id: 'migrations',
              title: 'migrations',
              status: 'warn',
              detail: `all ${status.applied.length} applied; ${status.unrecorded.length} without cabinet, with no checksum recorded (an edit of ${status.unrecorded.length === 1 ? 'its file' : 'their files'} would go unnoticed): ${status.unrecorded.join(', ')}`,
              fix: 'cabinet migrate records their checksums',
            }
          : { id: 'migrations', title: 'migrations', status: 'ok', detail: `all ${status.applied.length} applied` },
      );
    }
  } catch (error) {
    checks.push(
      error instanceof CabinetError && error.code === 'db-permission'
        ? {
            id: 'migrations',
            title: 'migrations',
            status: 'unknown',
            detail: `cannot tell: ${db.info.user} may not read the migration bookkeeping (mikro_orm_migrations); the n8n and read-only roles need not`,
            fix: 'run cabinet doctor as the app or owner role to see the migrations',
          }
        : { id: 'migrations', title: 'migrations', status: 'fail', detail: message(error), fix: 'cabinet migrate status shows more' },
    );
  }

  const owner = await migrations.seesWholeSchema().catch(() => false);
  if (pending === undefined) {
    checks.push({ id: 'drift', title: 'schema drift', status: 'unknown', detail: 'not checked: the migrations could not be read' });
  } else if (pending.length > 0) {
    checks.push({ id: 'drift', title: 'schema drift', status: 'unknown', detail: 'not checked while migrations are pending' });
  } else if (!owner) {
    // information_schema shows CHECK constraints and triggers only to the tables' owner: any other role
    // would see them all as missing.
    checks.push({
      id: 'drift',
      title: 'schema drift',
      status: 'unknown',
      detail: `not checked: only the tables' owner sees their triggers and CHECK constraints, and ${db.info.user} is not it`,
      fix: 'run cabinet doctor (or cabinet migrate check) as the owner role',
    });
  } else {
    try {
      const problems = (await migrations.check()).filter((p) => !p.startsWith('pending migration'));
      checks.push(
        problems.length === 0
          ? { id: 'drift', title: 'schema drift', status: 'ok', detail: 'entities, migrations and the live schema agree' }
          : {
              id: 'drift',
              title: 'schema drift',
              status: 'fail',
              detail: problems.length === 1 ? problems[0]! : `${problems[0]} (and ${problems.length - 1} more)`,
              fix: 'cabinet migrate check lists the differences; put schema changes in a migration, never by hand',
            },
      );
    } catch (error) {
      checks.push({ id: 'drift', title: 'schema drift', status: 'unknown', detail: message(error) });
    }
  }

  await withSqlClient(db.orm, db.target, async (client) => checks.push(await n8nCheck(client)));
  checks.push(
    await withTransaction(db.orm, db.target, n8nPathCheck).catch((error) => ({ id: 'n8n-path', title: "n8n's search_path", status: 'unknown' as const, detail: message(error) })),
  );
  await withSqlClient(db.orm, db.target, async (client) => checks.push(await hiddenTextCheck(client), await presenceCheck(client)));
  return checks;
}
