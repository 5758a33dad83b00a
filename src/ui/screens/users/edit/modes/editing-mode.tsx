import { useMemo } from 'react';
import { handleLineInputKey, lineInputCommand, lineInputKeymap, type LineInputKey } from '../../../../components/line-input.tsx';
import { combineKeymaps } from '../../../../keys/keymap.ts';
import { useScreenKeys } from '../../../../shell/shell-context.tsx';
import type { UserEdit } from '../use-user-edit.ts';
import { userEditKeymap, type UserEditAction } from '../user-edit-keymap.ts';
import { USER_EDIT_FIELDS } from '../user-edit-values.ts';
import { UserEditView } from '../user-edit-view.tsx';

const keymap = combineKeymaps<UserEditAction | LineInputKey>(userEditKeymap, lineInputKeymap);
const choices = `Ctrl-S or Enter saves${USER_EDIT_FIELDS.length > 1 ? ' · Tab next field' : ''} · Esc cancels`;

/** Typing: Ctrl-S or Enter goes to the review (or straight to a known conflict), Esc asks before throwing the change away. */
export function EditingMode({ edit }: { edit: UserEdit }) {
  const firstError = useMemo(() => USER_EDIT_FIELDS.map((f) => edit.errors[f.name]).find((e) => e !== undefined), [edit.errors]);
  useScreenKeys<UserEditAction | LineInputKey>({
    keymap,
    capturesText: true,
    onAction(action) {
      if (edit.busy) return;
      switch (action) {
        case 'save':
          if (firstError !== undefined) return edit.setError(`fix this first: ${firstError}`);
          if (!edit.dirty) {
            edit.shell.notify('nothing changed');
            return edit.shell.pop();
          }
          // Known to meet a conflict (or a deletion): the save is refused and shows it.
          if (edit.moved?.conflict) return void edit.save(edit.base.version);
          return edit.setMode({ kind: 'review' });
        case 'cancel':
          return edit.controller.cancel(() => edit.setMode({ kind: 'discard' }));
        case 'nextField':
          return edit.setFocus((edit.focus + 1) % USER_EDIT_FIELDS.length);
        case 'previousField':
          return edit.setFocus((edit.focus + USER_EDIT_FIELDS.length - 1) % USER_EDIT_FIELDS.length);
      }
      edit.edit(lineInputCommand(action));
    },
    onText(text, key) {
      if (edit.busy) return true;
      return handleLineInputKey(text, key, (a) => edit.edit(a));
    },
    onPaste(text) {
      edit.edit({ type: 'insert', text: text.replace(/\r?\n$/, '') }, false);
    },
  });
  return <UserEditView edit={edit} choices={choices} />;
}
