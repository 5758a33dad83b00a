import { byName, type FieldSpec, type InputOf, type NameOf, type RecordOf } from './field-spec.ts';
import { USER_SCHEMA } from './user-table.ts';

/** What derives from the users table (user-table.ts): the record and input types, field lists, columns and labels. */

export { USER_SCHEMA };

export type UserSpec = (typeof USER_SCHEMA)[number];

/** A user as the services hand it out. */
export type UserRecord = RecordOf<typeof USER_SCHEMA>;
/** What a person gives for a new user (times as ISO text or Dates). */
export type UserInput = InputOf<typeof USER_SCHEMA>;
/** The fields a person gives a user; the database sets version and updated_at. */
export type UserFields = Omit<UserRecord, NameOf<typeof USER_SCHEMA, 'bookkeeping'>>;
export type UserField = keyof UserFields;
export type EditableUserField = NameOf<typeof USER_SCHEMA, 'field'>;

export const USER_FIELD: Record<keyof UserRecord, FieldSpec> = byName(USER_SCHEMA);

/** Identity and editable fields, in table order: what validation checks. */
export const USER_INPUT_FIELDS = USER_SCHEMA.filter((f) => f.role !== 'bookkeeping').map((f) => f.name) as UserField[];

/** The fields a person may change, in table order; what history and the conflict rule compare. */
export const EDITABLE_USER_FIELDS = USER_SCHEMA.filter((f) => f.role === 'field').map((f) => f.name) as EditableUserField[];

/** The table's column names (`user_id`, `email`, …). */
export type UserColumn = UserSpec['column'];

/**
 * A user row as user_revisions keeps it: keyed by column name (every column of the table), times as export
 * writes them (UTC, microseconds), so old → new shows exactly what the table held.
 */
export type UserSnapshot = Record<UserColumn, string | number | null>;

/** Column names by field. */
export const USER_COLUMNS = Object.fromEntries(USER_SCHEMA.map((f) => [f.name, f.column])) as Record<keyof UserRecord, UserColumn>;

/** Labels by field. */
export const USER_FIELD_LABELS = Object.fromEntries(USER_SCHEMA.map((f) => [f.name, f.label])) as Record<keyof UserRecord, string>;

/** The fields whose values name a user in one line (the table's `names` rows: the email), in table order. */
export const USER_NAMING_FIELDS = (USER_SCHEMA as readonly FieldSpec[]).filter((f) => f.names) as UserSpec[];

type Sortable = Extract<UserSpec, { sort: object }>;
/** What the users list may be ordered by: the fields with a `sort` in the table. */
export type UserSortKey = Sortable['name'];

/** The sortable fields in the order `s` cycles them; the first is the list's first order. */
export const USER_SORT_FIELDS: readonly (FieldSpec & { name: UserSortKey; sort: NonNullable<FieldSpec['sort']> })[] = (USER_SCHEMA.filter((f) => 'sort' in f) as Sortable[]).sort(
  (a, b) => a.sort.rank - b.sort.rank,
);
