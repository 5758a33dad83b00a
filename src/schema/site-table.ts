import * as rules from './field-rules.ts';
import type { FieldSpec } from './field-spec.ts';

/**
 * `sites`, one row per field, in form order (the order the edit form, the detail view, history diffs and
 * the CLI show them; export puts the prompt last, the wizard asks the domain before the site id). A new
 * column of `sites` is one row here, plus its migration, its property in db/entities/site.ts and, if the
 * demo should show it, services/seed/demo-sites.ts; test/schema/site-schema.test.ts walks every place a
 * field must appear and fails when one misses it; test/schema/site-schema-extended.test.ts adds a column here
 * and sees it arrive everywhere.
 */
export const SITE_SCHEMA = [
  {
    name: 'siteId',
    column: 'site_id',
    kind: 'line',
    role: 'identity',
    label: 'site id',
    hint: 'lower-case letters, digits, hyphens',
    rule: rules.siteId,
    suggestedFrom: 'domain',
    ask: 'Site id',
    cli: { arg: 'ID', help: ['the site id, instead of the positional SITE_ID', '(create: suggested from the domain when left out: acme.de -> acme-de)'] },
    list: { header: 'SITE ID' },
  },
  {
    name: 'domain',
    column: 'domain',
    kind: 'line',
    role: 'field',
    label: 'domain',
    hint: 'host name, Unicode allowed (münchen.de)',
    rule: rules.domain,
    ask: 'Domain',
    cli: {
      arg: 'DOMAIN',
      help: ['host name; Unicode allowed, stored as punycode (münchen.de); checked by', 'UTS 46 (xn--zz.com is refused) and for labels mixing scripts (UTS 39)'],
    },
    list: { header: 'DOMAIN', truncate: true },
  },
  {
    name: 'brandName',
    column: 'brand_name',
    kind: 'line',
    role: 'field',
    label: 'brand name',
    hint: 'required',
    rule: rules.brandName,
    ask: 'Brand name',
    cli: { arg: 'NAME', help: ['the name the assistant uses for the brand'] },
    list: { header: 'BRAND', truncate: true },
  },
  {
    name: 'language',
    column: 'language',
    kind: 'line',
    role: 'field',
    label: 'language',
    hint: 'BCP 47: en, de, pt-BR',
    default: 'en',
    rule: rules.language,
    ask: 'Language (BCP 47: en, de, ru, pt-BR)',
    cli: { arg: 'TAG', help: ['BCP 47 tag: en, de, ru, pt-BR (default en)'] },
    list: { header: 'LANG' },
  },
  {
    name: 'aiScriptId',
    column: 'ai_script_id',
    kind: 'line',
    role: 'field',
    label: 'AI script id',
    hint: 'optional',
    nullable: true,
    rule: rules.aiScriptId,
    ask: 'AI script id',
    cli: { arg: 'ID', help: ['"" clears it'] },
    list: { header: 'SCRIPT', truncate: true, drop: 5 },
  },
  {
    name: 'hubspotPipeline',
    column: 'hubspot_pipeline',
    kind: 'line',
    role: 'field',
    label: 'HubSpot pipeline',
    hint: 'optional: id or internal name',
    nullable: true,
    rule: rules.hubspotId,
    ask: 'HubSpot pipeline id',
    cli: { arg: 'ID', help: ['HubSpot pipeline id; "" clears it'] },
    list: { header: 'PIPELINE', truncate: true, drop: 4 },
    importNumbers: true,
  },
  {
    name: 'hubspotStage',
    column: 'hubspot_stage',
    kind: 'line',
    role: 'field',
    label: 'HubSpot stage',
    hint: 'optional: id or internal name',
    nullable: true,
    rule: rules.hubspotId,
    ask: 'HubSpot stage id',
    cli: { arg: 'ID', help: ['HubSpot deal stage id; "" clears it'] },
    list: { header: 'STAGE', truncate: true, drop: 3 },
    importNumbers: true,
  },
  {
    name: 'aiPrompt',
    column: 'ai_prompt',
    kind: 'prompt',
    role: 'field',
    label: 'prompt',
    hint: '',
    default: '',
    rule: rules.aiPrompt,
    cli: { flag: 'ai-prompt-file', arg: 'FILE', file: true, help: ['the prompt, read as UTF-8 bytes; - reads stdin'] },
    list: { header: 'PROMPT', align: 'right', drop: 1 },
  },
  { name: 'createdAt', column: 'created_at', kind: 'timestamp', role: 'bookkeeping', label: 'created', list: { header: 'CREATED', drop: 2 } },
  /** Row version, bumped by a database trigger on every change (from cabinet or not); pass it back as `expectedVersion`. */
  { name: 'version', column: 'version', kind: 'integer', role: 'bookkeeping', label: 'version' },
  /** When the row last changed (set by the same trigger). */
  { name: 'updatedAt', column: 'updated_at', kind: 'timestamp', role: 'bookkeeping', label: 'updated' },
] as const satisfies readonly FieldSpec[];
