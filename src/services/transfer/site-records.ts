import { PROMPT_MAX_CHARS } from '../../schema/limits.ts';
import { domainForDisplay } from '../../schema/field-rules.ts';
import { validateSiteField } from '../validation/site-input.ts';
import { mixedScriptWarning } from '../validation/domain-scripts.ts';
import { asGivenWarning, refusalOf } from './as-given.ts';
import { isPlainObject, readTimesAndVersion, unknownKeys } from './records.ts';
import { EDITABLE_KEYS, NULLABLE_KEYS, NUMBER_KEYS, SITE_FIELD_OF, SITE_KEYS, type EditableKey } from './site-columns.ts';
import { SITE_FIELD } from '../../schema/site-schema.ts';

/** A site record of an import file, checked: what `sites import` reads before it looks at the database. */


/** A valid import record: the columns it names, as given (see as-given.ts). */
export interface SiteImportRow {
  where: string;
  line: number;
  siteId: string;
  values: Partial<Record<EditableKey, string | null>>;
  /** Bookkeeping columns, used only when the row is created (a restore from an export). */
  createdAt?: string;
  version?: number;
  updatedAt?: string;
}

type ParsedSite = { ok: true; row: Omit<SiteImportRow, 'where' | 'line'>; warnings: string[] } | { ok: false; error: string };

/**
 * Checks one record. A value is refused only when the database could not hold it (NUL, not Unicode, a
 * missing NOT NULL column, a prompt over the CHECK's size); anything cabinet's validation would write
 * otherwise is kept byte for byte and named in `warnings`.
 */
export function parseSiteRecord(value: unknown): ParsedSite {
  if (!isPlainObject(value)) return { ok: false, error: 'expected a JSON object with site_id, domain, brand_name, …' };
  const errors: string[] = [];
  const warnings: string[] = [];
  const unknown = unknownKeys(value, SITE_KEYS);
  if (unknown.length > 0) errors.push(`unknown field${unknown.length === 1 ? '' : 's'} ${unknown.join(', ')} (known: ${SITE_KEYS.join(', ')})`);
  const raw = value.site_id;
  let siteId = '';
  if (typeof raw !== 'string') errors.push('site_id is required (a string)');
  else {
    const refused = refusalOf('site_id', raw);
    if (refused) errors.push(refused);
    else {
      siteId = raw;
      const warning = asGivenWarning('site_id', raw, validateSiteField('siteId', raw));
      if (warning) warnings.push(warning);
    }
  }
  const values: SiteImportRow['values'] = {};
  for (const key of EDITABLE_KEYS) {
    if (!(key in value)) continue;
    let v = value[key];
    if (v === null) {
      if (NULLABLE_KEYS.has(key)) values[key] = null;
      else errors.push(`${key} cannot be null`);
      continue;
    }
    if (typeof v === 'number' && Number.isSafeInteger(v) && NUMBER_KEYS.has(key)) v = String(v);
    if (typeof v !== 'string') {
      errors.push(`${key} must be a string`);
      continue;
    }
    const refused = refusalOf(key, v) ?? (SITE_FIELD[SITE_FIELD_OF[key]].kind === 'prompt' && [...v].length > PROMPT_MAX_CHARS ? `${key} is longer than ${PROMPT_MAX_CHARS.toLocaleString('en')} characters (the database's limit)` : undefined);
    if (refused) {
      errors.push(refused);
      continue;
    }
    values[key] = v;
    const checked = validateSiteField(SITE_FIELD_OF[key], v);
    const warning = asGivenWarning(key, v, checked);
    if (warning) warnings.push(warning);
    // A look-alike domain (UTS 39 mixed scripts) is imported, as what was there, but said.
    const ascii = key === 'domain' && checked.ok ? checked.value : null;
    const mixed = ascii ? mixedScriptWarning(ascii) : undefined;
    if (ascii && mixed) warnings.push(`domain ${domainForDisplay(ascii)}: ${mixed}`);
  }
  const row: Omit<SiteImportRow, 'where' | 'line'> = { siteId, values };
  const { times, version } = readTimesAndVersion(value, ['created_at', 'updated_at'], ['created_at', 'updated_at'], errors);
  if (times.created_at !== undefined) row.createdAt = times.created_at;
  if (times.updated_at !== undefined) row.updatedAt = times.updated_at;
  if (version !== undefined) row.version = version;
  if (errors.length > 0) return { ok: false, error: errors.join('; ') };
  return { ok: true, row, warnings };
}

