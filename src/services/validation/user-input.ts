import { CabinetError } from '../../lib/errors.ts';
import * as f from '../../schema/field-rules.ts';
import { USER_FIELD, type UserField, type UserFields, type UserInput } from '../../schema/user-schema.ts';

/** Validates one field by its schema row (src/schema/user-table.ts). */
export function validateUserField(field: UserField, raw: string | Date | undefined): f.FieldResult<string | Date> {
  const spec = USER_FIELD[field];
  // Every field says plainly when it holds what no text column can.
  const bad = typeof raw === 'string' ? f.checkEncodable(raw) : undefined;
  if (bad) return { ok: false, error: `${spec.label} ${bad}` };
  if (spec.kind === 'timestamp') return f.timestamp(raw ?? '', spec.label);
  return spec.rule!(String(raw ?? ''), spec.label) as f.FieldResult<string>;
}

function collect(entries: [UserField, string | Date | undefined][]): { out: Partial<UserFields>; errors: Record<string, string> } {
  const out: Partial<UserFields> = {};
  const errors: Record<string, string> = {};
  for (const [field, raw] of entries) {
    if (raw === undefined) continue;
    const r = validateUserField(field, raw);
    if (r.ok) (out as Record<string, unknown>)[field] = r.value;
    else errors[field] = r.error;
  }
  return { out, errors };
}

function throwIfErrors(errors: Record<string, string>): void {
  const list = Object.values(errors);
  if (list.length === 0) return;
  throw new CabinetError(`invalid user: ${list[0]}${list.length > 1 ? ` (and ${list.length - 1} more)` : ''}`, { code: 'validation', fields: errors });
}

const given = (input: Partial<UserInput>) => input as Partial<Record<UserField, string | Date>>;

/**
 * A new user: the fields without a default required; a time left out takes its default from the table
 * (first seen: now; last seen: the first-seen time).
 */
export function validateUser(input: UserInput, now = new Date()): UserFields {
  const fields = Object.values(USER_FIELD).filter((s) => s.role !== 'bookkeeping');
  const { out, errors } = collect(fields.map((s) => [s.name as UserField, given(input)[s.name as UserField] ?? (s.default === undefined ? '' : undefined)]));
  throwIfErrors(errors);
  const values = out as Record<string, unknown>;
  for (const s of fields) {
    if (values[s.name] !== undefined || s.default === undefined) continue;
    values[s.name] = s.default === 'now' ? now : values[s.default];
  }
  return values as UserFields;
}

export function validateUserPatch(patch: Partial<UserInput>): Partial<UserFields> {
  if (patch.userId !== undefined) throwIfErrors({ userId: 'the user id cannot be changed (it is the Zitadel sub)' });
  const fields = Object.values(USER_FIELD).filter((s) => s.role === 'field');
  const { out, errors } = collect(fields.map((s) => [s.name as UserField, given(patch)[s.name as UserField]]));
  throwIfErrors(errors);
  return out;
}
