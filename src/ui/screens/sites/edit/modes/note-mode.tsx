import { useMemo } from 'react';
import { handleLineInputKey, lineInputCommand, lineInputKeymap, type LineInputKey } from '../../../../components/line-input.tsx';
import { combineKeymaps } from '../../../../keys/keymap.ts';
import { useScreenKeys } from '../../../../shell/shell-context.tsx';
import { noteKeymap, type NoteKey } from '../site-form-keymap.ts';
import type { SiteEdit } from '../use-site-edit.ts';
import { SiteEditReview, useReviewLines } from './review-mode.tsx';

/** The note line on the review ("why", kept with the revision): everything printable is typed into it. */
export function NoteMode({ edit }: { edit: SiteEdit }) {
  const lines = useReviewLines(edit);
  const { dispatch } = edit;
  const mixed = Boolean(edit.mixedDomain);
  // A mixed-script domain is saved only with M on the review, never from the note.
  const keymap = useMemo(() => combineKeymaps<NoteKey | LineInputKey>(mixed ? noteKeymap.filter((b) => b.action !== 'save') : noteKeymap, lineInputKeymap), [mixed]);

  useScreenKeys<NoteKey | LineInputKey>({
    keymap,
    capturesText: true,
    onAction(action) {
      if (action === 'save') void edit.save();
      else if (action === 'leave') dispatch({ type: 'mode', mode: 'review' });
      else dispatch({ type: 'note', action: lineInputCommand(action) });
    },
    onText: (input, key) => handleLineInputKey(input, key, (action) => dispatch({ type: 'note', action })),
    onPaste: (text) => dispatch({ type: 'note', action: { type: 'insert', text } }),
  });
  return <SiteEditReview edit={edit} lines={lines} />;
}
