import type { UserRecord } from '../../../../schema/user-schema.ts';
import { userDraftId, useDrafts } from '../../../drafts-context.tsx';
import { startFromRowOrDraft, useEditStart, type EditStartState } from '../../../edit/use-edit-start.ts';
import { useServices } from '../../../services-context.tsx';
import { formatDateTime } from '../../../text/format.ts';
import { baseOfRow, isUserEditDraft, startOfDraft, typedOf, type Typed, type UserEditBase } from './user-edit-values.ts';

/** Where a user edit begins: its base, what the form holds, a notice to show, and whether the user is gone. */
export interface UserEditStart {
  base: UserEditBase;
  typed: Typed;
  notice?: string;
  gone: boolean;
}

/** The user and any draft of its edit; a draft wins (it is what was typed), checked against its own base. */
export function useUserEditStart(userId: string): EditStartState<UserEditStart> {
  const { users } = useServices();
  const drafts = useDrafts();
  return useEditStart(
    async () => {
      const current = await users.get(userId);
      drafts.flushSync();
      const stored = drafts.get(userDraftId(userId));
      // A draft that holds none of the edited fields is not a user edit's: the edit starts from the row.
      const draft = isUserEditDraft(stored) ? stored : null;
      return startFromRowOrDraft<UserRecord, UserEditStart>(current, draft, {
        row: (row) => {
          const base = baseOfRow(row);
          return { base, typed: typedOf(base), gone: false };
        },
        draft: (draft, row) => ({ ...startOfDraft(userId, draft, row), notice: `resumed your unsaved draft from ${formatDateTime(draft.savedAt)}`, gone: row === null }),
      });
    },
    (e) => (e instanceof Error ? ((e as { line?: string }).line ?? e.message) : String(e)),
    [users, drafts, userId],
  );
}
