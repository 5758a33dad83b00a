import stringWidth from 'string-width';
import { lazySegmenter } from '../../lib/grapheme-segments.ts';
import { splitHidden } from '../../lib/sanitize.ts';

/**
 * Display-width arithmetic for the terminal: what a person sees is grapheme clusters (é, 👍🏽, 家) taking
 * one or two cells, not UTF-16 code units. Every cursor, truncation and wrap in the console goes through
 * here so Cyrillic, German, CJK and emoji line up. A character that is drawn escaped (a tag character, a
 * soft hyphen, a ZWJ between letters) is a unit of its own, although the segmenter would glue it to the
 * letter before it: the cursor steps over `\u{E0049}` one code point at a time, so the exact text can be
 * edited where it is shown.
 */
const segmenter = lazySegmenter(undefined, { granularity: 'grapheme' });

export interface Segment {
  /** UTF-16 offset in the text. */
  index: number;
  segment: string;
}

/** The units a person sees and the cursor steps over: grapheme clusters, with escaped characters apart. */
export function* segments(text: string): Generator<Segment> {
  for (const s of segmenter.segment(text)) {
    const pieces = splitHidden(s.segment);
    if (pieces.length === 1) {
      yield { index: s.index, segment: s.segment };
      continue;
    }
    let index = s.index;
    for (const piece of pieces) {
      yield { index, segment: piece };
      index += piece.length;
    }
  }
}

// Printable ASCII: one cell per code unit, no segmentation needed (the common case, kept fast).
const PLAIN_ASCII = /^[\x20-\x7e]*$/;

export function isPlainAscii(text: string): boolean {
  return PLAIN_ASCII.test(text);
}

export function graphemes(text: string): string[] {
  if (isPlainAscii(text)) return text.split('');
  return Array.from(segments(text), (s) => s.segment);
}

/** The first unit of `text` ('' for none), segmenting no further than it. */
export function firstGrapheme(text: string): string {
  for (const s of segments(text)) return s.segment;
  return '';
}

/** Grapheme boundaries of `text` as UTF-16 offsets, including 0 and text.length. */
export function graphemeBoundaries(text: string): number[] {
  if (isPlainAscii(text)) return Array.from({ length: text.length + 1 }, (_, i) => i);
  const out = [0];
  for (const s of segments(text)) out.push(s.index + s.segment.length);
  return out;
}

export function displayWidth(text: string): number {
  return isPlainAscii(text) ? text.length : stringWidth(text);
}

/** The offset of the grapheme boundary before `offset` (0 at the start). */
export function previousBoundary(text: string, offset: number): number {
  if (offset <= 0) return 0;
  if (isPlainAscii(text)) return offset - 1;
  let previous = 0;
  for (const s of segments(text)) {
    if (s.index >= offset) break;
    previous = s.index;
  }
  return previous;
}

/** The offset of the grapheme boundary after `offset` (text.length at the end). */
export function nextBoundary(text: string, offset: number): number {
  if (offset >= text.length) return text.length;
  if (isPlainAscii(text)) return offset + 1;
  for (const s of segments(text)) {
    const end = s.index + s.segment.length;
    if (end > offset) return end;
  }
  return text.length;
}

const words = lazySegmenter(undefined, { granularity: 'word' });

/** The start of the word before `offset` (Ctrl-Left, Ctrl-W): 0 when there is none. */
export function previousWordStart(text: string, offset: number): number {
  let target = 0;
  for (const s of words.segment(text)) {
    if (s.index >= offset) break;
    if (s.isWordLike) target = s.index;
  }
  return target;
}

/** The end of the word at or after `offset` (Ctrl-Right): text.length when there is none. */
export function nextWordEnd(text: string, offset: number): number {
  for (const s of words.segment(text)) {
    const end = s.index + s.segment.length;
    if (s.isWordLike && end > offset) return end;
  }
  return text.length;
}

/** Cuts `text` to at most `width` cells, ending in … when something was cut. */
export function truncate(text: string, width: number): string {
  if (width <= 0) return '';
  if (displayWidth(text) <= width) return text;
  let out = '';
  let used = 0;
  for (const g of graphemes(text)) {
    const w = displayWidth(g);
    if (used + w > width - 1) break;
    out += g;
    used += w;
  }
  return out + '…';
}

/** Exactly `width` cells: truncated, then padded (left- or right-aligned). */
export function fit(text: string, width: number, align: 'left' | 'right' = 'left'): string {
  const cut = truncate(text, width);
  const pad = ' '.repeat(Math.max(0, width - displayWidth(cut)));
  return align === 'left' ? cut + pad : pad + cut;
}

/** Counts Unicode code points (what PROMPT_MAX_CHARS and char_length() count), without an array. */
export function codePointLength(text: string): number {
  let surrogates = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff) surrogates++;
  }
  return text.length - surrogates;
}

/** Cuts the middle out (…) to fit `width`: both ends of a path or a connection label stay readable. */
export function truncateMiddle(text: string, width: number): string {
  if (width <= 0) return '';
  if (displayWidth(text) <= width) return text;
  if (width < 5) return truncate(text, width);
  const parts = graphemes(text);
  const keep = width - 1;
  const headWidth = Math.ceil(keep / 3);
  let head = '';
  let used = 0;
  for (const g of parts) {
    if (used + displayWidth(g) > headWidth) break;
    head += g;
    used += displayWidth(g);
  }
  let tail = '';
  let tailUsed = 0;
  for (let i = parts.length - 1; i >= 0; i--) {
    const w = displayWidth(parts[i]!);
    if (used + tailUsed + w > keep) break;
    tail = parts[i]! + tail;
    tailUsed += w;
  }
  return `${head}…${tail}`;
}
