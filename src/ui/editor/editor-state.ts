import { PROMPT_MAX_CHARS } from '../../schema/limits.ts';
import { codePointLength, nextBoundary, nextWordEnd, previousBoundary, previousWordStart } from '../text/graphemes.ts';
import { offsetAtColumn, rangeWidth, wrapLine, type WrapRow } from '../text/wrap.ts';

/**
 * The prompt editor's state and reducer: plain data and pure transitions, so every key is testable
 * without a terminal. Text is an array of logical lines; the cursor is a UTF-16 offset on a grapheme
 * boundary (never inside 👍🏽 or é); soft wrapping is a view concern, except that up/down and PgUp/PgDn
 * move by screen rows and so take the wrap width.
 */
export interface Cursor {
  row: number;
  col: number;
}

interface Snapshot {
  lines: readonly string[];
  cursor: Cursor;
  chars: number;
}

export interface EditorState {
  lines: readonly string[];
  cursor: Cursor;
  /** The display column up/down try to keep (like every editor's "goal column"). */
  goalX: number | null;
  undo: readonly Snapshot[];
  redo: readonly Snapshot[];
  /** Consecutive typing (or deleting) is one undo step. */
  coalesce: 'insert' | 'delete' | null;
  /** Code points, newlines included: what PROMPT_MAX_CHARS and char_length() count. */
  chars: number;
  maxChars: number;
  /** A one-line notice (a refused paste); cleared by the next edit. */
  message: string | null;
  /** Bumped by every change of the text (not by cursor moves). */
  revision: number;
}

export type Motion = 'left' | 'right' | 'wordLeft' | 'wordRight' | 'lineStart' | 'lineEnd' | 'docStart' | 'docEnd';

export type EditorAction =
  | { type: 'insert'; text: string }
  | { type: 'paste'; text: string }
  | { type: 'newline' }
  | { type: 'backspace' }
  | { type: 'delete' }
  | { type: 'deleteWordBack' }
  | { type: 'move'; motion: Motion }
  | { type: 'vertical'; rows: number; width: number }
  | { type: 'undo' }
  | { type: 'redo' }
  | { type: 'replaceAll'; text: string }
  | { type: 'dismissMessage' };

const UNDO_LIMIT = 500;

export function normaliseNewlines(text: string): string {
  return text.replace(/\r\n?/g, '\n');
}

export function createEditorState(text: string, maxChars = PROMPT_MAX_CHARS): EditorState {
  const normalised = normaliseNewlines(text);
  return {
    lines: normalised.split('\n'),
    cursor: { row: 0, col: 0 },
    goalX: null,
    undo: [],
    redo: [],
    coalesce: null,
    chars: codePointLength(normalised),
    maxChars,
    message: null,
    revision: 0,
  };
}

export function editorText(state: EditorState): string {
  return state.lines.join('\n');
}

function snapshot(state: EditorState): Snapshot {
  return { lines: state.lines, cursor: state.cursor, chars: state.chars };
}

/** Applies a text change, recording an undo step unless it continues the same run of typing. */
function commit(state: EditorState, next: Pick<EditorState, 'lines' | 'cursor' | 'chars'>, kind: 'insert' | 'delete' | null): EditorState {
  const continues = kind !== null && state.coalesce === kind && state.undo.length > 0;
  const undo = continues ? state.undo : [...state.undo, snapshot(state)].slice(-UNDO_LIMIT);
  return { ...state, ...next, undo, redo: [], coalesce: kind, goalX: null, message: null, revision: state.revision + 1 };
}

/** Inserts `text` (may hold newlines) at the cursor. */
function insertText(state: EditorState, text: string, kind: 'insert' | null, what: string): EditorState {
  const added = codePointLength(text);
  if (state.chars + added > state.maxChars) {
    const room = Math.max(0, state.maxChars - state.chars);
    return {
      ...state,
      coalesce: null,
      message: `${what} refused: the prompt is limited to ${state.maxChars.toLocaleString('en')} characters (${added.toLocaleString('en')} more would exceed it; room for ${room.toLocaleString('en')})`,
    };
  }
  const { row, col } = state.cursor;
  const line = state.lines[row]!;
  const parts = text.split('\n');
  const before = line.slice(0, col);
  const after = line.slice(col);
  let inserted: string[];
  let cursor: Cursor;
  if (parts.length === 1) {
    inserted = [before + text + after];
    cursor = { row, col: col + text.length };
  } else {
    const last = parts[parts.length - 1]!;
    inserted = [before + parts[0]!, ...parts.slice(1, -1), last + after];
    cursor = { row: row + parts.length - 1, col: last.length };
  }
  const lines = [...state.lines.slice(0, row), ...inserted, ...state.lines.slice(row + 1)];
  // A space ends a run of typing: undo then takes back a word at a time.
  const continues = kind === 'insert' && text !== ' ' ? 'insert' : null;
  const next = commit(state, { lines, cursor, chars: state.chars + added }, continues);
  return kind === 'insert' && text === ' ' ? { ...next, coalesce: 'insert' } : next;
}

/** Deletes [from, to) where both are cursors, from before to. */
function deleteRange(state: EditorState, from: Cursor, to: Cursor, kind: 'delete' | null): EditorState {
  if (from.row === to.row && from.col === to.col) return state;
  const head = state.lines[from.row]!.slice(0, from.col);
  const tail = state.lines[to.row]!.slice(to.col);
  const span = state.lines.slice(from.row, to.row + 1).join('\n');
  const removedText = span.slice(from.col, span.length - tail.length);
  const lines = [...state.lines.slice(0, from.row), head + tail, ...state.lines.slice(to.row + 1)];
  return commit(state, { lines, cursor: from, chars: state.chars - codePointLength(removedText) }, kind);
}

function moveCursor(state: EditorState, motion: Motion): Cursor {
  const { row, col } = state.cursor;
  const line = state.lines[row]!;
  const last = state.lines.length - 1;
  switch (motion) {
    case 'left':
      if (col > 0) return { row, col: previousBoundary(line, col) };
      return row > 0 ? { row: row - 1, col: state.lines[row - 1]!.length } : state.cursor;
    case 'right':
      if (col < line.length) return { row, col: nextBoundary(line, col) };
      return row < last ? { row: row + 1, col: 0 } : state.cursor;
    case 'wordLeft':
      if (col === 0) return row > 0 ? { row: row - 1, col: state.lines[row - 1]!.length } : state.cursor;
      return { row, col: previousWordStart(line, col) };
    case 'wordRight':
      if (col >= line.length) return row < last ? { row: row + 1, col: 0 } : state.cursor;
      return { row, col: nextWordEnd(line, col) };
    case 'lineStart':
      return { row, col: 0 };
    case 'lineEnd':
      return { row, col: line.length };
    case 'docStart':
      return { row: 0, col: 0 };
    case 'docEnd':
      return { row: last, col: state.lines[last]!.length };
  }
}

/** Which wrapped row of its line the cursor is on (at a wrap point it belongs to the next row). */
export function visualRowOf(rows: readonly WrapRow[], col: number): number {
  for (let k = 0; k < rows.length; k++) {
    const r = rows[k]!;
    if (col < r.end || k === rows.length - 1) return k;
    if (col === r.end && rows[k + 1]?.start !== r.end) return k;
  }
  return rows.length - 1;
}

/** The cursor's display column within its wrapped row. */
export function cursorX(state: EditorState, width: number): number {
  const line = state.lines[state.cursor.row]!;
  const rows = wrapLine(line, width);
  const r = rows[visualRowOf(rows, state.cursor.col)]!;
  return rangeWidth(line, r.start, state.cursor.col);
}

/** Moves by screen rows (soft-wrapped), keeping the goal column. */
function moveVertical(state: EditorState, delta: number, width: number): EditorState {
  let { row } = state.cursor;
  let rows = wrapLine(state.lines[row]!, width);
  let k = visualRowOf(rows, state.cursor.col);
  const goalX = state.goalX ?? cursorX(state, width);
  let steps = Math.abs(delta);
  while (steps > 0) {
    if (delta > 0) {
      if (k + 1 < rows.length) k++;
      else if (row + 1 < state.lines.length) {
        row++;
        rows = wrapLine(state.lines[row]!, width);
        k = 0;
      } else break;
    } else if (k > 0) k--;
    else if (row > 0) {
      row--;
      rows = wrapLine(state.lines[row]!, width);
      k = rows.length - 1;
    } else break;
    steps--;
  }
  const line = state.lines[row]!;
  const r = rows[k]!;
  // On a row that wraps, the last offset belongs to the next row: stop before it.
  const end = k < rows.length - 1 ? previousBoundary(line, r.end) : r.end;
  const col = steps > 0 && delta > 0 ? line.length : steps > 0 && delta < 0 ? 0 : offsetAtColumn(line, r.start, Math.max(r.start, end), goalX);
  return { ...state, cursor: { row, col }, goalX, coalesce: null };
}

export function editorReducer(state: EditorState, action: EditorAction): EditorState {
  switch (action.type) {
    case 'insert': {
      const text = normaliseNewlines(action.text);
      // Several characters at once without bracketed paste (a terminal that does not support it): one edit.
      return insertText(state, text, text.length <= 2 && !text.includes('\n') ? 'insert' : null, 'typing');
    }
    case 'paste':
      return insertText({ ...state, coalesce: null }, normaliseNewlines(action.text), null, 'paste');
    case 'newline':
      return insertText({ ...state, coalesce: null }, '\n', null, 'new line');
    case 'backspace': {
      const from = moveCursor(state, 'left');
      return deleteRange(state, from, state.cursor, 'delete');
    }
    case 'delete': {
      const to = moveCursor(state, 'right');
      return deleteRange(state, state.cursor, to, 'delete');
    }
    case 'deleteWordBack': {
      const from = moveCursor(state, 'wordLeft');
      return deleteRange({ ...state, coalesce: null }, from, state.cursor, null);
    }
    case 'move':
      return { ...state, cursor: moveCursor(state, action.motion), goalX: null, coalesce: null };
    case 'vertical':
      return moveVertical(state, action.rows, action.width);
    case 'undo': {
      const previous = state.undo.at(-1);
      if (!previous) return { ...state, message: 'nothing to undo' };
      return {
        ...state,
        ...previous,
        undo: state.undo.slice(0, -1),
        redo: [...state.redo, snapshot(state)],
        coalesce: null,
        goalX: null,
        message: null,
        revision: state.revision + 1,
      };
    }
    case 'redo': {
      const next = state.redo.at(-1);
      if (!next) return { ...state, message: 'nothing to redo' };
      return {
        ...state,
        ...next,
        redo: state.redo.slice(0, -1),
        undo: [...state.undo, snapshot(state)],
        coalesce: null,
        goalX: null,
        message: null,
        revision: state.revision + 1,
      };
    }
    case 'replaceAll': {
      const text = normaliseNewlines(action.text);
      const chars = codePointLength(text);
      if (chars > state.maxChars) {
        return { ...state, message: `the edited prompt has ${chars.toLocaleString('en')} characters; the limit is ${state.maxChars.toLocaleString('en')}` };
      }
      const lines = text.split('\n');
      const row = Math.min(state.cursor.row, lines.length - 1);
      return commit({ ...state, coalesce: null }, { lines, cursor: { row, col: 0 }, chars }, null);
    }
    case 'dismissMessage':
      return state.message ? { ...state, message: null } : state;
  }
}
