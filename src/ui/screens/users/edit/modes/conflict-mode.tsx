import type { FieldSpec } from '../../../../../schema/field-spec.ts';
import type { UserRecord } from '../../../../../schema/user-schema.ts';
import { useScreenKeys } from '../../../../shell/shell-context.tsx';
import type { UserEdit } from '../use-user-edit.ts';
import { userConflictKeymap, type UserConflictAction } from '../user-edit-keymap.ts';
import { conflictLines } from '../user-edit-lines.ts';
import { changedFields } from '../user-edit-values.ts';
import { forCount, labelsText } from '../user-edit-words.ts';
import { UserEditView } from '../user-edit-view.tsx';

/** Someone else changed a field I changed: o saves mine over theirs, t takes theirs, Esc keeps editing. */
export function ConflictMode({ edit, theirs, fields }: { edit: UserEdit; theirs: UserRecord; fields: FieldSpec[] }) {
  useScreenKeys<UserConflictAction>({
    keymap: userConflictKeymap,
    onAction(action) {
      if (edit.busy) return;
      switch (action) {
        case 'overwrite':
          return void edit.save(theirs.version);
        case 'theirs': {
          const mine = changedFields(edit.base, edit.typed);
          edit.controller.draft.discard();
          edit.shell.notify(`kept ${edit.base.userId}'s ${labelsText(mine)} as ${forCount(mine, 'it is', 'they are')} now; your ${forCount(mine, 'change was', 'changes were')} dropped`);
          return edit.shell.pop();
        }
        case 'keep':
          return edit.setMode({ kind: 'edit' });
      }
    },
  });
  return <UserEditView edit={edit} lines={conflictLines(edit.base, theirs, edit.typed, fields)} choices="o save mine over theirs · t take theirs · Esc keep editing" choicesTone="warn" />;
}
