import { useMemo } from 'react';
import type { GoneDetails } from '../../../../../services/edit-errors.ts';
import { scrollBy, scrollKeymap, type ScrollAction, type ViewLine } from '../../../../components/scroll-view.tsx';
import { combineKeymaps, type Keymap } from '../../../../keys/keymap.ts';
import { useScreenKeys } from '../../../../shell/shell-context.tsx';
import { wrapText } from '../../../../text/wrap.ts';
import { goneSummary } from '../../conflict-lines.ts';
import { SaveOutcomeView } from '../../site-conflict-view.tsx';
import { goneKeymap, type GoneKey } from '../site-form-keymap.ts';
import type { SiteEdit } from '../use-site-edit.ts';

const keymap = combineKeymaps<GoneKey | ScrollAction>(goneKeymap, scrollKeymap);
/** While the site is being re-created no key but the global ones does anything. */
const busyKeymap: Keymap<GoneKey | ScrollAction> = [];

/** The site was deleted while edited: re-create it with my values, discard the draft, or keep editing. */
export function GoneMode({ edit, gone }: { edit: SiteEdit; gone: GoneDetails }) {
  const { base, form, dispatch } = edit;
  const { width, height } = edit.shell.body;
  const lines = useMemo(
    (): ViewLine[] => [
      ...wrapText(goneSummary(base.siteId, gone), width).map((text) => ({ text })),
      ...(gone.rev ? [{ text: `Its history keeps it: restoring revision ${gone.rev} (h on the list) brings back the deleted version.`, dim: true }] : []),
      { text: '' },
      { text: 'c re-creates the site with your values (a new site with the same id); x discards your draft; Esc keeps editing.', dim: true },
    ],
    [gone, base, width],
  );

  useScreenKeys<GoneKey | ScrollAction>({
    keymap: edit.busy ? busyKeymap : keymap,
    onAction(action) {
      if (edit.busy) return;
      if (action === 'recreate') void edit.recreate();
      else if (action === 'discard') edit.controller.dropDraft();
      else if (action === 'keep') dispatch({ type: 'mode', mode: 'editing' });
      else dispatch({ type: 'scroll', offset: scrollBy(action, form.reviewScroll, lines.length, height - 2) });
    },
  });

  return (
    <SaveOutcomeView
      title={`Not saved: ${base.siteId} was deleted while you were editing it`}
      lines={lines}
      offset={form.reviewScroll}
      width={width}
      height={height}
      choices="c re-create it with my values · x discard my draft · Esc keep editing"
      error={form.error}
      busy={edit.busy}
    />
  );
}
