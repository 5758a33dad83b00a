import type { Draft, DraftValues, StoredDraft } from '../../../../lib/drafts.ts';
import type { FieldSpec } from '../../../../schema/field-spec.ts';
import { USER_SCHEMA, type UserField, type UserInput, type UserRecord } from '../../../../schema/user-schema.ts';
import { threeWay } from '../../../../services/three-way.ts';
import { validateUserField } from '../../../../services/validation/user-input.ts';
import { userDraftId } from '../../../drafts-context.tsx';

/**
 * What the user edit form works on, from the users table (src/schema/user-table.ts): the fields with
 * `console.edit` are the form's fields, its draft, its save and its conflict rule; nothing here names one.
 */
const TABLE: readonly FieldSpec[] = USER_SCHEMA;

/** The fields the edit form changes, in table order (the id is the IdP's; the times are n8n's). */
export const USER_EDIT_FIELDS: readonly FieldSpec[] = TABLE.filter((f) => f.console?.edit);

/** The row's identity, shown read-only above the fields. */
export const USER_ID_FIELD: FieldSpec = TABLE.find((f) => f.role === 'identity')!;

/** Besides the edited fields, what a re-create of a deleted user gives: the new-user form's other fields, as stored. */
const KEPT_ON_RECREATE: readonly FieldSpec[] = TABLE.filter((f) => f.console?.create && !f.console.edit && f.role !== 'identity');

/** The form's text of each edited field, by name. */
export type Typed = Record<string, string>;

/** The user as the edit began: the version a save is checked against and the values base / theirs / mine compares. */
export interface UserEditBase {
  userId: string;
  version: number;
  /** The edited fields as stored then. */
  values: DraftValues;
  /** What a re-create gives besides the edited fields (first seen), as text; empty when the row was not seen. */
  kept: Record<string, string>;
}

const text = (v: unknown): string => (v instanceof Date ? v.toISOString() : v === null || v === undefined ? '' : String(v));

/** The base of an edit that starts from the row. */
export function baseOfRow(row: UserRecord): UserEditBase {
  const get = (f: FieldSpec) => (row as unknown as Record<string, unknown>)[f.name];
  return {
    userId: row.userId,
    version: row.version,
    values: Object.fromEntries(USER_EDIT_FIELDS.map((f) => [f.name, (get(f) ?? null) as string | null])),
    kept: Object.fromEntries(KEPT_ON_RECREATE.map((f) => [f.name, text(get(f))])),
  };
}

/** The form's text of a base's values. */
export function typedOf(base: UserEditBase): Typed {
  return Object.fromEntries(USER_EDIT_FIELDS.map((f) => [f.name, text(base.values[f.name])]));
}

/** A stored draft of a user edit (it holds one of the edited fields); anything else is not, and the edit starts from the row. */
export function isUserEditDraft(draft: StoredDraft | null): draft is StoredDraft {
  return draft !== null && USER_EDIT_FIELDS.some((f) => typeof draft.fields[f.name] === 'string');
}

/** Where a resumed draft starts: its own base (the row fills what it lacks) and what it holds as typed. */
export function startOfDraft(userId: string, draft: StoredDraft, row: UserRecord | null): { base: UserEditBase; typed: Typed } {
  const fromRow = row ? baseOfRow(row) : null;
  const base: UserEditBase = {
    userId,
    version: draft.baseVersion ?? row?.version ?? 1,
    values: Object.fromEntries(USER_EDIT_FIELDS.map((f) => [f.name, draft.base[f.name] ?? fromRow?.values[f.name] ?? ''])),
    kept: fromRow?.kept ?? {},
  };
  const typed = Object.fromEntries(USER_EDIT_FIELDS.map((f) => [f.name, draft.fields[f.name] ?? text(base.values[f.name])]));
  return { base, typed };
}

/** The fields whose text differs from the stored value (surrounding spaces aside). */
export function changedFields(base: UserEditBase, typed: Typed): FieldSpec[] {
  return USER_EDIT_FIELDS.filter((f) => (typed[f.name] ?? '').trim() !== text(base.values[f.name]));
}

/** Each field checked as typed: the first line of what is wrong, by field (none when all pass). */
export function fieldErrors(typed: Typed): Record<string, string> {
  const out: Record<string, string> = {};
  for (const f of USER_EDIT_FIELDS) {
    const r = validateUserField(f.name as UserField, typed[f.name] ?? '');
    if (!r.ok) out[f.name] = r.error;
  }
  return out;
}

/** The edit as a draft: the base's values and what is typed. */
export function userEditDraft(base: UserEditBase, typed: Typed): Draft {
  return { id: userDraftId(base.userId), entity: 'user', recordId: base.userId, baseVersion: base.version, base: { ...base.values }, fields: { ...typed } };
}

/** What a save sends: the changed fields as typed (the service validates them). */
export function patchOf(base: UserEditBase, typed: Typed): Partial<UserInput> {
  return Object.fromEntries(changedFields(base, typed).map((f) => [f.name, typed[f.name]])) as Partial<UserInput>;
}

/** A re-create of the deleted user: its id, my values, and the rest as they were. */
export function recreateInput(base: UserEditBase, typed: Typed): UserInput {
  return { [USER_ID_FIELD.name]: base.userId, ...Object.fromEntries(USER_EDIT_FIELDS.map((f) => [f.name, typed[f.name] ?? ''])), ...base.kept } as unknown as UserInput;
}

/** My changed fields as they would be stored (the typed text where it is not valid). */
function mineStored(base: UserEditBase, typed: Typed): Record<string, string | null | Date> {
  return Object.fromEntries(
    changedFields(base, typed).map((f) => {
      const r = validateUserField(f.name as UserField, typed[f.name] ?? '');
      return [f.name, r.ok ? r.value : (typed[f.name] ?? '')];
    }),
  );
}

/**
 * The one rule (services/three-way.ts) for a save refused as stale: `agreed`, they made my change already;
 * `reapply`, only fields I did not change moved on (a sign-in bumps last_seen), so mine go onto their row;
 * `conflict`, they changed a field I changed, differently: the fields to show, for the person to choose.
 */
export function staleOutcome(base: UserEditBase, typed: Typed, theirs: UserRecord): { kind: 'agreed' | 'reapply' } | { kind: 'conflict'; fields: FieldSpec[] } {
  const names = USER_EDIT_FIELDS.map((f) => f.name);
  const rule = threeWay(names, base.values, theirs as unknown as Record<string, string | null>, mineStored(base, typed));
  if (rule.conflicts.length > 0) return { kind: 'conflict', fields: USER_EDIT_FIELDS.filter((f) => rule.conflicts.includes(f.name)) };
  if (rule.mine.length === 0 && rule.agreed.length > 0) return { kind: 'agreed' };
  return { kind: 'reapply' };
}
