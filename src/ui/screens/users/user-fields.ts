import { sanitizeLine } from '../../../lib/sanitize.ts';
import type { FieldSpec } from '../../../schema/field-spec.ts';
import { USER_SCHEMA, USER_SORT_FIELDS, type UserField, type UserInput, type UserRecord, type UserSortKey } from '../../../schema/user-schema.ts';
import { validateUserField } from '../../../services/validation/user-input.ts';
import type { Column } from '../../components/table.tsx';
import type { SimpleField } from '../../components/simple-form.tsx';
import { formatDateTime } from '../../text/format.ts';

/** The console's user screens, from the users table (src/schema/user-table.ts): what its `console` rows say. */
const TABLE: readonly FieldSpec[] = USER_SCHEMA;

/** A user's value as a cell or a line: times in the console's format, text on one line. */
export function userCell(field: FieldSpec, user: UserRecord): string {
  const value = user[field.name as keyof UserRecord];
  return field.kind === 'timestamp' ? formatDateTime(value) : sanitizeLine(String(value ?? ''));
}

/** The users list's columns: every field with a console column, left to right by priority. */
export const userColumns: Column<UserRecord>[] = TABLE.filter((f) => f.console?.column)
  .sort((a, b) => b.console!.column!.priority - a.console!.column!.priority)
  .map((f) => ({ id: f.name, header: f.label.toUpperCase(), ...f.console!.column!, cell: (u: UserRecord) => userCell(f, u) }));

/** What the users list sorts by (the table's `sort` rows): the keys `s` cycles, the first order, each key's natural direction. */
export const userSort = {
  keys: USER_SORT_FIELDS.map((f) => f.name) as readonly UserSortKey[],
  initial: USER_SORT_FIELDS[0]!.name as UserSortKey,
  descendingFor: (key: UserSortKey): boolean => USER_SORT_FIELDS.find((f) => f.name === key)?.sort.descending ?? false,
};

/** The new-user form's fields, in table order; a time defaulting to now starts at now. */
export function newUserFields(now: Date): SimpleField[] {
  return TABLE.filter((f) => f.console?.create).map((f) => ({
    key: f.name,
    label: f.label,
    initial: f.default === 'now' ? now.toISOString() : '',
    ...(f.hint ? { hint: f.hint } : {}),
    validate: (value: string) => {
      const r = validateUserField(f.name as UserField, value);
      return r.ok ? undefined : r.error;
    },
  }));
}

/** A new user from the form's values (the fields newUserFields gives). */
export function newUserInput(values: Record<string, string>): UserInput {
  return Object.fromEntries(TABLE.filter((f) => f.console?.create).map((f) => [f.name, values[f.name]!])) as unknown as UserInput;
}
