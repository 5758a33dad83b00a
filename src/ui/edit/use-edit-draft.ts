import { useEffect, useMemo, useRef } from 'react';
import type { Draft } from '../../lib/drafts.ts';
import { useDrafts } from '../drafts-context.tsx';

export interface EditDraftControl {
  /** Forget the draft: only after the save committed, or when the person threw the edit away. */
  discard(): void;
  /** The draft as of the last render or update (for $EDITOR, whose temp file lives with it). */
  latest(): Draft;
  /** Keeps the draft in step with a change the form did not render (a key in the prompt's editor store). */
  update(draft: Draft, dirty: boolean): void;
}

/**
 * Keeps an edit in a draft on disk (DraftStore: debounced, atomic, 0600) on every change while it differs
 * from the row; an edit back to the row's values removes the draft (there is nothing to lose then).
 * `draft` is memoised by the caller: the draft is written when it changes. `resumed`: the edit began from
 * a draft already on disk, so an edit back to the row removes that one too.
 */
export function useEditDraft(draft: Draft, dirty: boolean, resumed = false): EditDraftControl {
  const drafts = useDrafts();
  const latest = useRef(draft);
  latest.current = draft;
  const written = useRef(resumed);

  const keep = (next: Draft, dirty: boolean) => {
    if (dirty) {
      drafts.save(next);
      written.current = true;
    } else if (written.current) {
      drafts.discard(next.id);
      written.current = false;
    }
  };

  useEffect(() => keep(draft, dirty), [drafts, draft, dirty]);

  return useMemo(
    () => ({
      discard: () => {
        written.current = false;
        drafts.discard(latest.current.id);
      },
      latest: () => latest.current,
      update: (next: Draft, dirty: boolean) => {
        latest.current = next;
        keep(next, dirty);
      },
    }),
    [drafts],
  );
}
