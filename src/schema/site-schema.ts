import { byName, exportOrder, type FieldSpec, type InputOf, type NameOf, type RecordOf } from './field-spec.ts';
import { SITE_SCHEMA } from './site-table.ts';

/**
 * What derives from the sites table (site-table.ts): the record and input types, the field lists in form
 * order, columns and labels. Everything else that names site fields (the mapper, validation, the CLI's
 * flags, the forms, export and import) derives from these or from the table itself.
 */

export { SITE_SCHEMA };

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
export const SITE_FIELD: Record<keyof SiteRecord, FieldSpec> = byName(SITE_SCHEMA);

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
