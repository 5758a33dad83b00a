import { describe, expect, it } from 'vitest';
import { graphemeSegments, lazySegmenter } from '../../src/lib/grapheme-segments.ts';
import { groupedCount } from '../../src/lib/grouped-count.ts';

/** What string-width and Ink's tokenizer got before: ICU's segments, index and text. */
const icu = new Intl.Segmenter();
const expected = (text: string) => Array.from(icu.segment(text), ({ segment, index }) => ({ segment, index }));
const ours = (text: string) => Array.from(graphemeSegments(text), ({ segment, index }) => ({ segment, index }));

/** Every BMP code point but the surrogates, and some astral ones (emoji, tags, CJK extension B). */
const codePoints = [...Array.from({ length: 0xd800 }, (_, i) => i), ...Array.from({ length: 0x10000 - 0xe000 }, (_, i) => 0xe000 + i), 0x1f600, 0x1f3fb, 0x1f1e9, 0xe0049, 0x20000];
const chars = codePoints.map((cp) => String.fromCodePoint(cp));
/** The characters graphemeSegments takes as clusters of their own (its SINGLES, one at a time). */
const SIMPLE = /^[\0-\x0C\x0E-\u02FF\u2010-\u2027\u2030-\u205E\u2190-\u23FF\u2500-\u25FF]$/;

describe('graphemeSegments', () => {
  it('gives the segments Intl.Segmenter gives: every code point alone and between the characters that join clusters', () => {
    // What joins clusters: combining marks, joiners, variation selectors, CR LF, Hangul, regional indicators,
    // emoji modifiers, tags, prepend and spacing marks; then plain text, controls and the console's symbols.
    const joiners = ['\u0301', '\u200d', '\u200c', '\ufe0f', '\r', '\u1100', '\u1161', '\uac00', '\u{1f1e9}', '\u{1f3fb}', '\u{e0049}', '\u0600', '\u0903'];
    const plain = ['a', 'é', '\n', '·', '─', '…', '↑', '\x1b', '\u00ad', ' ', '\u2028'];
    const same = (a: { segment: string; index: number }[], b: { segment: string; index: number }[]) =>
      a.length === b.length && a.every((x, i) => x.segment === b[i]!.segment && x.index === b[i]!.index);
    const failures: string[] = [];
    for (const c of chars) {
      // A text with any other character goes to ICU whole; those are checked alone and after a letter.
      const texts = SIMPLE.test(c) ? [...plain, ...joiners].flatMap((n) => [c + n, n + c, n + c + n]) : ['a' + c];
      for (const text of [c, ...texts]) if (!same(ours(text), expected(text))) failures.push(JSON.stringify(text));
      if (failures.length > 20) break;
    }
    expect(failures).toEqual([]);
  });

  it('gives the same segments for random text, styled or not (the frames Ink tokenizes)', () => {
    const simple = chars.filter((c) => SIMPLE.test(c));
    let seed = 13;
    const random = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2 ** 31), seed % n);
    for (let i = 0; i < 20_000; i++) {
      const pool = i % 4 === 0 ? chars : simple;
      const text = Array.from({ length: 1 + random(12) }, () => (random(5) === 0 ? '\x1b[1m' : pool[random(pool.length)]!)).join('');
      expect(ours(text), JSON.stringify(text)).toEqual(expected(text));
    }
  });

  it('a lazy segmenter segments as the one it stands for', () => {
    const text = 'Grüße 👍🏽 und 家, wörter';
    expect(Array.from(lazySegmenter(undefined, { granularity: 'word' }).segment(text), (s) => s.segment)).toEqual(
      Array.from(new Intl.Segmenter(undefined, { granularity: 'word' }).segment(text), (s) => s.segment),
    );
  });
});

describe('groupedCount', () => {
  it("writes whole numbers as toLocaleString('en') does", () => {
    const numbers = [0, 1, 7, 12, 999, 1000, 1001, 99_999, 100_000, 123_456, 1_000_000, 100_000_000, -1, -1000, -1_234_567, Number.MAX_SAFE_INTEGER, -Number.MAX_SAFE_INTEGER];
    for (let n = 1; n < 1e15; n = n * 7 + 3) numbers.push(n, -n);
    for (const n of numbers) expect(groupedCount(n), String(n)).toBe(n.toLocaleString('en'));
    for (const n of [1.5, -0, 2 ** 60, NaN, Infinity]) expect(groupedCount(n)).toBe(n.toLocaleString('en'));
  });
});
