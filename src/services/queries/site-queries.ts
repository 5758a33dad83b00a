import type { SqlQuery } from '../../db/sql-query.ts';
import { likeContains } from '../like.ts';
import type { ListOptions, Page, SiteRecord, SiteSortKey, SiteSummary } from '../types.ts';
import { SITE_COLUMNS_SQL, SITE_SUMMARY_COLUMNS_SQL, siteFromRow, siteSummaryFromRow } from '../../schema/site-record.ts';
import { checkEncodable, domainForDisplay } from '../../schema/field-rules.ts';

/**
 * Domains as people read them: letters with accents next to their base letter (ü with u), case aside.
 * Made on the first sort by domain: setting up ICU's collator costs ~10 ms of CPU, which every start paid.
 */
let domainOrder: Intl.Collator | undefined;
const domainCollator = () => (domainOrder ??= new Intl.Collator('en', { sensitivity: 'base', numeric: false }));

/** The read side of sites, in SQL, shared by the ORM-backed service and the light read path. */

const SORT_COLUMNS: Record<SiteSortKey, string> = {
  siteId: 'site_id',
  domain: 'domain',
  brandName: 'brand_name',
  language: 'language',
  promptChars: 'prompt_chars',
  createdAt: 'created_at',
};

type Row = Record<string, unknown>;

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
    const all = await query<Row>(`select ${SITE_SUMMARY_COLUMNS_SQL}, char_length(ai_prompt) as prompt_chars from sites ${where} order by site_id asc`, params, options.signal);
    const keyed = all.map((r) => ({ r, key: domainForDisplay(String(r.domain)) }));
    keyed.sort((a, b) => (options.descending ? -1 : 1) * domainCollator().compare(a.key, b.key) || (String(a.r.site_id) < String(b.r.site_id) ? -1 : 1));
    const page = keyed.slice(offset, offset + limit).map(({ r }): SiteSummary => ({ ...siteSummaryFromRow(r), promptChars: Number(r.prompt_chars) }));
    return { rows: page, total: all.length, hasMore: offset + limit < all.length };
  }
  const rows = await query<Row>(
    `select ${SITE_SUMMARY_COLUMNS_SQL}, char_length(ai_prompt) as prompt_chars, count(*) over () as total
       from sites ${where}
      order by ${column} ${direction}, site_id asc
      limit ${limit + 1} offset ${offset}`,
    params,
    options.signal,
  );
  const page = rows.slice(0, limit).map((r): SiteSummary => ({ ...siteSummaryFromRow(r), promptChars: Number(r.prompt_chars) }));
  return { rows: page, total: rows[0] ? Number(rows[0].total) : 0, hasMore: rows.length > limit };
}

export async function getSite(query: SqlQuery, siteId: string): Promise<SiteRecord | null> {
  if (checkEncodable(siteId)) return null;
  const [row] = await query<Row>(`select ${SITE_COLUMNS_SQL} from sites where site_id = $1`, [siteId]);
  return row ? siteFromRow(row) : null;
}
