import type { SiteInput, SiteRecord } from '../../../services/types.ts';
import { shownDomain } from '../../text/domain.ts';
import { validateSiteField } from '../../../services/validation/site-input.ts';
import { EDITABLE_SITE_FIELDS, SITE_FIELD_LABELS, SITE_INPUT_FIELDS, SITE_LINE_FIELDS, SITE_SCHEMA, type SiteField } from '../../../schema/site-schema.ts';

/** The one-line fields of the site form, in form order (from the schema table); the prompt comes last, in its own editor. */
export { SITE_LINE_FIELDS };
export type SiteLineField = (typeof SITE_LINE_FIELDS)[number];

export const SITE_FIELD_HINTS = Object.fromEntries(SITE_SCHEMA.filter((f) => f.role !== 'bookkeeping').map((f) => [f.name, f.hint])) as Record<SiteField, string>;

/** A site's values as the form shows them: text (an empty optional field as ''), the domain in its Unicode form. */
export function formValuesOf(site: SiteRecord): Record<SiteField, string> {
  const values = Object.fromEntries(SITE_INPUT_FIELDS.map((f) => [f, site[f] ?? ''])) as Record<SiteField, string>;
  return { ...values, domain: shownDomain(site.domain) };
}

export interface FieldCheck {
  ok: boolean;
  /** The value as it would be stored (domain in A-labels, language canonical, '' → null). */
  value: string | null;
  error?: string;
  /** Left as stored, though today's rules would refuse it (written outside cabinet): shown, not blocking. */
  warning?: string;
}

const storedValue = (site: SiteRecord, field: SiteField): string | null => site[field] as string | null;

/**
 * Whether the person left `field` as the row has it: the text the form showed, or text that stores the
 * same (the prompt editor shows a CRLF prompt with plain line ends). Such a field is not part of the edit:
 * it is neither validated against today's rules nor rewritten.
 */
export function leftAsStored(base: SiteRecord, field: SiteField, typed: string, shownValues: Record<SiteField, string> = formValuesOf(base)): boolean {
  const shown = shownValues[field];
  if (typed === shown) return true;
  const a = validateSiteField(field, typed);
  const b = validateSiteField(field, shown);
  return a.ok && b.ok && a.value === b.value;
}

/** What a typed field would store: the base's own value when left as stored, else the validated value (the typed text when invalid). */
export function storedOrTyped(base: SiteRecord, field: SiteField, typed: string): string | null {
  if (leftAsStored(base, field, typed)) return storedValue(base, field);
  const r = validateSiteField(field, typed);
  return r.ok ? r.value : typed;
}

/**
 * Validates each field with the services' own validators (the services check again before writing). With
 * `base`, a field left as stored is kept as it is: valid, with a warning when today's rules would refuse it.
 */
export function checkFields(values: Record<SiteField, string>, base?: SiteRecord): Record<SiteField, FieldCheck> {
  const out = {} as Record<SiteField, FieldCheck>;
  const shown = base ? formValuesOf(base) : null;
  for (const field of Object.keys(values) as SiteField[]) {
    const r = validateSiteField(field, values[field]);
    if (base && shown && field !== 'siteId' && leftAsStored(base, field, values[field], shown)) {
      out[field] = { ok: true, value: storedValue(base, field), ...(r.ok ? {} : { warning: `as stored; today's rules say: ${r.error}` }) };
      continue;
    }
    out[field] = r.ok ? { ok: true, value: r.value } : { ok: false, value: null, error: r.error };
  }
  return out;
}

export interface FieldChange {
  field: SiteField;
  label: string;
  before: string | null;
  after: string | null;
}

/** Fields whose stored value would change, in form order. */
export function siteChanges(original: SiteRecord, checks: Record<SiteField, FieldCheck>): FieldChange[] {
  return EDITABLE_SITE_FIELDS
    .filter((f) => checks[f].ok && checks[f].value !== storedValue(original, f))
    .map((f) => ({ field: f, label: SITE_FIELD_LABELS[f], before: storedValue(original, f), after: checks[f].value }));
}

/** The patch for SiteService.update: only what changed, as stored values. */
export function patchOf(changes: FieldChange[]): Partial<SiteInput> {
  return Object.fromEntries(changes.map((c) => [c.field, c.after])) as Partial<SiteInput>;
}
