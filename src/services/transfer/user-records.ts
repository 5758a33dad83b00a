import { exportOrder } from '../../schema/field-spec.ts';
import { USER_SCHEMA, type UserField, type UserSpec } from '../../schema/user-schema.ts';
import { validateUserField } from '../validation/user-input.ts';
import { asGivenWarning, refusalOf } from './as-given.ts';
import type { JsonColumnKind } from './copy-binary.ts';
import { isPlainObject, readTimesAndVersion, unknownKeys } from './records.ts';

/**
 * A user as scripts see it: the table's columns in export order (src/schema/user-table.ts). The bookkeeping
 * columns (`version`, `updated_at`) are kept by a trigger: an import uses them only when it creates the user
 * (so a restore gives back identical rows).
 */
const EXPORT_FIELDS = exportOrder(USER_SCHEMA);
export type UserKey = UserSpec['column'];
export const USER_KEYS = EXPORT_FIELDS.map((f) => f.column) as UserKey[];

const JSON_KIND: Record<UserSpec['kind'], JsonColumnKind> = { line: 'text', timestamp: 'timestamptz', integer: 'integer' };

/** How export writes each column. */
export const USER_JSON_COLUMNS = EXPORT_FIELDS.map((f) => [f.column, JSON_KIND[f.kind]] as const);

/** The columns a person gives (identity and editable), the first the row's key: what the import's message names. */
const GIVEN_FIELDS = EXPORT_FIELDS.filter((f) => f.role !== 'bookkeeping');
/** The columns an import may change on an existing user, in export order. */
export const USER_EDITABLE_KEYS = EXPORT_FIELDS.filter((f) => f.role === 'field').map((f) => f.column);
/** The id column (the row's key). */
export const USER_ID_KEY = EXPORT_FIELDS.find((f) => f.role === 'identity')!.column;
/** Editable columns a new user cannot do without (no default, not nullable). */
export const USER_REQUIRED_NEW_KEYS = EXPORT_FIELDS.filter((f) => f.role === 'field' && !('default' in f) && !('nullable' in f)).map((f) => f.column);
const TEXT_FIELDS = GIVEN_FIELDS.filter((f) => f.kind === 'line');
const TIME_KEYS = EXPORT_FIELDS.filter((f) => f.kind === 'timestamp').map((f) => f.column);
const BOOKKEEPING_TIME_KEYS = EXPORT_FIELDS.filter((f) => f.kind === 'timestamp' && f.role === 'bookkeeping').map((f) => f.column);

/** One checked record by column; null where the file leaves a column out. */
export type UserImportRow = Record<UserKey, string | number | null>;

/**
 * Checks one record. As for sites (as-given.ts): refused only what the table cannot hold; the id and the
 * address go in byte for byte, and what cabinet would have written otherwise is named in `warnings`.
 */
export function parseUserRecord(value: unknown): { ok: true; row: UserImportRow; warnings: string[] } | { ok: false; error: string } {
  if (!isPlainObject(value)) return { ok: false, error: `expected a JSON object with ${GIVEN_FIELDS.map((f) => f.column).join(', ')}` };
  const errors: string[] = [];
  const warnings: string[] = [];
  const unknown = unknownKeys(value, USER_KEYS);
  if (unknown.length > 0) errors.push(`unknown field${unknown.length === 1 ? '' : 's'} ${unknown.join(', ')} (known: ${USER_KEYS.join(', ')})`);
  const row = {} as UserImportRow;
  for (const k of USER_KEYS) row[k] = null;
  const text = (key: UserKey, field: UserField, given: string): string | null => {
    const refused = refusalOf(key, given);
    if (refused) {
      errors.push(refused);
      return null;
    }
    const warning = asGivenWarning(key, given, validateUserField(field, given));
    if (warning) warnings.push(warning);
    return given;
  };
  for (const f of TEXT_FIELDS) {
    const given = value[f.column];
    if (f.role === 'identity') {
      if (typeof given !== 'string') errors.push(`${f.column} is required (a string: ${f.hint})`);
      else row[f.column] = text(f.column, f.name, given) ?? '';
    } else if (f.column in value) {
      if (typeof given !== 'string') errors.push(`${f.column} must be a string`);
      else row[f.column] = text(f.column, f.name, given);
    }
  }
  const { times, version } = readTimesAndVersion(value, TIME_KEYS, BOOKKEEPING_TIME_KEYS, errors);
  for (const k of TIME_KEYS) row[k] = times[k] ?? null;
  row.version = version ?? null;
  if (errors.length > 0) return { ok: false, error: errors.join('; ') };
  return { ok: true, row, warnings };
}
