import { useEffect, useState, type DependencyList } from 'react';
import type { StoredDraft } from '../../lib/drafts.ts';

/** Where an edit form begins: still loading, a load error, no such record, or ready with its start. */
export type EditStartState<S> = { status: 'loading' } | { status: 'error'; message: string } | { status: 'missing' } | { status: 'ready'; start: S };

/**
 * The one rule for where an edit begins: a draft wins over the row (it is what was typed, and is never
 * overwritten by a fresh start), checked against the row as it is now (null: deleted since); without a
 * draft the edit starts from the row, and without a row there is nothing to edit.
 */
export async function startFromRowOrDraft<R, S>(
  row: R | null,
  draft: StoredDraft | null,
  from: { row(row: R): S | Promise<S>; draft(draft: StoredDraft, row: R | null): S | Promise<S> },
): Promise<EditStartState<S>> {
  if (!draft) return row ? { status: 'ready', start: await from.row(row) } : { status: 'missing' };
  return { status: 'ready', start: await from.draft(draft, row) };
}

/** Runs `load` when `deps` change and keeps its outcome; an answer for an older `deps` is dropped. */
export function useEditStart<S>(load: () => Promise<EditStartState<S>>, describe: (error: unknown) => string, deps: DependencyList): EditStartState<S> {
  const [state, setState] = useState<EditStartState<S>>({ status: 'loading' });
  useEffect(() => {
    let live = true;
    load().then(
      (s) => live && setState(s),
      (e: unknown) => live && setState({ status: 'error', message: describe(e) }),
    );
    return () => {
      live = false;
    };
  }, deps);
  return state;
}
