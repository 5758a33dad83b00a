import { useScreenKeys } from '../../../../shell/shell-context.tsx';
import type { UserEdit } from '../use-user-edit.ts';
import { userGoneKeymap, type UserGoneAction } from '../user-edit-keymap.ts';
import { goneLines } from '../user-edit-lines.ts';
import { EDIT_NOUN } from '../user-edit-words.ts';
import { UserEditView } from '../user-edit-view.tsx';

/** The user was deleted meanwhile: c re-creates it with what was typed, x drops the draft, Esc keeps editing. */
export function GoneMode({ edit }: { edit: UserEdit }) {
  useScreenKeys<UserGoneAction>({
    keymap: userGoneKeymap,
    onAction(action) {
      if (edit.busy) return;
      switch (action) {
        case 'recreate':
          return void edit.recreate();
        case 'drop':
          return edit.controller.dropDraft();
        case 'keep':
          return edit.setMode({ kind: 'edit' });
      }
    },
  });
  return <UserEditView edit={edit} lines={goneLines(edit.base, edit.typed)} choices={`c re-create the user with my ${EDIT_NOUN} · x discard my draft · Esc keep editing`} choicesTone="warn" />;
}
