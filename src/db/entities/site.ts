import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { PROMPT_MAX_CHARS } from '../../schema/limits.ts';
import { bumpVersionTrigger } from './row-version.ts';
import { liveNotifyTrigger } from './live-notify.ts';
import type { SiteRecord } from '../../schema/site-schema.ts';

/**
 * `sites`: one customer-facing site. Column names are a contract with n8n (spec §6), which runs
 * `SELECT ai_prompt, language, brand_name FROM sites WHERE site_id = $1` at the start of every workflow.
 *
 * Choices beyond the spec, and why:
 * - every column is `text` (PostgreSQL stores it like varchar; limits live in validation and CHECKs);
 * - `domain` is required and unique: a site is reached through its domain, and two sites answering for
 *   one domain would make n8n's lookup ambiguous. Stored lower-case ASCII (punycode A-labels);
 * - `ai_prompt`, `brand_name` and `language` are NOT NULL so n8n never reads a NULL prompt or language
 *   (an empty prompt is stored as ''); `language` defaults to 'en';
 * - `ai_script_id` and the HubSpot ids are optional: a site may not use a script or HubSpot yet;
 * - `created_at` is set by the database (`now()`), so rows inserted by psql or n8n get it too;
 * - `version` and `updated_at` are kept by a BEFORE UPDATE trigger (row-version.ts), so writes made outside
 *   cabinet (psql, n8n, a future admin panel) bump them too; `version` is MikroORM's version property, so a
 *   flush of a row someone changed since it was read fails with OptimisticLockError;
 * - a CHECK keeps `ai_prompt` within PROMPT_MAX_CHARS whoever writes it (changing the constant makes
 *   `cabinet migrate check` ask for a migration).
 */
export const SiteSchema = defineEntity({
  name: 'Site',
  tableName: 'sites',
  properties: {
    siteId: p.string().primary().fieldName('site_id').columnType('text'),
    domain: p.string().fieldName('domain').columnType('text').unique('sites_domain_key'),
    aiScriptId: p.string().fieldName('ai_script_id').columnType('text').nullable(),
    aiPrompt: p.text().fieldName('ai_prompt').default(''),
    brandName: p.string().fieldName('brand_name').columnType('text'),
    language: p.string().fieldName('language').columnType('text').default('en'),
    hubspotPipeline: p.string().fieldName('hubspot_pipeline').columnType('text').nullable(),
    hubspotStage: p.string().fieldName('hubspot_stage').columnType('text').nullable(),
    createdAt: p.datetime().fieldName('created_at').columnType('timestamptz').defaultRaw('now()'),
    version: p.integer().fieldName('version').version().default(1),
    updatedAt: p.datetime().fieldName('updated_at').columnType('timestamptz').defaultRaw('now()'),
  },
  checks: [{ name: 'sites_ai_prompt_max_chars', expression: `char_length(ai_prompt) <= ${PROMPT_MAX_CHARS}` }],
  triggers: [bumpVersionTrigger, liveNotifyTrigger('sites', 'site_id')],
});

export type Site = InferEntity<typeof SiteSchema>;

// The entity and the schema table (src/schema/site-schema.ts) name the same fields: a column added to one
// and not the other fails to compile here.
const fieldsAgree: [Exclude<keyof Site, symbol>, keyof SiteRecord] extends [keyof SiteRecord, Exclude<keyof Site, symbol>] ? true : never = true;
void fieldsAgree;
