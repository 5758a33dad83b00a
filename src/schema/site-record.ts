import { columnsOf, recordFrom, recordFromRow } from './record-mapper.ts';
import { SITE_SCHEMA, type SiteRecord } from './site-schema.ts';

/** The fields of a list row: all but the prompt (the list shows its size instead). */
export const SITE_SUMMARY_FIELDS = SITE_SCHEMA.filter((f) => f.kind !== 'prompt');

/** The columns a list row selects, for SQL. */
export const SITE_SUMMARY_COLUMNS_SQL = SITE_SUMMARY_FIELDS.map((f) => f.column).join(', ');

/** Every column, for SQL. */
export const SITE_COLUMNS_SQL = SITE_SCHEMA.map((f) => f.column).join(', ');

/** A site from a row keyed by column name (SQL, a revision's snapshot, an export row). */
export function siteFromRow(row: Record<string, unknown>): SiteRecord {
  return recordFromRow<SiteRecord>(SITE_SCHEMA, row);
}

/** A list row from SQL: every column but the prompt. */
export function siteSummaryFromRow(row: Record<string, unknown>): Omit<SiteRecord, 'aiPrompt'> {
  return recordFromRow<Omit<SiteRecord, 'aiPrompt'>>(SITE_SUMMARY_FIELDS, row);
}

/** A site from an object keyed by field name (the ORM entity). */
export function siteFromFields(fields: object): SiteRecord {
  return recordFrom<SiteRecord>(SITE_SCHEMA, (f) => (fields as Record<string, unknown>)[f.name]);
}

/** A site keyed by column name, in the table's order; a time JavaScript cannot hold recorded as null (site_revisions' snapshots). */
export function siteSnapshotOf(site: SiteRecord): Record<string, string | number | null> {
  return columnsOf(SITE_SCHEMA, site, { invalidTimes: 'null' });
}

/** A site with nothing given yet: each field's default, NULL where nullable, '' otherwise; times at the epoch, version 0. */
export function blankSite(siteId = ''): SiteRecord {
  return { ...recordFrom<SiteRecord>(SITE_SCHEMA, (f) => ('default' in f ? f.default : null)), siteId };
}
