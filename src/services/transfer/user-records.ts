import { validateUserField } from '../validation/user-input.ts';
import { asGivenWarning, refusalOf } from './as-given.ts';
import type { JsonColumnKind } from './copy-json.ts';
import { isPlainObject, readTimesAndVersion, unknownKeys } from './records.ts';

/**
 * A user as scripts see it: the table's columns in table order. `version` and `updated_at` are kept by a
 * trigger: an import uses them only when it creates the user (so a restore gives back identical rows).
 */
export const USER_KEYS = ['user_id', 'email', 'first_seen', 'last_seen', 'version', 'updated_at'] as const;

/** How export writes each column. */
export const USER_JSON_COLUMNS = [
  ['user_id', 'text'],
  ['email', 'text'],
  ['first_seen', 'timestamptz'],
  ['last_seen', 'timestamptz'],
  ['version', 'integer'],
  ['updated_at', 'timestamptz'],
] as const satisfies readonly (readonly [(typeof USER_KEYS)[number], JsonColumnKind])[];

export interface UserImportRow {
  userId: string;
  email: string | null;
  firstSeen: string | null;
  lastSeen: string | null;
  version: number | null;
  updatedAt: string | null;
}

/**
 * Checks one record. As for sites (as-given.ts): refused only what the table cannot hold; the id and the
 * address go in byte for byte, and what cabinet would have written otherwise is named in `warnings`.
 */
export function parseUserRecord(value: unknown): { ok: true; row: UserImportRow; warnings: string[] } | { ok: false; error: string } {
  if (!isPlainObject(value)) return { ok: false, error: 'expected a JSON object with user_id, email, first_seen, last_seen' };
  const errors: string[] = [];
  const warnings: string[] = [];
  const unknown = unknownKeys(value, USER_KEYS);
  if (unknown.length > 0) errors.push(`unknown field${unknown.length === 1 ? '' : 's'} ${unknown.join(', ')} (known: ${USER_KEYS.join(', ')})`);
  const row: UserImportRow = { userId: '', email: null, firstSeen: null, lastSeen: null, version: null, updatedAt: null };
  const text = (key: 'user_id' | 'email', field: 'userId' | 'email', given: unknown): string | null => {
    const refused = typeof given === 'string' ? refusalOf(key, given) : undefined;
    if (refused) errors.push(refused);
    if (typeof given !== 'string' || refused) return null;
    const warning = asGivenWarning(key, given, validateUserField(field, given));
    if (warning) warnings.push(warning);
    return given;
  };
  if (typeof value.user_id !== 'string') errors.push('user_id is required (a string: the Zitadel sub)');
  else row.userId = text('user_id', 'userId', value.user_id) ?? '';
  if ('email' in value) {
    if (typeof value.email !== 'string') errors.push('email must be a string');
    else row.email = text('email', 'email', value.email);
  }
  const { times, version } = readTimesAndVersion(value, ['first_seen', 'last_seen', 'updated_at'], ['updated_at'], errors);
  row.firstSeen = times.first_seen ?? null;
  row.lastSeen = times.last_seen ?? null;
  row.updatedAt = times.updated_at ?? null;
  row.version = version ?? null;
  if (errors.length > 0) return { ok: false, error: errors.join('; ') };
  return { ok: true, row, warnings };
}

