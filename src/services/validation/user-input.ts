import { CabinetError } from '../../lib/errors.ts';
import type { UserRecord } from '../types.ts';
import * as f from '../../schema/field-rules.ts';

export interface UserInput {
  userId: string;
  email: string;
  firstSeen?: string | Date;
  lastSeen?: string | Date;
}

/** The fields a person gives a user; the database sets version and updated_at. */
export type UserFields = Omit<UserRecord, 'version' | 'updatedAt'>;
export type UserField = keyof UserFields;

const USER_FIELD_LABELS: Record<UserField, string> = { userId: 'user id', email: 'email', firstSeen: 'first seen', lastSeen: 'last seen' };

export function validateUserField(field: UserField, raw: string | Date | undefined): f.FieldResult<string | Date> {
  // Every field says plainly when it holds what no text column can.
  const bad = typeof raw === 'string' ? f.checkEncodable(raw) : undefined;
  if (bad) return { ok: false, error: `${USER_FIELD_LABELS[field]} ${bad}` };
  switch (field) {
    case 'userId':
      return f.userId(String(raw ?? ''));
    case 'email':
      return f.email(String(raw ?? ''));
    case 'firstSeen':
      return f.timestamp(raw ?? '', 'first seen');
    case 'lastSeen':
      return f.timestamp(raw ?? '', 'last seen');
  }
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

/** A new user: user id and email required; first seen defaults to now, last seen to first seen. */
export function validateUser(input: UserInput, now = new Date()): UserFields {
  const { out, errors } = collect([
    ['userId', input.userId ?? ''],
    ['email', input.email ?? ''],
    ['firstSeen', input.firstSeen],
    ['lastSeen', input.lastSeen],
  ]);
  throwIfErrors(errors);
  const firstSeen = out.firstSeen ?? now;
  return { userId: out.userId!, email: out.email!, firstSeen, lastSeen: out.lastSeen ?? firstSeen };
}

export function validateUserPatch(patch: Partial<UserInput>): Partial<UserFields> {
  if (patch.userId !== undefined) throwIfErrors({ userId: 'the user id cannot be changed (it is the Zitadel sub)' });
  const { out, errors } = collect([
    ['email', patch.email],
    ['firstSeen', patch.firstSeen],
    ['lastSeen', patch.lastSeen],
  ]);
  throwIfErrors(errors);
  return out;
}
