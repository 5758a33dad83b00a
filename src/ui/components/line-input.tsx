import { Text, type Key } from 'ink';
import { actionFor, type Keymap } from '../keys/keymap.ts';
import { displayWidth, graphemes, nextBoundary, nextWordEnd, previousBoundary, previousWordStart } from '../text/graphemes.ts';
import { cellText, drawRange } from '../text/wrap.ts';

/** A one-line text field: its value and a cursor on a grapheme boundary. */
export interface LineInputState {
  value: string;
  cursor: number;
  /** Undo and redo (Ctrl-Z, Ctrl-Y): earlier and undone states; absent until the first edit. */
  history?: LineInputHistory;
}

interface LineInputHistory {
  past: { value: string; cursor: number }[];
  future: { value: string; cursor: number }[];
  /** The kind of the edit step still growing: typing a word, or deleting; moving the cursor ends it. */
  open?: 'typing' | 'deleting';
}

/** Steps kept per field. */
const UNDO_LIMIT = 200;

export type LineInputAction =
  | { type: 'insert'; text: string }
  | { type: 'backspace' }
  | { type: 'delete' }
  | { type: 'deleteWordBack' }
  | { type: 'deleteToStart' }
  | { type: 'deleteToEnd' }
  | { type: 'move'; to: 'left' | 'right' | 'start' | 'end' | 'wordLeft' | 'wordRight' }
  | { type: 'set'; value: string }
  | { type: 'undo' }
  | { type: 'redo' };

export const lineInput = (value: string): LineInputState => ({ value, cursor: value.length });

/** The edit itself, without history. */
function edit(state: LineInputState, action: Exclude<LineInputAction, { type: 'undo' | 'redo' }>): { value: string; cursor: number } {
  const { value, cursor } = state;
  switch (action.type) {
    case 'insert':
      return { value: value.slice(0, cursor) + action.text + value.slice(cursor), cursor: cursor + action.text.length };
    case 'backspace': {
      const from = previousBoundary(value, cursor);
      return { value: value.slice(0, from) + value.slice(cursor), cursor: from };
    }
    case 'delete':
      return { value: value.slice(0, cursor) + value.slice(nextBoundary(value, cursor)), cursor };
    case 'deleteWordBack': {
      const from = previousWordStart(value, cursor);
      return { value: value.slice(0, from) + value.slice(cursor), cursor: from };
    }
    case 'deleteToStart':
      return { value: value.slice(cursor), cursor: 0 };
    case 'deleteToEnd':
      return { value: value.slice(0, cursor), cursor };
    case 'move': {
      const to = {
        left: () => previousBoundary(value, cursor),
        right: () => nextBoundary(value, cursor),
        start: () => 0,
        end: () => value.length,
        wordLeft: () => previousWordStart(value, cursor),
        wordRight: () => nextWordEnd(value, cursor),
      }[action.to]();
      return { value, cursor: to };
    }
    case 'set':
      return { value: action.value, cursor: action.value.length };
  }
}

/**
 * The field after a key. Every change can be undone: typed characters group into one step per word,
 * successive deletions into one step, a paste or Ctrl-W is a step of its own.
 */
export function lineInputReducer(state: LineInputState, action: LineInputAction): LineInputState {
  const history = state.history ?? { past: [], future: [] };
  const here = { value: state.value, cursor: state.cursor };
  if (action.type === 'undo' || action.type === 'redo') {
    const from = action.type === 'undo' ? history.past : history.future;
    const to = action.type === 'undo' ? history.future : history.past;
    const target = from.at(-1);
    if (!target) return state;
    return { ...target, history: { past: action.type === 'undo' ? from.slice(0, -1) : [...to, here], future: action.type === 'undo' ? [...to, here] : from.slice(0, -1) } };
  }
  const next = edit(state, action);
  if (next.value === state.value) {
    // A move (or an edit that changed nothing) ends the step being typed.
    return { ...next, history: { past: history.past, future: history.future } };
  }
  const typedChar = action.type === 'insert' && Array.from(action.text).length === 1;
  const kind = typedChar ? 'typing' : action.type === 'backspace' || action.type === 'delete' ? 'deleting' : undefined;
  // A typed word continues the step; the first letter after a space starts a new one.
  const wordStarts = typedChar && /\s/.test(state.value.slice(0, state.cursor).slice(-1)) && !/\s/.test(action.text);
  const continues = kind !== undefined && history.open === kind && !wordStarts;
  const past = continues ? history.past : [...history.past, here].slice(-UNDO_LIMIT);
  return { ...next, history: { past, future: [], ...(kind ? { open: kind } : {}) } };
}

export type LineInputKey =
  | 'left'
  | 'right'
  | 'start'
  | 'end'
  | 'wordLeft'
  | 'wordRight'
  | 'backspace'
  | 'delete'
  | 'deleteWordBack'
  | 'deleteToStart'
  | 'deleteToEnd'
  | 'undo'
  | 'redo';

export const lineInputKeymap: Keymap<LineInputKey> = [
  { action: 'wordLeft', keys: ['ctrl+left', 'alt+left', 'alt+b'], description: 'previous word' },
  { action: 'wordRight', keys: ['ctrl+right', 'alt+right', 'alt+f'], description: 'next word' },
  { action: 'left', keys: ['left'], description: 'left' },
  { action: 'right', keys: ['right'], description: 'right' },
  { action: 'start', keys: ['home', 'ctrl+a'], description: 'start of the field' },
  { action: 'end', keys: ['end', 'ctrl+e'], description: 'end of the field' },
  { action: 'backspace', keys: ['backspace'], description: 'delete before the cursor' },
  { action: 'delete', keys: ['delete', 'ctrl+d'], description: 'delete at the cursor' },
  { action: 'deleteWordBack', keys: ['ctrl+w', 'alt+backspace'], description: 'delete the previous word' },
  // As in a shell (readline): Ctrl-U clears to the start of the field, Ctrl-K to its end.
  { action: 'deleteToStart', keys: ['ctrl+u'], description: 'delete to the start of the field' },
  { action: 'deleteToEnd', keys: ['ctrl+k'], description: 'delete to the end of the field' },
  { action: 'undo', keys: ['ctrl+z'], description: 'undo' },
  { action: 'redo', keys: ['ctrl+y'], description: 'redo' },
];

/** The reducer action for a bound line-input key. */
export function lineInputCommand(action: LineInputKey): LineInputAction {
  switch (action) {
    case 'backspace':
    case 'delete':
    case 'deleteWordBack':
    case 'deleteToStart':
    case 'deleteToEnd':
    case 'undo':
    case 'redo':
      return { type: action };
    default:
      return { type: 'move', to: action };
  }
}

/** Handles a key for a focused one-line field: bound keys, then printable text. False: not for the field. */
export function handleLineInputKey(input: string, key: Key, dispatch: (action: LineInputAction) => void): boolean {
  const action = actionFor(lineInputKeymap, input, key);
  if (action) {
    dispatch(lineInputCommand(action));
    return true;
  }
  if (key.ctrl || key.meta || key.escape || key.tab || key.return || !input || /[\x00-\x1f\x7f]/.test(input)) return false;
  dispatch({ type: 'insert', text: input });
  return true;
}

/**
 * What a focused field shows in `width` cells: a window of graphemes around the cursor (scrolled sideways
 * so the cursor stays in view), split at the cursor cell; `column` is where that cell is.
 */
export function lineInputView(state: LineInputState, width: number): { before: string; at: string; after: string; pad: string; column: number } {
  const { value, cursor } = state;
  const cells = graphemes(value);
  let cursorIndex = 0;
  for (let i = 0, at = 0; i < cells.length && at < cursor; i++) {
    at += cells[i]!.length;
    cursorIndex = i + 1;
  }
  const room = Math.max(1, width - 1);
  let start = 0;
  let used = 0;
  // Walk back from the cursor until the row is full: that is the window's start.
  for (let i = cursorIndex - 1; i >= 0; i--) {
    const w = displayWidth(cellText(cells[i]!));
    if (used + w > room) break;
    used += w;
    start = i;
  }
  if (cursorIndex === 0) start = 0;
  const startOffset = cells.slice(0, start).join('').length;
  const before = drawRange(value, startOffset, cursor);
  const atCell = cells[cursorIndex];
  const after = atCell ? drawRange(value, cursor + atCell.length, value.length) : '';
  const usedBefore = displayWidth(before) + (atCell ? displayWidth(cellText(atCell)) : 1);
  // Trim what follows to the remaining room.
  let afterFit = '';
  let afterUsed = 0;
  for (const g of graphemes(after)) {
    const w = displayWidth(g);
    if (usedBefore + afterUsed + w > width) break;
    afterFit += g;
    afterUsed += w;
  }
  const pad = ' '.repeat(Math.max(0, width - usedBefore - afterUsed));
  return { before, at: atCell ? cellText(atCell) : ' ', after: afterFit, pad, column: displayWidth(before) };
}

/**
 * The field as drawn: sanitised, scrolled sideways so the cursor stays in view, the cursor an inverse
 * cell when focused. Exactly `width` cells. (The terminal's own cursor is placed by the row holding it:
 * a Text cannot hold the Box that finds its place on screen; see FieldRow and TerminalCursor.)
 */
export function LineInput({ state, width, focused, placeholder }: { state: LineInputState; width: number; focused: boolean; placeholder?: string }) {
  const { value } = state;
  if (value === '' && placeholder && !focused) {
    return <Text dimColor>{placeholder.slice(0, width).padEnd(width)}</Text>;
  }
  if (!focused) {
    const plain = drawRange(value, 0, value.length);
    let shown = '';
    let w = 0;
    for (const g of graphemes(plain)) {
      const gw = displayWidth(g);
      if (w + gw > width) break;
      shown += g;
      w += gw;
    }
    return <Text>{shown + ' '.repeat(Math.max(0, width - w))}</Text>;
  }
  const view = lineInputView(state, width);
  return (
    <Text>
      {view.before}
      <Text inverse>{view.at}</Text>
      {view.after}
      {view.pad}
    </Text>
  );
}
