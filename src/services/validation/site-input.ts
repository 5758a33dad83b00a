import { CabinetError } from '../../lib/errors.ts';
import type { SiteRecord } from '../types.ts';
import * as f from '../../schema/field-rules.ts';

/** What a person types for a site: every field as text (the form, flags, an import line). */
export interface SiteInput {
  siteId: string;
  domain: string;
  aiScriptId?: string | null;
  aiPrompt?: string;
  brandName: string;
  language?: string;
  hubspotPipeline?: string | null;
  hubspotStage?: string | null;
}

/** The fields a person gives a site; the database sets created_at, version and updated_at. */
export type SiteFields = Omit<SiteRecord, 'createdAt' | 'version' | 'updatedAt'>;
export type SiteField = keyof SiteFields;

export const SITE_FIELD_LABELS: Record<SiteField, string> = {
  siteId: 'site id',
  domain: 'domain',
  aiScriptId: 'AI script id',
  aiPrompt: 'prompt',
  brandName: 'brand name',
  language: 'language',
  hubspotPipeline: 'HubSpot pipeline',
  hubspotStage: 'HubSpot stage',
};

/** Validates one field; the console calls this on every keystroke. */
export function validateSiteField(field: SiteField, raw: string | null | undefined): f.FieldResult<string | null> {
  const value = raw ?? '';
  // Every field says plainly when it holds what no text column can (the prompt checks its size first).
  const bad = field === 'aiPrompt' ? undefined : f.checkEncodable(value);
  if (bad) return { ok: false, error: `${SITE_FIELD_LABELS[field]} ${bad}` };
  switch (field) {
    case 'siteId':
      return f.siteId(value);
    case 'domain':
      return f.domain(value);
    case 'aiScriptId':
      return f.aiScriptId(value);
    case 'aiPrompt':
      return f.aiPrompt(value);
    case 'brandName':
      return f.brandName(value);
    case 'language':
      return value.trim() === '' ? { ok: true, value: 'en' } : f.language(value);
    case 'hubspotPipeline':
      return f.hubspotId(value, 'HubSpot pipeline');
    case 'hubspotStage':
      return f.hubspotId(value, 'HubSpot stage');
  }
}

function throwIfErrors(errors: Record<string, string>): void {
  const entries = Object.entries(errors);
  if (entries.length === 0) return;
  const [, first] = entries[0]!;
  const more = entries.length > 1 ? ` (and ${entries.length - 1} more)` : '';
  throw new CabinetError(`invalid site: ${first}${more}`, { code: 'validation', fields: errors });
}

/** Validates and normalises a whole site; throws one CabinetError (code `validation`) listing every bad field. */
export function validateSite(input: SiteInput): SiteFields {
  const errors: Record<string, string> = {};
  const out: Partial<SiteFields> = {};
  const fields: SiteField[] = ['siteId', 'domain', 'aiScriptId', 'aiPrompt', 'brandName', 'language', 'hubspotPipeline', 'hubspotStage'];
  for (const field of fields) {
    const raw = input[field];
    const result = validateSiteField(field, field === 'aiPrompt' ? (raw ?? '') : raw);
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
    if (field === 'siteId') {
      errors.siteId = 'the site id cannot be changed (create a new site instead)';
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
