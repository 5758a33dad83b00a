import { useScreenKeys } from '../../../../shell/shell-context.tsx';
import type { UserEdit } from '../use-user-edit.ts';
import { userReviewKeymap, type UserReviewAction } from '../user-edit-keymap.ts';
import { reviewLines } from '../user-edit-lines.ts';
import { UserEditView } from '../user-edit-view.tsx';

/** The change old → new before anything is written: y saves it with the version the edit began from. */
export function ReviewMode({ edit }: { edit: UserEdit }) {
  useScreenKeys<UserReviewAction>({
    keymap: userReviewKeymap,
    onAction(action) {
      if (edit.busy) return;
      // A save that met a conflict or a deletion has moved on to that mode; any other outcome is back to editing.
      if (action === 'confirm') return void edit.save(edit.base.version).then(() => edit.setMode((m) => (m.kind === 'review' ? { kind: 'edit' } : m)));
      edit.setMode({ kind: 'edit' });
    },
  });
  return <UserEditView edit={edit} lines={reviewLines(edit.base, edit.typed)} choices="y / Ctrl-S save · Esc back to editing" />;
}
