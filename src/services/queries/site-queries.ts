import type { SqlQuery } from '../../db/sql-query.ts';
import { likeContains } from '../like.ts';
import type { ListOptions, Page, SiteRecord, SiteSortKey, SiteSummary } from '../types.ts';
import { checkEncodable, domainForDisplay } from '../../schema/field-rules.ts';

/** Domains as people read them: letters with accents next to their base letter (ü with u), case aside. */
const DOMAIN_ORDER = new Intl.Collator('en', { sensitivity: 'base', numeric: false });

/** The read side of sites, in SQL, shared by the ORM-backed service and the light read path. */

const SORT_COLUMNS: Record<SiteSortKey, string> = {
  siteId: 'site_id',
  domain: 'domain',
  brandName: 'brand_name',
  language: 'language',
  promptChars: 'prompt_chars',
  createdAt: 'created_at',
};

const SUMMARY_COLUMNS = `site_id, domain, ai_script_id, brand_name, language, hubspot_pipeline, hubspot_stage, created_at, version, updated_at`;

type Row = Record<string, unknown>;

function summaryOf(r: Row): Omit<SiteRecord, 'aiPrompt'> {
  return {
    siteId: String(r.site_id),
    domain: String(r.domain),
    aiScriptId: (r.ai_script_id as string | null) ?? null,
    brandName: String(r.brand_name),
    language: String(r.language),
    hubspotPipeline: (r.hubspot_pipeline as string | null) ?? null,
    hubspotStage: (r.hubspot_stage as string | null) ?? null,
    createdAt: new Date(r.created_at as string),
    version: Number(r.version),
    updatedAt: new Date(r.updated_at as string),
  };
}

export async function listSites(query: SqlQuery, options: ListOptions<SiteSortKey> = {}): Promise<Page<SiteSummary>> {
  const limit = Math.max(1, Math.min(options.limit ?? 500, 5000));
  const offset = Math.max(0, options.offset ?? 0);
  const column = SORT_COLUMNS[options.sort ?? 'siteId'];
  const direction = options.descending ? 'desc' : 'asc';
  const filter = options.filter?.trim();
  // Text with a NUL byte or a lone surrogate cannot be stored, so it matches nothing (and never reaches the server).
  if (filter && checkEncodable(filter)) return { rows: [], total: 0, hasMore: false };
  const params: unknown[] = [];
  let where = '';
  if (filter) {
    params.push(likeContains(filter));
    where = `where site_id ilike $1 or domain ilike $1 or brand_name ilike $1`;
  }
  if (options.sort === 'domain') {
    // Domains sort as they are shown: münchen.de under m, not under x as its punycode (xn--mnchen-3ya.de)
    // would in SQL. PostgreSQL cannot decode punycode, so the matching rows (one per site: a table of
    // customers, not of events) are sorted here and the page cut from them.
    const all = await query<Row>(`select ${SUMMARY_COLUMNS}, char_length(ai_prompt) as prompt_chars from sites ${where} order by site_id asc`, params, options.signal);
    const keyed = all.map((r) => ({ r, key: domainForDisplay(String(r.domain)) }));
    keyed.sort((a, b) => (options.descending ? -1 : 1) * DOMAIN_ORDER.compare(a.key, b.key) || (String(a.r.site_id) < String(b.r.site_id) ? -1 : 1));
    const page = keyed.slice(offset, offset + limit).map(({ r }): SiteSummary => ({ ...summaryOf(r), promptChars: Number(r.prompt_chars) }));
    return { rows: page, total: all.length, hasMore: offset + limit < all.length };
  }
  const rows = await query<Row>(
    `select ${SUMMARY_COLUMNS}, char_length(ai_prompt) as prompt_chars, count(*) over () as total
       from sites ${where}
      order by ${column} ${direction}, site_id asc
      limit ${limit + 1} offset ${offset}`,
    params,
    options.signal,
  );
  const page = rows.slice(0, limit).map((r): SiteSummary => ({ ...summaryOf(r), promptChars: Number(r.prompt_chars) }));
  return { rows: page, total: rows[0] ? Number(rows[0].total) : 0, hasMore: rows.length > limit };
}

export async function getSite(query: SqlQuery, siteId: string): Promise<SiteRecord | null> {
  if (checkEncodable(siteId)) return null;
  const [row] = await query<Row>(`select ${SUMMARY_COLUMNS}, ai_prompt from sites where site_id = $1`, [siteId]);
  return row ? { ...summaryOf(row), aiPrompt: String(row.ai_prompt) } : null;
}
