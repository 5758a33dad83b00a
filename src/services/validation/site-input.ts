import { CabinetError } from '../../lib/errors.ts';
import * as f from '../../schema/field-rules.ts';
import { SITE_FIELD, SITE_INPUT_FIELDS, type SiteField, type SiteFields, type SiteInput } from '../../schema/site-schema.ts';

/** Validates one field by its schema row (src/schema/site-schema.ts); the console calls this on every keystroke. */
export function validateSiteField(field: SiteField, raw: string | null | undefined): f.FieldResult<string | null> {
  const spec = SITE_FIELD[field];
  const value = raw ?? '';
  // Every field says plainly when it holds what no text column can (the prompt checks its size first).
  const bad = spec.kind === 'prompt' ? undefined : f.checkEncodable(value);
  if (bad) return { ok: false, error: `${spec.label} ${bad}` };
  // A one-line field with a default (language) takes it when left blank.
  if (spec.kind === 'line' && spec.default !== undefined && value.trim() === '') return { ok: true, value: spec.default };
  // Every field a person gives has a rule (test/schema/site-schema.test.ts checks the table).
  return spec.rule ? (spec.rule(value, spec.label) as f.FieldResult<string | null>) : { ok: true, value };
}

function throwIfErrors(errors: Record<string, string>): void {
  const entries = Object.entries(errors);
  if (entries.length === 0) return;
  const [, first] = entries[0]!;
  const more = entries.length > 1 ? ` (and ${entries.length - 1} more)` : '';
  throw new CabinetError(`invalid site: ${first}${more}`, { code: 'validation', fields: errors });
}

/** Validates and normalises a whole site, field by field in form order; throws one CabinetError (code `validation`) listing every bad field. */
export function validateSite(input: SiteInput): SiteFields {
  const errors: Record<string, string> = {};
  const out: Partial<SiteFields> = {};
  for (const field of SITE_INPUT_FIELDS) {
    const result = validateSiteField(field, (input as Partial<Record<SiteField, string | null>>)[field]);
    if (result.ok) (out as Record<string, unknown>)[field] = result.value;
    else errors[field] = result.error;
  }
  throwIfErrors(errors);
  return out as SiteFields;
}

/** Validates only the fields present in a patch (for `set` and edits); the site id cannot change. */
export function validateSitePatch(patch: Partial<SiteInput>): Partial<SiteFields> {
  const errors: Record<string, string> = {};
  const out: Partial<SiteFields> = {};
  for (const [field, raw] of Object.entries(patch) as [SiteField, string | null | undefined][]) {
    if (raw === undefined) continue;
    if (SITE_FIELD[field]?.role === 'identity') {
      errors[field] = 'the site id cannot be changed (create a new site instead)';
      continue;
    }
    const result = validateSiteField(field, raw);
    if (result.ok) (out as Record<string, unknown>)[field] = result.value;
    else errors[field] = result.error;
  }
  throwIfErrors(errors);
  return out;
}

/** Suggests a site id from a domain: `www.acme.de` → `acme-de`. */
export function suggestSiteId(domainText: string): string {
  const d = f.domain(domainText);
  const base = (d.ok ? d.value : domainText.toLowerCase()).replace(/^www\./, '');
  return base
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 64)
    .replace(/-+$/, '');
}
