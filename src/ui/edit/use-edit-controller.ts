import type { Draft } from '../../lib/drafts.ts';
import { useShell } from '../shell/shell-context.tsx';
import { useEditDraft, type EditDraftControl } from './use-edit-draft.ts';

/**
 * What every edit form (a site's, a user's) does the same way around its own fields: the draft that
 * follows each change, and the ways out (saved, thrown away, dropped for a deleted record), each taking
 * the draft with it. The forms' modes call these from their keymaps.
 */
export interface EditController {
  draft: EditDraftControl;
  /** Esc on the form: with nothing changed it leaves at once, otherwise it asks (`askDiscard`). */
  cancel(askDiscard: () => void): void;
  /** y on "discard your changes?": the edit and its draft go. */
  discardAndLeave(): void;
  /** x on a record deleted meanwhile: the draft goes, and the status line says so. */
  dropDraft(): void;
  /** The save committed: only now is the draft no longer needed. */
  finish(message: string): void;
}

/**
 * `draft` is the edit as a draft (memoised by the caller), `dirty` whether it differs from the row, `label`
 * the record's id as people read it, `resumed` whether the edit began from a draft on disk.
 */
export function useEditController(draft: Draft, dirty: boolean, { label, resumed = false }: { label: string; resumed?: boolean }): EditController {
  const shell = useShell();
  const control = useEditDraft(draft, dirty, resumed);
  return {
    draft: control,
    cancel(askDiscard) {
      if (dirty) askDiscard();
      else shell.pop();
    },
    discardAndLeave() {
      control.discard();
      shell.pop();
    },
    dropDraft() {
      control.discard();
      shell.notify(`discarded your draft of ${label}`);
      shell.pop();
    },
    finish(message) {
      control.discard();
      shell.notify(message, 'ok');
      shell.pop();
    },
  };
}
