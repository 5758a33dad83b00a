import { useEffect, useRef, useState, useSyncExternalStore } from 'react';
import { rememberLines } from '../../lib/text-lines.ts';
import { createEditorState, editorReducer, type EditorAction, type EditorState } from './editor-state.ts';

/**
 * The prompt editor's state outside React's tree: a key changes the store, and only the components that
 * subscribe to it (the editor's view and its status line) render again. The form around the editor reads
 * the text when it needs it (review, save, draft) and hears about the prompt only through a summary that
 * changes rarely (`usePromptSummary`), so a keystroke in a 99,000-character prompt does not re-render the
 * form, the shell, the header or the footer, nor re-validate the whole text before the key is on screen.
 */
export interface EditorStore {
  get(): EditorState;
  dispatch(action: EditorAction): void;
  subscribe(listener: () => void): () => void;
  /** The whole text, joined once per change of the text (not per call). */
  text(): string;
}

interface Around {
  lines: readonly string[];
  row: number;
  /** lines[0, row) joined, with the newline that follows them (or ''). */
  before: string;
  /** lines(row, end] joined, with the newline that precedes them (or ''). */
  after: string;
}

/** The lines around `row` are the same strings as `around`'s (pointer comparisons, no text is read). */
function sameAround(around: Around, lines: readonly string[], row: number): boolean {
  if (around.row !== row || around.lines.length !== lines.length) return false;
  for (let i = 0; i < lines.length; i++) if (i !== row && lines[i] !== around.lines[i]) return false;
  return true;
}

/**
 * Joins the text as (lines before the cursor's line) + that line + (lines after it), keeping the joined
 * text before and after: a key changes one line, so the next join reuses both, and the result is a rope
 * V8 builds without copying the other 99,000 characters (they are copied once, when a draft is written).
 */
function joinAround(lines: readonly string[], row: number, around: Around | null): { text: string; around: Around } {
  const next =
    around && sameAround(around, lines, row)
      ? { ...around, lines }
      : {
          lines,
          row,
          before: row > 0 ? `${lines.slice(0, row).join('\n')}\n` : '',
          after: row < lines.length - 1 ? `\n${lines.slice(row + 1).join('\n')}` : '',
        };
  return { text: next.before + lines[row]! + next.after, around: next };
}

export function createEditorStore(initialText: string): EditorStore {
  let state = createEditorState(initialText);
  let joined: { lines: readonly string[]; text: string } | null = null;
  let around: Around | null = null;
  const listeners = new Set<() => void>();
  return {
    get: () => state,
    dispatch(action) {
      const next = editorReducer(state, action);
      if (next === state) return;
      state = next;
      for (const listener of [...listeners]) listener();
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => void listeners.delete(listener);
    },
    text() {
      if (joined?.lines !== state.lines) {
        const row = Math.min(state.cursor.row, state.lines.length - 1);
        const next = joinAround(state.lines, row, around);
        around = next.around;
        joined = { lines: state.lines, text: next.text };
        // A draft written from this text encodes the lines a key changed, not the whole text again.
        rememberLines(joined.text, joined.lines);
      }
      return joined.text;
    },
  };
}

/** One store for the component's lifetime, holding `initialText` at first. */
export function useEditorStore(initialText: string): EditorStore {
  return useState(() => createEditorStore(initialText))[0];
}

/** The editor's state, rendering the caller on every change (for the editor's own view). */
export function useEditorState(store: EditorStore): EditorState {
  return useSyncExternalStore(store.subscribe, store.get);
}

/**
 * Runs `onChange` with the text after changes of the store (for a draft), right after the key's frame is
 * out: in the same turn of the event loop (setImmediate), so before a hang-up's handler can run, but not
 * between the key and its echo. Keys of one turn give one call.
 */
export function useEditorChanges(store: EditorStore, onChange: (text: string) => void): void {
  const latest = useRef(onChange);
  latest.current = onChange;
  useEffect(() => {
    let pending: NodeJS.Immediate | undefined;
    const unsubscribe = store.subscribe(() => {
      pending ??= setImmediate(() => {
        pending = undefined;
        latest.current(store.text());
      });
    });
    return () => {
      unsubscribe();
      // Unmounted in the same turn as a key (the console closing on a hang-up): the key still reaches the
      // draft before the drafts are closed. (Saving and discarding leave from modes that type nothing.)
      if (pending) {
        clearImmediate(pending);
        latest.current(store.text());
      }
    };
  }, [store]);
}

/** How soon after a change the text is looked at again (validation): after the key's echo, once for a burst. */
export const SETTLE_DELAY_MS = 40;

/**
 * For the component around the editor (the form): it renders from the text it reads, and renders again
 * only when what it showed changes. Within SETTLE_DELAY_MS of a change (outside the keystroke's frame)
 * `summarise` runs on the text (keep it proportional to what a key changes, not to the whole text); when
 * its result differs (by `same`) from `rendered`, the summary the caller rendered with, it renders again.
 * `onChange` follows every change (useEditorChanges).
 */
export function useRenderOnSummaryChange<T>(
  store: EditorStore,
  rendered: T,
  summarise: (text: string, state: EditorState) => T,
  same: (a: T, b: T) => boolean,
  onChange?: (text: string) => void,
): void {
  const [, rerender] = useState(0);
  const latest = useRef({ rendered, summarise, same });
  latest.current = { rendered, summarise, same };
  useEditorChanges(store, (text) => onChange?.(text));
  useEffect(() => {
    let timer: NodeJS.Timeout | undefined;
    const settle = () => {
      timer = undefined;
      const next = latest.current.summarise(store.text(), store.get());
      if (!latest.current.same(next, latest.current.rendered)) rerender((n) => n + 1);
    };
    const unsubscribe = store.subscribe(() => {
      timer ??= setTimeout(settle, SETTLE_DELAY_MS);
    });
    return () => {
      unsubscribe();
      clearTimeout(timer);
    };
  }, [store]);
}
