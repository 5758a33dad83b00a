import { useMemo } from 'react';
import type { UserRecord } from '../../../services/types.ts';
import type { FieldSpec } from '../../../schema/field-spec.ts';
import { USER_FIELD_LABELS, USER_SCHEMA } from '../../../schema/user-schema.ts';
import { useServices } from '../../services-context.tsx';
import { lastChangeOf, movedText, useRowMoved } from '../../live/use-row-moved.ts';
import { USER_EDIT_FIELDS, type UserEditBase } from './edit/user-edit-values.ts';
import { EDIT_NOUN, forCount } from './edit/user-edit-words.ts';

type Moved = Record<string, unknown> & { version: number };

/** The fields an edit neither changes nor keeps for a re-create (last seen, which a sign-in moves). */
const UNWATCHED = (USER_SCHEMA as readonly FieldSpec[]).filter((f) => f.role === 'field' && !f.console?.edit && !f.console?.create).map((f) => f.label);

/**
 * The user edit form's line when another writer saved or deleted the user meanwhile (issue #14.2). A
 * sign-in moving last_seen does not touch the fields being edited: the save still goes on top of it, and
 * the line says so; an edited field changed underneath means Ctrl-S shows the conflict (`conflict`).
 */
export function useUserMoved(base: UserEditBase): { text: string; conflict: boolean } | null {
  const { users } = useServices();
  const read = useMemo(
    () => ({
      get: async (id: string) => (await users.get(id)) as unknown as Moved | null,
      lastChange: async (id: string, row: Moved | null) => lastChangeOf(await users.history(id, { limit: 1 }), (row as UserRecord | null)?.updatedAt ?? null),
    }),
    [users],
  );
  // Compared: the edited fields and what a re-create would keep (first seen).
  const watched = useMemo((): Moved => ({ ...base.values, ...base.kept, version: base.version }), [base]);
  const labels = useMemo(() => Object.fromEntries(Object.keys(watched).filter((k) => k !== 'version').map((k) => [k, USER_FIELD_LABELS[k as keyof UserRecord] ?? k])), [watched]);
  const moved = useRowMoved<Moved>('users', base.userId, watched, read, labels);
  if (!moved) return null;
  // Nothing watched differs: a field the edit neither changes nor keeps moved (a sign-in's last seen).
  const shown = moved.row !== null && moved.changed.length === 0 ? { ...moved, changed: UNWATCHED } : moved;
  const edited = new Set(USER_EDIT_FIELDS.map((f) => f.label));
  const conflict = moved.row === null || moved.changed.some((label) => edited.has(label));
  const then =
    moved.row === null
      ? 'Ctrl-S will offer to re-create it'
      : conflict
        ? 'Ctrl-S will show the conflict'
        : `your ${EDIT_NOUN} ${forCount(USER_EDIT_FIELDS, 'change still applies', 'changes still apply')} on top`;
  return { text: `⚠ ${movedText(shown)}; ${then}`, conflict };
}
