import type { SiteRecord } from './types.ts';

/** Column names of the `sites` fields: light constants (no ORM import), shared by history and the commands. */
export const SITE_COLUMNS: Record<keyof SiteRecord, string> = {
  siteId: 'site_id',
  domain: 'domain',
  aiScriptId: 'ai_script_id',
  aiPrompt: 'ai_prompt',
  brandName: 'brand_name',
  language: 'language',
  hubspotPipeline: 'hubspot_pipeline',
  hubspotStage: 'hubspot_stage',
  createdAt: 'created_at',
  version: 'version',
  updatedAt: 'updated_at',
};

/** The fields a person edits, in form order; what history, diff and restore compare. */
export const EDITABLE_SITE_FIELDS = ['domain', 'aiScriptId', 'aiPrompt', 'brandName', 'language', 'hubspotPipeline', 'hubspotStage'] as const;
export type EditableSiteField = (typeof EDITABLE_SITE_FIELDS)[number];
