import { useEffect, useMemo, useState, type Dispatch, type SetStateAction } from 'react';
import type { FieldSpec } from '../../../../schema/field-spec.ts';
import type { UserRecord } from '../../../../schema/user-schema.ts';
import { isGoneError, isStaleEditError } from '../../../../services/edit-errors.ts';
import { lineInput, lineInputReducer, type LineInputAction, type LineInputState } from '../../../components/line-input.tsx';
import { useEditController, type EditController } from '../../../edit/use-edit-controller.ts';
import { useServices } from '../../../services-context.tsx';
import { useShell, type Shell } from '../../../shell/shell-context.tsx';
import { useUserMoved } from '../use-user-moved.ts';
import type { UserEditStart } from './use-user-edit-start.ts';
import { changedFields, fieldErrors, patchOf, recreateInput, staleOutcome, USER_EDIT_FIELDS, userEditDraft, type Typed, type UserEditBase } from './user-edit-values.ts';
import { EDIT_NOUN, forCount, labelsText } from './user-edit-words.ts';

export type UserEditMode = { kind: 'edit' } | { kind: 'review' } | { kind: 'discard' } | { kind: 'conflict'; theirs: UserRecord; fields: FieldSpec[] } | { kind: 'gone' };

/** Everything a mode of the user edit form reads and does (the modes are edit/modes/*.tsx). */
export interface UserEdit {
  base: UserEditBase;
  shell: Shell;
  controller: EditController;
  mode: UserEditMode;
  setMode: Dispatch<SetStateAction<UserEditMode>>;
  inputs: Record<string, LineInputState>;
  typed: Typed;
  /** The field being typed in (an index into USER_EDIT_FIELDS). */
  focus: number;
  setFocus(focus: number): void;
  /** A line-input action on the focused field; a key clears the last error, a paste leaves it. */
  edit(action: LineInputAction, clearError?: boolean): void;
  errors: Record<string, string>;
  dirty: boolean;
  busy: boolean;
  error: string | null;
  setError(error: string | null): void;
  moved: { text: string; conflict: boolean } | null;
  save(expectedVersion: number, attempt?: number): Promise<void>;
  recreate(): Promise<void>;
}

const describe = (e: unknown) => (e instanceof Error ? ((e as { line?: string }).line ?? e.message) : String(e));

/**
 * The user edit's state and its writes. What is typed is kept in a draft on disk while it differs from the
 * stored values. A save carries the version the edit began from: if only other columns moved on since (a
 * sign-in bumps `last_seen` and the version), it is applied onto the row as it is now; if a field I changed
 * was changed by someone else too, base / theirs / mine are shown and the person chooses; if the user was
 * deleted, they may re-create it.
 */
export function useUserEdit({ base, typed: initial, notice, gone }: UserEditStart): UserEdit {
  const { users } = useServices();
  const shell = useShell();
  const [inputs, setInputs] = useState<Record<string, LineInputState>>(() => Object.fromEntries(USER_EDIT_FIELDS.map((f) => [f.name, lineInput(initial[f.name] ?? '')])));
  const [focus, setFocus] = useState(0);
  const [mode, setMode] = useState<UserEditMode>(gone ? { kind: 'gone' } : { kind: 'edit' });
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const typed = useMemo(() => Object.fromEntries(Object.entries(inputs).map(([k, s]) => [k, s.value])), [inputs]);
  const changed = changedFields(base, typed);
  const dirty = changed.length > 0;
  const moved = useUserMoved(base); // someone else saved or deleted the user meanwhile (issue #14.2)

  useEffect(() => {
    if (notice) shell.notify(notice);
  }, []);

  // The draft follows every change; an edit back to the stored values leaves none (not even a resumed one).
  const draft = useMemo(() => userEditDraft(base, typed), [base, typed]);
  const controller = useEditController(draft, dirty, { label: base.userId, resumed: notice !== undefined });

  const save = async (expectedVersion: number, attempt = 0): Promise<void> => {
    setBusy(true);
    setError(null);
    try {
      await users.update(base.userId, patchOf(base, typed), { expectedVersion });
      controller.finish(`saved user ${base.userId}: ${changed.map((f) => f.label).join(', ')}`);
    } catch (e) {
      if (isStaleEditError<UserRecord>(e)) {
        const theirs = e.details.theirs;
        const outcome = staleOutcome(base, typed, theirs);
        if (outcome.kind === 'agreed') return controller.finish(`user ${base.userId} already has ${forCount(changed, 'this', 'your')} ${labelsText(changed)} (someone made the same change)`);
        if (outcome.kind === 'reapply' && attempt < 3) return save(theirs.version, attempt + 1);
        setMode({ kind: 'conflict', theirs, fields: outcome.kind === 'conflict' ? outcome.fields : changed });
      } else if (isGoneError(e)) {
        setMode({ kind: 'gone' });
      } else {
        setError(describe(e));
      }
    } finally {
      setBusy(false);
    }
  };

  const recreate = async () => {
    setBusy(true);
    setError(null);
    try {
      await users.create(recreateInput(base, typed));
      controller.finish(`re-created user ${base.userId} with your ${EDIT_NOUN}`);
    } catch (e) {
      setError(describe(e));
    } finally {
      setBusy(false);
    }
  };

  const focused = USER_EDIT_FIELDS[focus]!.name;
  return {
    base,
    shell,
    controller,
    mode,
    setMode,
    inputs,
    typed,
    focus,
    setFocus,
    edit: (action, clearError = true) => {
      setInputs((s) => ({ ...s, [focused]: lineInputReducer(s[focused]!, action) }));
      if (clearError) setError(null);
    },
    errors: fieldErrors(typed),
    dirty,
    busy,
    error,
    setError,
    moved,
    save,
    recreate,
  };
}
