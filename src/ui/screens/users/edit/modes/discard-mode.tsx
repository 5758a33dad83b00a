import { discardKeymap, type DiscardKey } from '../../../../keys/discard-keymap.ts';
import { useScreenKeys } from '../../../../shell/shell-context.tsx';
import type { UserEdit } from '../use-user-edit.ts';
import { UserEditView } from '../user-edit-view.tsx';

/** Esc on a changed form: y throws the change and its draft away, anything else the keymap names keeps editing. */
export function DiscardMode({ edit }: { edit: UserEdit }) {
  useScreenKeys<DiscardKey>({
    keymap: discardKeymap,
    onAction(action) {
      if (edit.busy) return;
      if (action === 'discard') return edit.controller.discardAndLeave();
      edit.setMode({ kind: 'edit' });
    },
  });
  return <UserEditView edit={edit} choices={`Discard your change to ${edit.base.userId}? y discard (the draft too) · n keep editing`} choicesTone="warn" />;
}
