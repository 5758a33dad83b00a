import { useMemo } from 'react';
import { useConnectionHealth } from '../../../../connection/connection-health.tsx';
import { scrollBy, scrollKeymap, type ScrollAction, type ViewLine } from '../../../../components/scroll-view.tsx';
import { combineKeymaps } from '../../../../keys/keymap.ts';
import { useScreenKeys } from '../../../../shell/shell-context.tsx';
import { reviewLines, SiteReview } from '../../site-review.tsx';
import { mixedScriptReviewKeymap, reviewKeymap, type ReviewKey } from '../site-form-keymap.ts';
import type { SiteEdit } from '../use-site-edit.ts';

/** What the review lists (the changes against the base, the prompt's diff), for the review, note and saving modes. */
export function useReviewLines(edit: SiteEdit): ViewLine[] {
  const width = edit.shell.body.width;
  return useMemo(() => reviewLines(edit.changes, width, edit.promptText), [edit.changes, width, edit.promptText]);
}

/** The review as the review, note and saving modes draw it. */
export function SiteEditReview({ edit, lines }: { edit: SiteEdit; lines: ViewLine[] }) {
  const { width, height } = edit.shell.body;
  return (
    <SiteReview
      original={edit.base}
      lines={lines}
      offset={edit.form.reviewScroll}
      width={width}
      height={height}
      saving={edit.form.mode === 'saving'}
      error={edit.form.error}
      note={edit.form.note}
      noteFocused={edit.form.mode === 'note'}
      confirmMixedScript={Boolean(edit.mixedDomain)}
    />
  );
}

/** The changed fields and the prompt's diff before y saves them; a mixed-script domain needs M instead. */
export function ReviewMode({ edit }: { edit: SiteEdit }) {
  const health = useConnectionHealth();
  const lines = useReviewLines(edit);
  const { dispatch, mixedDomain } = edit;
  const keymap = useMemo(() => combineKeymaps<ReviewKey>(mixedDomain ? mixedScriptReviewKeymap : reviewKeymap, scrollKeymap), [Boolean(mixedDomain)]);

  useScreenKeys<ReviewKey>({
    keymap,
    onAction(action) {
      if (action === 'save') {
        health.retryNow();
        void edit.save(mixedDomain ? { allowMixedScript: true } : {});
      } else if (action === 'refuse') dispatch({ type: 'error', message: 'not saved: the domain mixes scripts; M saves it if the look-alike is meant, n goes back to change it' });
      else if (action === 'note') dispatch({ type: 'mode', mode: 'note' });
      else if (action === 'back') dispatch({ type: 'mode', mode: 'editing' });
      else dispatch({ type: 'scroll', offset: scrollBy(action as ScrollAction, edit.form.reviewScroll, lines.length, edit.shell.body.height - 3) });
    },
  });
  return <SiteEditReview edit={edit} lines={lines} />;
}
