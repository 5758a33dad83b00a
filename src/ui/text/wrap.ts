import { boundedMemo } from '../../lib/bounded-memo.ts';
import { sanitizeText } from '../../lib/sanitize.ts';
import { displayWidth, isPlainAscii, segments } from './graphemes.ts';

/** One screen row of a soft-wrapped logical line: UTF-16 offsets into that line. */
export interface WrapRow {
  start: number;
  end: number;
}

/** A grapheme as it is drawn: database text is sanitised (a control character shows as `\x1b`). */
export function cellText(grapheme: string): string {
  return isPlainAscii(grapheme) ? grapheme : sanitizeText(grapheme);
}

// Per grapheme, remembered: a key re-wraps the 1,000-character paragraph it lands in, and sanitising and
// measuring each of its graphemes again (ä, ы, 👋: the same few dozen) was most of a key's wrap.
const drawnWidth = boundedMemo((grapheme) => displayWidth(cellText(grapheme)));

export function cellWidth(grapheme: string): number {
  if (grapheme.length === 1) {
    const c = grapheme.charCodeAt(0);
    if (c >= 0x20 && c <= 0x7e) return 1;
  }
  return isPlainAscii(grapheme) ? grapheme.length : drawnWidth(grapheme);
}

interface Cell {
  index: number;
  text: string;
  width: number;
}

/** The cells of line[from, end): `from` is a grapheme boundary, so they are the whole line's cells from there. */
function* cellsFrom(line: string, from: number): Generator<Cell> {
  const part = from === 0 ? line : line.slice(from);
  if (isPlainAscii(part)) {
    for (let i = 0; i < part.length; i++) yield { index: from + i, text: part[i]!, width: 1 };
    return;
  }
  for (const s of segments(part)) yield { index: from + s.index, text: s.segment, width: cellWidth(s.segment) };
}

/**
 * Soft wrap at word boundaries (after a space), or mid-word when a word is wider than the row. Every row
 * is at most `width` cells; an empty line is one empty row. Starts at `from`, a row start; `resume` may end
 * the work at a later row start by returning the rows from there on (known from an earlier wrap).
 */
function computeWrap(line: string, width: number, from = 0, resume?: (rowStart: number) => WrapRow[] | null): WrapRow[] {
  const rows: WrapRow[] = [];
  let rowStart = from;
  let used = 0;
  let breakAt = -1; // offset just after the last space in this row
  let widthAtBreak = 0;
  for (const cell of cellsFrom(line, from)) {
    // `while`: after breaking at a space the rest of the word plus a wide character can still overflow.
    while (used + cell.width > width && cell.index > rowStart) {
      if (breakAt > rowStart && cell.text !== ' ') {
        rows.push({ start: rowStart, end: breakAt });
        rowStart = breakAt;
        used -= widthAtBreak;
      } else {
        rows.push({ start: rowStart, end: cell.index });
        rowStart = cell.index;
        used = 0;
      }
      breakAt = -1;
      // The rows from a row start depend only on the text from there: an earlier wrap may know them.
      const rest = resume?.(rowStart);
      if (rest) return rows.concat(rest);
    }
    used += cell.width;
    if (cell.text === ' ') {
      breakAt = cell.index + 1;
      widthAtBreak = used;
    }
  }
  rows.push({ start: rowStart, end: line.length });
  return rows;
}

/** The wrap of `line` from scratch (what wrapLine answers, without its memory). */
export function wrapFresh(line: string, width: number): WrapRow[] {
  return computeWrap(line, Math.max(1, width));
}

/**
 * The wrap of `line` from the wrap of `old`, another version of it (the paragraph before the last key):
 * the rows before the edit are kept, the work starts a row before the edit (a shorter word may now fit on
 * the row above), and ends at the first row start after the edit that `old` also had, at the same place
 * in the unchanged rest; from there the old rows are kept, moved by the change in length. A key in a
 * 1,000-character paragraph then measures two or three rows, not the paragraph.
 */
function rewrap(old: string, oldRows: WrapRow[], line: string, width: number): WrapRow[] {
  const shortest = Math.min(old.length, line.length);
  let prefix = 0;
  while (prefix < shortest && old.charCodeAt(prefix) === line.charCodeAt(prefix)) prefix++;
  let suffix = 0;
  while (suffix < shortest - prefix && old.charCodeAt(old.length - 1 - suffix) === line.charCodeAt(line.length - 1 - suffix)) suffix++;
  const delta = line.length - old.length;
  const changedEnd = line.length - suffix;
  // The row holding the last unchanged unit before the edit (a mark typed after a letter joins it).
  let k = 0;
  while (k + 1 < oldRows.length && oldRows[k + 1]!.start <= Math.max(0, prefix - 1)) k++;
  const restart = Math.max(0, k - 1);
  let next = restart + 1;
  const resume = (rowStart: number): WrapRow[] | null => {
    if (rowStart < changedEnd || rowStart <= prefix) return null;
    const wanted = rowStart - delta;
    while (next < oldRows.length && oldRows[next]!.start < wanted) next++;
    if (next >= oldRows.length || oldRows[next]!.start !== wanted) return null;
    return oldRows.slice(next).map((r) => ({ start: r.start + delta, end: r.end + delta }));
  };
  return [...oldRows.slice(0, restart), ...computeWrap(line, width, oldRows[restart]!.start, resume)];
}

// Per width, keyed by the line itself: an unchanged line is the same string from keystroke to keystroke,
// whose hash V8 keeps, so looking up every line of a 99,000-character prompt costs no pass over its text
// (a key built as width + line would be a new string each time, hashed in full).
const cache = new Map<number, Map<string, WrapRow[]>>();
const CACHE_MAX = 5000;
// Per width, the line wrapped last: while typing, the line a key changed, as it was before the key.
const lastWrapped = new Map<number, { line: string; rows: WrapRow[] }>();

/** Wrapped rows of one logical line, memoised: a keystroke re-wraps only the rows around its edit. */
export function wrapLine(line: string, width: number): WrapRow[] {
  const w = Math.max(1, width);
  if (line.length < w && isPlainAscii(line)) return [{ start: 0, end: line.length }];
  let byLine = cache.get(w);
  if (!byLine) {
    if (cache.size >= 8) {
      const first = cache.keys().next().value!;
      cache.delete(first);
      lastWrapped.delete(first);
    }
    byLine = new Map();
    cache.set(w, byLine);
  }
  let rows = byLine.get(line);
  if (!rows) {
    const last = lastWrapped.get(w);
    rows = last ? rewrap(last.line, last.rows, line, w) : computeWrap(line, w);
    lastWrapped.set(w, { line, rows });
    if (byLine.size >= CACHE_MAX) byLine.delete(byLine.keys().next().value!);
    byLine.set(line, rows);
  }
  return rows;
}

/** Display width of line[start, end) as drawn. */
export function rangeWidth(line: string, start: number, end: number): number {
  const part = line.slice(start, end);
  if (isPlainAscii(part)) return part.length;
  let w = 0;
  for (const s of segments(part)) w += cellWidth(s.segment);
  return w;
}

/** The offset in line[start, end) whose drawn column is closest to (not past) `x`. */
export function offsetAtColumn(line: string, start: number, end: number, x: number): number {
  const part = line.slice(start, end);
  if (isPlainAscii(part)) return start + Math.min(Math.max(0, x), part.length);
  let used = 0;
  for (const s of segments(part)) {
    const w = cellWidth(s.segment);
    if (used + w > x) return start + s.index;
    used += w;
  }
  return end;
}

/**
 * The drawn text of a row's characters, remembered: a key redraws every row on screen, and all but the one
 * or two it changed are the same strings as in the frame before, so they are not sanitised again (a screen
 * of 97-character rows of German, Russian and emoji is ~2,400 graphemes to segment per key otherwise).
 */
const drawnPart = boundedMemo((part) => sanitizeText(part).replace(/\n/g, '\\n'));

/** The drawn text of line[start, end). */
export function drawRange(line: string, start: number, end: number): string {
  const part = line.slice(start, end);
  return isPlainAscii(part) ? part : drawnPart(part);
}

/**
 * Drawn in the margin before a soft-wrapped continuation row: clearly not text (the text never shows it
 * there) and not a diff sign, so one long line never reads as several.
 */
export const CONTINUATION = '↪';

/** Wraps multi-line text for a read-only view: each logical line sanitised and soft-wrapped. */
export function wrapText(text: string, width: number): string[] {
  return wrapTextRows(text, width).map((row) => row.text);
}

/** As wrapText, saying which rows continue the logical line before them. */
export function wrapTextRows(text: string, width: number): { text: string; continued: boolean }[] {
  const out: { text: string; continued: boolean }[] = [];
  for (const line of text.split('\n')) {
    wrapLine(line, width).forEach((row, k) => out.push({ text: drawRange(line, row.start, row.end), continued: k > 0 }));
  }
  return out;
}
