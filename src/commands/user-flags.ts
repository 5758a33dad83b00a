import { recordText } from '../lib/record-diff.ts';
import { columnsOf } from '../schema/record-mapper.ts';
import { flagHelp, flagKeyOf, flagOf, flagUsage, requiredOnCreate } from '../schema/field-spec.ts';
import { USER_COLUMNS, USER_SCHEMA, type EditableUserField, type UserFields, type UserRecord } from '../schema/user-schema.ts';
import type { UserInput } from '../services/types.ts';
import type { CommandContext } from './command.ts';
import { str } from './options.ts';

/** The users command's field options, its record shapes and texts, from the schema table (src/schema/user-table.ts). */

const flagged = USER_SCHEMA.filter((f) => 'cli' in f);
const EDITABLE_FLAGS = flagged.filter((f) => f.role === 'field');
const IDENTITY_FLAGS = flagged.filter((f) => f.role === 'identity');
const EDITABLE_COLUMNS = USER_SCHEMA.filter((f) => f.role === 'field');

/** meow's keys of the editable fields' options. */
export const FIELD_OPTIONS = EDITABLE_FLAGS.map((f) => flagKeyOf(f)!);

/** Every field option for meow: each takes a string. */
export const FIELD_FLAG_OPTIONS = Object.fromEntries(flagged.map((f) => [flagKeyOf(f)!, { type: 'string' as const }]));

/** `give at least one of --email, …` for a set with nothing to set. */
export const ANY_FIELD_FLAG = EDITABLE_FLAGS.map((f) => `--${flagOf(f)}`).join(', ');

/** The usage line's options of a create: those it cannot do without, then the rest in brackets (table order). */
export const CREATE_USAGE = [...EDITABLE_FLAGS.filter(requiredOnCreate).map(flagUsage), ...EDITABLE_FLAGS.filter((f) => !requiredOnCreate(f)).map((f) => `[${flagUsage(f)}]`)].join(' ');

/** The usage line's options of a set: each editable field's, in brackets. */
export const SET_USAGE = EDITABLE_FLAGS.map((f) => `[${flagUsage(f)}]`).join(' ');

/** The "Field options" help section: the editable fields' options in table order, the user id's last. */
export const FIELD_OPTIONS_HELP = [...EDITABLE_FLAGS, ...IDENTITY_FLAGS].flatMap((f) => flagHelp(f)).join('\n');

/** The fields given as options. */
export function fieldInput(ctx: CommandContext): Partial<UserInput> {
  const input: Record<string, string> = {};
  for (const f of EDITABLE_FLAGS) {
    const v = str(ctx, flagKeyOf(f)!);
    if (v !== undefined) input[f.name] = v;
  }
  return input as Partial<UserInput>;
}

/** The export's shape (column names, table order). */
export function userToJson(user: UserRecord): Record<string, string | number | null> {
  return columnsOf(USER_SCHEMA, user);
}

/** The text a user's diff is made from: one `column: value` line per editable field. */
export function userText(user: Pick<UserFields, EditableUserField>): string {
  return recordText(EDITABLE_COLUMNS.map((f) => [f.column, String(columnsOf([f], user)[f.column] ?? '')]));
}

/** Field names as the table's columns (first_seen), as scripts know them. */
export const columnOf = (field: string): string => USER_COLUMNS[field as keyof UserRecord] ?? field;
