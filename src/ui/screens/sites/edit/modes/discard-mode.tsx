import { Text } from 'ink';
import { sanitizeLine } from '../../../../../lib/sanitize.ts';
import { useScreenKeys } from '../../../../shell/shell-context.tsx';
import { tone } from '../../../../theme.ts';
import { discardKeymap, type DiscardKey } from '../site-form-keymap.ts';
import { SiteFormView } from '../site-form-view.tsx';
import type { SiteEdit } from '../use-site-edit.ts';

/** Esc on a changed form: y throws the edit and its draft away, anything the keymap names keeps editing. */
export function DiscardMode({ edit }: { edit: SiteEdit }) {
  useScreenKeys<DiscardKey>({
    keymap: discardKeymap,
    onAction(action) {
      if (action === 'discard') edit.controller.discardAndLeave();
      else edit.dispatch({ type: 'mode', mode: 'editing' });
    },
  });
  return (
    <SiteFormView
      edit={edit}
      bottom={
        <Text bold color={tone('warn')} wrap="truncate-end">
          Discard your changes to {sanitizeLine(edit.base.siteId)}? y discard (the draft too) · n keep editing
        </Text>
      }
    />
  );
}
