/**
 * Grapheme clusters without waking ICU's segmenter for text whose every code point is a cluster of its own.
 * The first `Intl.Segmenter` of a process costs ~12 ms of CPU (ICU loads its break rules), and string-width,
 * Ink's tokenizer, wrap-ansi and slice-ansi each built one as they loaded: the console paid it before its
 * first rows, which are ASCII, German or box-drawing text. scripts/build.ts makes string-width and the
 * tokenizer segment through here and the others build theirs on first use (lazySegmenter).
 *
 * SINGLES holds code points that UAX #29 never joins to a neighbour when the text has nothing else: no
 * combining marks (U+0300 on), joiners, variation selectors, Hangul jamo, regional indicators or emoji
 * modifiers, and no CR (CR LF is one cluster); controls are clusters of their own. Latin-1 and Latin
 * Extended, IPA and spacing modifiers, general punctuation without its format characters, arrows, maths
 * and technical symbols, box drawing, blocks and geometric shapes. test/lib/grapheme-segments.test.ts checks
 * it against Intl.Segmenter.
 */
const SINGLES = /^[\0-\x0C\x0E-\u02FF\u2010-\u2027\u2030-\u205E\u2190-\u23FF\u2500-\u25FF]*$/;

export interface GraphemeSegment {
  segment: string;
  index: number;
}

let segmenter: Intl.Segmenter | undefined;

/** What `new Intl.Segmenter().segment(text)` yields (segment and index), without ICU for simple text. */
export function graphemeSegments(text: string): Iterable<GraphemeSegment> {
  if (SINGLES.test(text)) return Array.from(text, (segment, index) => ({ segment, index }));
  return (segmenter ??= new Intl.Segmenter()).segment(text);
}

/** An `Intl.Segmenter` built on its first `segment` call, not when its module loads. */
export function lazySegmenter(locales?: Intl.LocalesArgument, options?: Intl.SegmenterOptions): Pick<Intl.Segmenter, 'segment'> {
  let real: Intl.Segmenter | undefined;
  return { segment: (text) => (real ??= new Intl.Segmenter(locales, options)).segment(text) };
}
