import { lineInput, lineInputReducer, type LineInputAction, type LineInputState } from '../components/line-input.tsx';

/** The state of a list screen (k9s-style browser): cursor, filter being typed, sort column and direction. */
export interface ListState<K extends string> {
  /** The selected row's position in the whole list (the rows in memory are a window of it). */
  cursor: number;
  /** The filter as typed (what the query uses): `filterInput.value`. */
  filter: string;
  /** The filter line being edited: a one-line field like every other (cursor, Ctrl-U, Ctrl-W, undo). */
  filterInput: LineInputState;
  filtering: boolean;
  sort: K;
  descending: boolean;
}

export type ListAction<K extends string> =
  | { type: 'move'; delta: number; count: number; min?: number }
  | { type: 'top' }
  | { type: 'set'; cursor: number }
  | { type: 'bottom'; count: number }
  | { type: 'clamp'; count: number }
  | { type: 'startFilter' }
  | { type: 'typeFilter'; text: string }
  | { type: 'editFilter'; action: LineInputAction }
  | { type: 'endFilter' }
  | { type: 'clearFilter' }
  | { type: 'cycleSort'; keys: readonly K[]; descendingFor?: (key: K) => boolean }
  | { type: 'reverse' };

export function initialList<K extends string>(sort: K, descending = false): ListState<K> {
  return { cursor: 0, filter: '', filterInput: lineInput(''), filtering: false, sort, descending };
}

export function listReducer<K extends string>(state: ListState<K>, action: ListAction<K>): ListState<K> {
  switch (action.type) {
    case 'move':
      // Within the rows held (min…count-1): moving past them fetches more, then moves on.
      return { ...state, cursor: Math.max(Math.min(action.min ?? 0, state.cursor), Math.min(action.count - 1, state.cursor + action.delta)) };
    case 'top':
      return { ...state, cursor: 0 };
    case 'set':
      return { ...state, cursor: Math.max(0, action.cursor) };
    case 'bottom':
      return { ...state, cursor: Math.max(0, action.count - 1) };
    case 'clamp':
      // Only past the end: a cursor before the rows held is waiting for them to be fetched again (top, page up).
      return state.cursor < action.count || state.cursor === 0 ? state : { ...state, cursor: Math.max(0, action.count - 1) };
    case 'startFilter':
      return { ...state, filtering: true };
    case 'typeFilter':
      // A filter is one line: a pasted newline or tab becomes a space.
      return listReducer(state, { type: 'editFilter', action: { type: 'insert', text: action.text.replace(/[\r\n\t]+/g, ' ') } });
    case 'editFilter': {
      const filterInput = lineInputReducer(state.filterInput, action.action);
      // A new filter starts at its first row; moving the cursor in the line changes nothing below it.
      return filterInput.value === state.filter ? { ...state, filterInput } : { ...state, filterInput, filter: filterInput.value, cursor: 0 };
    }
    case 'endFilter':
      return { ...state, filtering: false };
    case 'clearFilter':
      return { ...state, filter: '', filterInput: lineInput(''), filtering: false, cursor: 0 };
    case 'cycleSort': {
      const i = action.keys.indexOf(state.sort);
      const sort = action.keys[(i + 1) % action.keys.length]!;
      // Each column starts in its natural direction (newest first for dates, A–Z for text); S reverses.
      return { ...state, sort, descending: action.descendingFor?.(sort) ?? false, cursor: 0 };
    }
    case 'reverse':
      return { ...state, descending: !state.descending, cursor: 0 };
  }
}
