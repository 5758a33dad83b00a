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

function cells(line: string): Cell[] {
  if (isPlainAscii(line)) return Array.from(line, (ch, index) => ({ index, text: ch, width: 1 }));
  return Array.from(segments(line), (s) => ({ index: s.index, text: s.segment, width: cellWidth(s.segment) }));
}

/**
 * Soft wrap at word boundaries (after a space), or mid-word when a word is wider than the row. Every row
 * is at most `width` cells; an empty line is one empty row.
 */
function computeWrap(line: string, width: number): WrapRow[] {
  const rows: WrapRow[] = [];
  const all = cells(line);
  let rowStart = 0;
  let used = 0;
  let breakAt = -1; // offset just after the last space in this row
  let widthAtBreak = 0;
  for (const cell of all) {
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

// Per width, keyed by the line itself: an unchanged line is the same string from keystroke to keystroke,
// whose hash V8 keeps, so looking up every line of a 99,000-character prompt costs no pass over its text
// (a key built as width + line would be a new string each time, hashed in full).
const cache = new Map<number, Map<string, WrapRow[]>>();
const CACHE_MAX = 5000;

/** Wrapped rows of one logical line, memoised: a keystroke re-wraps only the line it changed. */
export function wrapLine(line: string, width: number): WrapRow[] {
  const w = Math.max(1, width);
  if (line.length < w && isPlainAscii(line)) return [{ start: 0, end: line.length }];
  let byLine = cache.get(w);
  if (!byLine) {
    if (cache.size >= 8) cache.delete(cache.keys().next().value!);
    byLine = new Map();
    cache.set(w, byLine);
  }
  let rows = byLine.get(line);
  if (!rows) {
    rows = computeWrap(line, w);
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

/** The drawn text of line[start, end). */
export function drawRange(line: string, start: number, end: number): string {
  const part = line.slice(start, end);
  return isPlainAscii(part) ? part : sanitizeText(part).replace(/\n/g, '\\n');
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
