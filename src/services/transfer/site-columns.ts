import { recordText } from '../../lib/record-diff.ts';
import type { SiteRecord, SiteSummary } from '../types.ts';
import type { SiteField } from '../validation/site-input.ts';

/**
 * A site as scripts see it: the table's column names (snake_case, the n8n contract), in one stable order,
 * the prompt last because it is long. Export, import, `--json` and the diffs all use this shape.
 */
export const SITE_KEYS = [
  'site_id',
  'domain',
  'brand_name',
  'language',
  'ai_script_id',
  'hubspot_pipeline',
  'hubspot_stage',
  'created_at',
  'version',
  'updated_at',
  'ai_prompt',
] as const;
export type SiteKey = (typeof SITE_KEYS)[number];

/**
 * Columns the database maintains (creation time, the trigger's version and update time): an import uses
 * them only when it creates the row, so a restore from an export gives back identical rows; for an
 * existing row they are ignored (the trigger sets them on change).
 */
export const SITE_BOOKKEEPING_KEYS = ['created_at', 'version', 'updated_at'] as const;
export type SiteRow = Record<Exclude<SiteKey, 'version'>, string | null> & { version: number | null };

/** The editable columns and their field names in the services. */
export const SITE_FIELD_OF: Record<Exclude<SiteKey, (typeof SITE_BOOKKEEPING_KEYS)[number]>, SiteField> = {
  site_id: 'siteId',
  domain: 'domain',
  brand_name: 'brandName',
  language: 'language',
  ai_script_id: 'aiScriptId',
  hubspot_pipeline: 'hubspotPipeline',
  hubspot_stage: 'hubspotStage',
  ai_prompt: 'aiPrompt',
};

export const KEY_OF_SITE_FIELD = Object.fromEntries(Object.entries(SITE_FIELD_OF).map(([k, f]) => [f, k])) as Record<SiteField, SiteKey>;

/** A row as read with SITE_COLUMNS_SQL, as the services' record type. */
export function siteRowToRecord(row: SiteRow): SiteRecord {
  return {
    siteId: row.site_id!,
    domain: row.domain!,
    aiScriptId: row.ai_script_id,
    aiPrompt: row.ai_prompt ?? '',
    brandName: row.brand_name!,
    language: row.language!,
    hubspotPipeline: row.hubspot_pipeline,
    hubspotStage: row.hubspot_stage,
    createdAt: new Date(row.created_at!),
    version: Number(row.version),
    updatedAt: new Date(row.updated_at!),
  };
}

/** The columns a site row and a list row share, in the stable output order. */
function commonColumns(site: SiteSummary | SiteRecord) {
  return {
    site_id: site.siteId,
    domain: site.domain,
    brand_name: site.brandName,
    language: site.language,
    ai_script_id: site.aiScriptId,
    hubspot_pipeline: site.hubspotPipeline,
    hubspot_stage: site.hubspotStage,
    created_at: site.createdAt.toISOString(),
    version: site.version,
    updated_at: site.updatedAt.toISOString(),
  };
}

export function siteRecordToRow(site: SiteRecord): SiteRow {
  return { ...commonColumns(site), ai_prompt: site.aiPrompt };
}

/** A list row for `--json`/`--ndjson`: the columns without the prompt, plus its length. */
export function siteSummaryToJson(site: SiteSummary): Record<string, string | number | null> {
  return { ...commonColumns(site), prompt_chars: site.promptChars };
}

/** The text a site's diff is made from: one `key: value` line per column, the prompt as a block. */
export function siteText(row: Partial<SiteRow>): string {
  const keys = ['domain', 'brand_name', 'language', 'ai_script_id', 'hubspot_pipeline', 'hubspot_stage'] as const;
  return recordText(
    keys.map((k) => [k, row[k] ?? null]),
    [['ai_prompt', row.ai_prompt ?? '']],
  );
}
