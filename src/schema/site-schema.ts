import * as rules from './field-rules.ts';
import { byName, exportOrder, type FieldSpec, type InputOf, type NameOf, type RecordOf } from './field-spec.ts';

/**
 * `sites`, one row per field, in form order (the order the edit form, the detail view, history diffs and
 * the CLI show them; export puts the prompt last, the wizard asks the domain before the site id). A new
 * column of `sites` is one row here, plus its migration, its property in db/entities/site.ts and, if the
 * demo should show it, services/seed/demo-sites.ts; test/schema/site-schema.test.ts walks every place a
 * field must appear and fails when one misses it.
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

export type SiteSpec = (typeof SITE_SCHEMA)[number];

/** A site as the services hand it out (what the console and the commands see: plain values, no ORM types). */
export type SiteRecord = RecordOf<typeof SITE_SCHEMA>;
/** What a person gives for a new site: every field as text (the form, flags, an import line). */
export type SiteInput = InputOf<typeof SITE_SCHEMA>;
/** The fields a person gives a site; the database sets the bookkeeping ones. */
export type SiteFields = Omit<SiteRecord, NameOf<typeof SITE_SCHEMA, 'bookkeeping'>>;
export type SiteField = keyof SiteFields;
/** The fields an edit can change (all but the site id, which is the row's identity). */
export type EditableSiteField = NameOf<typeof SITE_SCHEMA, 'field'>;

/** The table's rows by name; `SITE_FIELD[f].rule` validates a field a person gives. */
export const SITE_FIELD = byName(SITE_SCHEMA) as unknown as { [F in SiteSpec as F['name']]: F };
/** A row of a field a person gives (identity or editable): each has a rule. */
export type SiteInputSpec = Exclude<SiteSpec, { role: 'bookkeeping' }>;

/** Identity and editable fields, in form order: what validation checks. */
export const SITE_INPUT_FIELDS = SITE_SCHEMA.filter((f) => f.role !== 'bookkeeping').map((f) => f.name) as SiteField[];

/** The fields a person edits, in form order (the prompt last); what history, diff, restore and the conflict rule compare. */
export const EDITABLE_SITE_FIELDS = SITE_SCHEMA.filter((f) => f.role === 'field').map((f) => f.name) as EditableSiteField[];

/** The one-line fields of the form, in form order (the site id first); the prompt has its own editor. */
export const SITE_LINE_FIELDS = SITE_SCHEMA.filter((f) => f.role !== 'bookkeeping' && f.kind === 'line').map((f) => f.name) as Exclude<SiteField, 'aiPrompt'>[];

/** Column names by field. */
export const SITE_COLUMNS = Object.fromEntries(SITE_SCHEMA.map((f) => [f.name, f.column])) as Record<keyof SiteRecord, string>;

/** Labels by field (forms, detail, history, error messages). */
export const SITE_FIELD_LABELS = Object.fromEntries(SITE_SCHEMA.map((f) => [f.name, f.label])) as Record<keyof SiteRecord, string>;

/** Columns as scripts see them (export, import, `--json`): the table's order, the prompt last because it is long. */
export const SITE_KEYS = exportOrder(SITE_SCHEMA).map((f) => f.column) as SiteKey[];
export type SiteKey = SiteSpec['column'];
