import type { Draft, StoredDraft } from '../../../../lib/drafts.ts';
import { sanitizeLine } from '../../../../lib/sanitize.ts';
import type { FieldSpec } from '../../../../schema/field-spec.ts';
import type { UserRecord } from '../../../../schema/user-schema.ts';
import type { ViewLine } from '../../../components/scroll-view.tsx';
import { truncate } from '../../../text/graphemes.ts';
import { baseOfRow, USER_EDIT_FIELDS, userEditDraft } from './user-edit-values.ts';
import { forCount, labelsText } from './user-edit-words.ts';

/**
 * A user edit's draft on the drafts screen (an earlier session's, or another database's), for every field
 * the users table marks `console.edit`: what it changed, what changed underneath, and how it is taken over.
 */

const text = (v: unknown): string => (v === null || v === undefined ? '' : String(v));
const shown = (v: string | null | undefined): string => (v === null || v === undefined || v === '' ? '(empty)' : sanitizeLine(v));
const valueOf = (user: UserRecord, f: FieldSpec) => (user as unknown as Record<string, unknown>)[f.name] as string | null | undefined;

/** The fields the draft changes from its own base (all of them should it change none: nothing to hide). */
function draftChanged(draft: Draft): readonly FieldSpec[] {
  const changed = USER_EDIT_FIELDS.filter((f) => typeof draft.fields[f.name] === 'string' && draft.fields[f.name]!.trim() !== text(draft.base[f.name]));
  return changed.length > 0 ? changed : USER_EDIT_FIELDS;
}

/** The edited fields someone else changed since the draft's base. */
function changedUnderneath(draft: Draft, user: UserRecord): FieldSpec[] {
  return USER_EDIT_FIELDS.filter((f) => text(valueOf(user, f)) !== text(draft.base[f.name]));
}

/** Where the user stands against the draft: gone, moved on (in an edited field or not), or as the draft left it. */
function userState(draft: StoredDraft, user: UserRecord | null | undefined, error: string | undefined): string {
  if (error !== undefined) return 'could not look the user up';
  if (user === null) return 'the user was deleted since';
  if (user && user.version !== draft.baseVersion) {
    const under = changedUnderneath(draft, user);
    return under.length === 0 ? `the user changed since (not the ${labelsText(USER_EDIT_FIELDS, 'or')})` : `the ${labelsText(under)} ${forCount(under, 'was', 'were')} changed since`;
  }
  return 'the user is as the draft left it';
}

/** The draft's line in the list. */
export function userDraftRowText(draft: StoredDraft, savedAt: string, user: UserRecord | null | undefined, error: string | undefined): string {
  return `user ${sanitizeLine(draft.recordId!)}  saved ${savedAt}  ${labelsText(draftChanged(draft))} changed · ${userState(draft, user, error)}`;
}

/** The selected draft against the user now: each field it changes, its base when it also changed underneath, now, and the draft. */
export function userDraftDiffLines(draft: StoredDraft, user: UserRecord | null | undefined, error: string | undefined, width: number): ViewLine[] {
  if (error) return [{ text: truncate(`cannot compare with the database now: ${sanitizeLine(error)}`, width), tone: 'error' }];
  const under = new Set(user ? changedUnderneath(draft, user).map((f) => f.name) : []);
  return draftChanged(draft).flatMap((f, i): ViewLine[] => {
    const both = under.has(f.name);
    return [
      ...(i > 0 ? [{ text: '' }] : []),
      { text: truncate(`${f.label}${both ? '  (also changed underneath)' : ''}`, width), bold: true, ...(both ? { tone: 'warn' as const } : {}) },
      ...(both ? [{ text: truncate(`    base    ${shown(draft.base[f.name] ?? null)}`, width) }] : []),
      { text: truncate(`    now     ${user === null ? '(the user is gone)' : shown((user ? valueOf(user, f) : undefined) ?? draft.base[f.name] ?? null)}`, width) },
      { text: truncate(`    draft   ${shown(draft.fields[f.name] ?? null)}`, width), bold: true },
    ];
  });
}

/**
 * A draft from another database, taken for this one: only the fields it changed there are applied, onto
 * this database's user as it is now (the edit's base), so nothing of the other row comes along.
 */
export function adoptedUserDraft(draft: Draft, user: UserRecord): Draft {
  const base = baseOfRow(user);
  const changedThere = new Set(USER_EDIT_FIELDS.filter((f) => typeof draft.fields[f.name] === 'string' && draft.fields[f.name]!.trim() !== text(draft.base[f.name])).map((f) => f.name));
  const typed = Object.fromEntries(USER_EDIT_FIELDS.map((f) => [f.name, changedThere.has(f.name) ? draft.fields[f.name]! : text(base.values[f.name])]));
  return userEditDraft(base, typed);
}
