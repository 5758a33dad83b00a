import { recordText } from '../../lib/record-diff.ts';
import { columnsOf } from '../../schema/record-mapper.ts';
import { SITE_SUMMARY_FIELDS, siteFromRow } from '../../schema/site-record.ts';
import { exportOrder } from '../../schema/field-spec.ts';
import { SITE_COLUMNS, SITE_KEYS, SITE_SCHEMA, type SiteField, type SiteKey, type SiteRecord, type SiteSpec } from '../../schema/site-schema.ts';
import type { SiteSummary } from '../types.ts';

/**
 * A site as scripts see it: the table's column names (snake_case, the n8n contract), in one stable order,
 * the prompt last because it is long. Export, import, `--json` and the diffs all use this shape; every
 * list here derives from the schema table (src/schema/site-schema.ts).
 */
export { SITE_KEYS, type SiteKey };

type ColumnOf<Role extends SiteSpec['role']> = Extract<SiteSpec, { role: Role }>['column'];
const EXPORT_FIELDS = exportOrder(SITE_SCHEMA);

/**
 * Columns the database maintains (creation time, the trigger's version and update time): an import uses
 * them only when it creates the row, so a restore from an export gives back identical rows; for an
 * existing row they are ignored (the trigger sets them on change).
 */
export const SITE_BOOKKEEPING_KEYS = EXPORT_FIELDS.filter((f) => f.role === 'bookkeeping').map((f) => f.column) as ColumnOf<'bookkeeping'>[];
export type SiteRow = Record<Exclude<SiteKey, 'version'>, string | null> & { version: number | null };

/** The columns an import may write to an existing row, in export order (the site id names the row). */
export type EditableKey = ColumnOf<'field'>;
export const EDITABLE_KEYS = EXPORT_FIELDS.filter((f) => f.role === 'field').map((f) => f.column) as EditableKey[];

/** The editable columns and their field names in the services. */
export const SITE_FIELD_OF = Object.fromEntries(SITE_SCHEMA.filter((f) => f.role !== 'bookkeeping').map((f) => [f.column, f.name])) as Record<
  Exclude<SiteKey, ColumnOf<'bookkeeping'>>,
  SiteField
>;

export const KEY_OF_SITE_FIELD = SITE_COLUMNS as Record<SiteField, SiteKey>;

/** Columns that hold NULL when empty. */
export const NULLABLE_KEYS = new Set<SiteKey>(SITE_SCHEMA.filter((f) => 'nullable' in f && f.nullable).map((f) => f.column));

/** Columns an import may give as a JSON integer (HubSpot ids), taken as their decimal text. */
export const NUMBER_KEYS = new Set<SiteKey>(SITE_SCHEMA.filter((f) => 'importNumbers' in f && f.importNumbers).map((f) => f.column));

/** What a new site stores in an editable column left out: its default, else NULL. */
export const NEW_SITE_DEFAULTS = Object.fromEntries(
  SITE_SCHEMA.filter((f) => f.role === 'field' && ('default' in f || ('nullable' in f && f.nullable))).map((f) => [f.column, 'default' in f ? f.default : null]),
) as Partial<Record<EditableKey, string | null>>;

/** The editable columns a new site cannot do without (no default, not nullable). */
export const REQUIRED_NEW_KEYS = EDITABLE_KEYS.filter((k) => !(k in NEW_SITE_DEFAULTS));

/** A row as read with the export's columns, as the services' record type. */
export function siteRowToRecord(row: SiteRow): SiteRecord {
  return siteFromRow(row);
}

export function siteRecordToRow(site: SiteRecord): SiteRow {
  return columnsOf(EXPORT_FIELDS, site) as SiteRow;
}

/** A list row for `--json`/`--ndjson`: the columns without the prompt, plus its length. */
export function siteSummaryToJson(site: SiteSummary): Record<string, string | number | null> {
  return { ...columnsOf(exportOrder(SITE_SUMMARY_FIELDS), site), prompt_chars: site.promptChars };
}

const TEXT_KEYS = EXPORT_FIELDS.filter((f) => f.role === 'field' && f.kind === 'line').map((f) => f.column) as EditableKey[];
const BLOCK_KEYS = EXPORT_FIELDS.filter((f) => f.role === 'field' && f.kind === 'prompt').map((f) => f.column) as EditableKey[];

/** The text a site's diff is made from: one `key: value` line per editable column, the prompt as a block. */
export function siteText(row: Partial<SiteRow>): string {
  return recordText(
    TEXT_KEYS.map((k) => [k, row[k] ?? null]),
    BLOCK_KEYS.map((k) => [k, row[k] ?? '']),
  );
}
