import { useMemo } from 'react';
import { scrollBy, scrollKeymap, type ScrollAction, type ViewLine } from '../../../../components/scroll-view.tsx';
import { combineKeymaps } from '../../../../keys/keymap.ts';
import { useScreenKeys } from '../../../../shell/shell-context.tsx';
import { wrapText } from '../../../../text/wrap.ts';
import { conflictLines } from '../../conflict-lines.ts';
import { SaveOutcomeView } from '../../site-conflict-view.tsx';
import type { SiteRule } from '../../site-rebase.ts';
import { conflictKeymap, type ConflictKey } from '../site-form-keymap.ts';
import type { SiteConflict, SiteEdit } from '../use-site-edit.ts';

const keymap = combineKeymaps<ConflictKey | ScrollAction>(conflictKeymap, scrollKeymap);

/**
 * The row changed underneath (on save, or already when the edit opened): base / theirs / mine, and the
 * person chooses; nothing is decided for them.
 */
export function ConflictMode({ edit, conflict }: { edit: SiteEdit; conflict: SiteConflict }) {
  const { base, values, rule, form, dispatch } = edit;
  const { width, height } = edit.shell.body;
  const lines = useMemo(
    (): ViewLine[] => [
      ...wrapText(conflict.message, width).map((text) => ({ text })),
      { text: '' },
      ...conflictLines(conflict.details, base, values, width, rule?.mergedPrompt ?? null),
    ],
    [conflict, base, values, width, rule],
  );

  useScreenKeys<ConflictKey | ScrollAction>({
    keymap,
    onAction(action) {
      if (action === 'reapply') edit.reapplyOntoTheirs('mine');
      else if (action === 'theirs') edit.reapplyOntoTheirs('theirs');
      else if (action === 'merge') edit.reapplyOntoTheirs('merged');
      else if (action === 'overwrite') void edit.save({ force: true });
      else if (action === 'keep') {
        dispatch({ type: 'mode', mode: 'editing' });
        dispatch({ type: 'error', message: 'not saved: the site changed underneath; Ctrl-S shows the choices again' });
      } else dispatch({ type: 'scroll', offset: scrollBy(action, form.reviewScroll, lines.length, height - 2) });
    },
  });

  return (
    <SaveOutcomeView
      title={`${conflict.atStart ? 'Your edit is based on an older version' : 'Not saved'}: ${base.siteId} changed underneath (version ${conflict.details.expectedVersion} → ${conflict.details.theirs.version})`}
      lines={lines}
      offset={form.reviewScroll}
      width={width}
      height={height}
      choices={conflictChoices(rule)}
      error={form.error}
      busy={null}
    />
  );
}

/** The conflict's choices line; r/t/g appear only when there is something both sides changed. */
function conflictChoices(rule: Pick<SiteRule, 'conflicts' | 'mergedPrompt'> | null): string {
  const both = (rule?.conflicts.length ?? 0) > 0;
  return [
    both ? 'r mine where both changed' : 'r reload and re-apply my changes',
    ...(both ? ['t theirs there'] : []),
    ...(rule?.mergedPrompt != null ? ['g merged prompt'] : []),
    'o overwrite theirs knowingly',
    'Esc keep editing',
  ].join(' · ');
}
