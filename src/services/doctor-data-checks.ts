import type { DbSession } from '../db/session.ts';
import type { SqlClient } from '../db/sql-client.ts';
import { hiddenTextWarning } from '../lib/hidden-text.ts';
import { errorText, type Check } from './doctor-check.ts';

/** `cabinet doctor`'s checks of the role and the data as n8n sees it. */

/** The n8n workflow's query, verbatim (the column contract). */
export const N8N_QUERY = 'SELECT ai_prompt, language, brand_name FROM sites WHERE site_id = $1';

export async function roleCheck(client: SqlClient, db: DbSession): Promise<Check> {
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

export async function n8nCheck(client: SqlClient): Promise<Check> {
  const base = { id: 'n8n', title: "n8n's query" };
  try {
    const sample = await client.query<{ site_id: string }>(`select site_id from sites order by site_id limit 1`);
    const siteId = sample.rows[0]?.site_id;
    const { rows } = await client.query<{ ai_prompt: string; language: string; brand_name: string }>(N8N_QUERY, [siteId ?? 'cabinet-doctor-probe']);
    if (siteId === undefined) return { ...base, status: 'warn', detail: 'runs, but there are no sites yet', fix: 'cabinet sites create, or cabinet seed --demo on a test database' };
    const row = rows[0]!;
    return { ...base, status: 'ok', detail: `site ${siteId}: language ${row.language}, brand ${row.brand_name}, prompt of ${[...row.ai_prompt].length.toLocaleString('en')} characters` };
  } catch (error) {
    return { ...base, status: 'fail', detail: errorText(error), fix: 'cabinet migrate (the sites table or one of its columns is missing)' };
  }
}

/**
 * cabinet reads and writes `public.sites` whatever the search_path (session-settings.ts); n8n's query names the
 * table plainly, so it reads whichever `sites` the database's (and this role's) own search_path finds first.
 */
export async function n8nPathCheck(client: SqlClient): Promise<Check> {
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
export async function hiddenTextCheck(client: SqlClient): Promise<Check> {
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
    return { ...base, status: 'unknown', detail: errorText(error) };
  }
}
