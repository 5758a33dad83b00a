import { sanitizeLine } from '../../../../lib/sanitize.ts';
import type { FieldSpec } from '../../../../schema/field-spec.ts';
import type { UserRecord } from '../../../../schema/user-schema.ts';
import type { ViewLine } from '../../../components/scroll-view.tsx';
import { changedFields, USER_EDIT_FIELDS, type Typed, type UserEditBase } from './user-edit-values.ts';
import { EDIT_NOUN, forCount, labelsText } from './user-edit-words.ts';

/**
 * The lines the user edit form shows below its fields in review, conflict and gone, for every edited field
 * the table has. Everything from the database or typed passes through sanitizeLine; the view truncates.
 */

const value = (v: unknown): string => sanitizeLine(v === null || v === undefined ? '' : v instanceof Date ? v.toISOString() : String(v));
const row = (label: string, v: unknown, bold = false): ViewLine => ({ text: `    ${label.padEnd(8)}${value(v)}`, ...(bold ? { bold } : {}) });
const blank: ViewLine = { text: ' ' };

/** Per field its rows; with more than one field each block is headed by its label (one field: the headline names it). */
function blocks(fields: readonly FieldSpec[], rows: (f: FieldSpec) => ViewLine[]): ViewLine[] {
  return fields.flatMap((f) => [...(fields.length > 1 ? [{ text: `  ${f.label}`, bold: true }] : []), ...rows(f)]);
}

/** The review: each changed field old → new, before anything is written. */
export function reviewLines(base: UserEditBase, typed: Typed): ViewLine[] {
  const changed = changedFields(base, typed);
  return [
    { text: `Save ${forCount(changed, 'this change', 'these changes')} to user ${sanitizeLine(base.userId)}? (recorded in its history)`, bold: true },
    ...changed.map((f) => ({ text: `    ${f.label.padEnd(7)} ${value(base.values[f.name])} → ${value((typed[f.name] ?? '').trim())}` })),
    blank,
  ];
}

/** Both sides changed `fields` differently: base / theirs / mine for each, and nothing saved. */
export function conflictLines(base: UserEditBase, theirs: UserRecord, typed: Typed, fields: readonly FieldSpec[]): ViewLine[] {
  const theirValue = (f: FieldSpec) => (theirs as unknown as Record<string, unknown>)[f.name];
  return [
    { text: `Someone changed this user's ${labelsText(fields)} since you began (v${base.version} → v${theirs.version}); nothing was saved.`, bold: true, tone: 'warn' },
    ...blocks(fields, (f) => [row('base', base.values[f.name]), row('theirs', theirValue(f)), row('mine', typed[f.name], true)]),
    blank,
  ];
}

/** The user was deleted meanwhile: what was typed is kept, and shown. */
export function goneLines(base: UserEditBase, typed: Typed): ViewLine[] {
  return [
    {
      text: `User ${sanitizeLine(base.userId)} was deleted while you were editing it; nothing was saved. Your ${EDIT_NOUN} ${forCount(USER_EDIT_FIELDS, 'is', 'are')} kept.`,
      bold: true,
      tone: 'warn',
    },
    ...blocks(USER_EDIT_FIELDS, (f) => [row('mine', typed[f.name], true)]),
    blank,
  ];
}
