import type { ViewLine } from '../../components/scroll-view.tsx';

export type HistoryRef = number | 'current';

/** The history screen: the list's cursor and marks, and what is shown over it (a diff, a restore question). */
export interface HistoryState {
  cursor: number;
  /** Up to two rows marked for `c` (revision numbers or 'current'), oldest mark first. */
  marks: HistoryRef[];
  view: null | { kind: 'diff'; title: string; lines: ViewLine[] } | { kind: 'confirm'; rev: number; title: string; lines: ViewLine[] };
  scroll: number;
  busy: string | null;
  error: string | null;
}

export type HistoryStateAction =
  | { type: 'move'; delta: number; count: number }
  | { type: 'to'; index: number; count: number }
  | { type: 'mark'; ref: HistoryRef }
  | { type: 'show'; view: NonNullable<HistoryState['view']> }
  | { type: 'close' }
  | { type: 'scroll'; offset: number }
  | { type: 'busy'; message: string | null }
  | { type: 'error'; message: string | null };

export const initialHistory: HistoryState = { cursor: 0, marks: [], view: null, scroll: 0, busy: null, error: null };

export function historyReducer(state: HistoryState, action: HistoryStateAction): HistoryState {
  switch (action.type) {
    case 'move':
      return { ...state, cursor: Math.max(0, Math.min(action.count - 1, state.cursor + action.delta)), error: null };
    case 'to':
      return { ...state, cursor: Math.max(0, Math.min(action.count - 1, action.index)), error: null };
    case 'mark': {
      if (state.marks.includes(action.ref)) return { ...state, marks: state.marks.filter((m) => m !== action.ref) };
      // A third mark replaces the older of the two.
      return { ...state, marks: [...state.marks, action.ref].slice(-2), error: null };
    }
    case 'show':
      return { ...state, view: action.view, scroll: 0, busy: null, error: null };
    case 'close':
      return { ...state, view: null, scroll: 0 };
    case 'scroll':
      return { ...state, scroll: action.offset };
    case 'busy':
      return { ...state, busy: action.message };
    case 'error':
      return { ...state, error: action.message, busy: null };
  }
}

/** The two sides of a comparison in time order (older first; 'current' is the newest). */
export function inOrder(a: HistoryRef, b: HistoryRef): [HistoryRef, HistoryRef] {
  if (a === 'current') return [b, a];
  if (b === 'current') return [a, b];
  return a < b ? [a, b] : [b, a];
}
