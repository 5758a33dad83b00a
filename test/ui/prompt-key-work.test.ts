// A key in a 99,000-character prompt costs work in proportion to the line it changed, not to the text
// (#13.3): counted, not timed, so a busy machine cannot make these pass or fail.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { benchPrompt } from '../../bench/keystroke.ts';
import { createEditorStore } from '../../src/ui/editor/editor-store.ts';
import { wrapFresh, wrapLine } from '../../src/ui/text/wrap.ts';

const sanitized = vi.hoisted(() => ({ calls: 0 }));
const segmented = vi.hoisted(() => ({ units: 0 }));
vi.mock('../../src/ui/text/graphemes.ts', async (importOriginal) => {
  const original = await importOriginal<typeof import('../../src/ui/text/graphemes.ts')>();
  return {
    ...original,
    segments: function* (text: string) {
      for (const s of original.segments(text)) {
        segmented.units++;
        yield s;
      }
    },
  };
});
vi.mock('../../src/lib/sanitize.ts', async (importOriginal) => {
  const original = await importOriginal<typeof import('../../src/lib/sanitize.ts')>();
  return {
    ...original,
    sanitizeText: (...args: Parameters<typeof original.sanitizeText>) => {
      sanitized.calls++;
      return original.sanitizeText(...args);
    },
  };
});

/** Counts Array.prototype.join calls on arrays of more than `min` items while `run` runs. */
function countLongJoins(min: number, run: () => void): number {
  const join = Array.prototype.join;
  let count = 0;
  Array.prototype.join = function (this: unknown[], separator?: string) {
    if (this.length > min) count++;
    return join.call(this, separator);
  };
  try {
    run();
  } finally {
    Array.prototype.join = join;
  }
  return count;
}

afterEach(() => {
  sanitized.calls = 0;
  segmented.units = 0;
});

/** A deterministic pseudo-random source (the same edits on every run). */
function random(seed: number): () => number {
  return () => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return seed / 2 ** 31;
  };
}

describe('a key in a 99,000-character prompt', () => {
  it('joins the text around the line it changed without joining the other lines again', () => {
    const store = createEditorStore(benchPrompt(99_000));
    store.dispatch({ type: 'vertical', rows: 300, width: 97 });
    expect(store.get().cursor.row).toBeGreaterThan(50);
    store.dispatch({ type: 'insert', text: 'x' });
    store.text();
    const texts: string[] = [];
    const joins = countLongJoins(10, () => {
      for (let i = 0; i < 20; i++) {
        store.dispatch({ type: 'insert', text: 'y' });
        texts.push(store.text());
      }
    });
    expect(joins).toBe(0);
    // And it is the text: every line, in order, with the keys typed.
    expect(texts.at(-1)).toBe(store.get().lines.join('\n'));
    expect(texts.at(-1)).toContain('x'.concat('y'.repeat(20)));
    // A key on another line (after moving there) joins the lines before and after it once, then not again.
    store.dispatch({ type: 'vertical', rows: -40, width: 97 });
    store.dispatch({ type: 'insert', text: 'z' });
    expect(countLongJoins(10, () => store.text())).toBe(2);
    store.dispatch({ type: 'insert', text: 'z' });
    expect(countLongJoins(10, () => store.text())).toBe(0);
    expect(store.text()).toBe(store.get().lines.join('\n'));
    // Undo puts back lines elsewhere: the text is joined again, and right.
    store.dispatch({ type: 'undo' });
    store.dispatch({ type: 'undo' });
    expect(store.text()).toBe(store.get().lines.join('\n'));
  });

  it('re-wraps its paragraph without sanitising and measuring each of its characters again', () => {
    const line = benchPrompt(99_000)
      .split('\n')
      .find((l) => l.length > 700 && /[äöüы👋]/u.test(l))!;
    wrapLine(line, 97);
    const typed = `${line.slice(0, 300)}x${line.slice(300)}`;
    sanitized.calls = 0;
    const rows = wrapLine(typed, 97);
    // The old wrap sanitised every non-ASCII character of the paragraph on every key (hundreds).
    expect(sanitized.calls).toBeLessThanOrEqual(2);
    expect(rows.length).toBeGreaterThan(7);
    expect(rows.map((r) => typed.slice(r.start, r.end)).join('')).toBe(typed);
  });

  it('re-wraps only the rows around the key in a long paragraph, and wraps it as from scratch', () => {
    const line = benchPrompt(99_000)
      .split('\n')
      .find((l) => l.length > 700 && /[äöüы👋]/u.test(l))!;
    const before = wrapLine(line, 97);
    expect(before.length).toBeGreaterThan(7);
    let typed = line;
    for (const at of [400, 401, 402, 120, 700]) {
      typed = `${typed.slice(0, at)}ы${typed.slice(at)}`;
      segmented.units = 0;
      const rows = wrapLine(typed, 97);
      // The old wrap segmented the whole paragraph (700+ units) on every key; now the row before the key,
      // its own and the next (each at most 97 units) at most.
      expect(segmented.units).toBeLessThanOrEqual(3 * 97);
      expect(rows).toEqual(wrapFresh(typed, 97));
    }
  });

  it('wraps every edit of awkward text exactly as from scratch (random edits)', () => {
    const next = random(13);
    const pieces = ['a', 'b', ' ', ' ', '  ', 'ä', 'ы', '家', '👋', '👍🏽', 'e\u0301', '\u0301', '\u200d', '👨\u200d👩', '🇩🇪', '🇩', '\u00ad', '\u{E0049}', 'word ', 'Wortlänge ', '\t', 'x'.repeat(30)];
    for (const width of [97, 20, 7, 3, 1]) {
      let line = Array.from({ length: 120 }, () => pieces[Math.floor(next() * pieces.length)]).join('');
      wrapLine(line, width);
      for (let i = 0; i < 300; i++) {
        const at = Math.floor(next() * (line.length + 1));
        if (next() < 0.6) line = line.slice(0, at) + pieces[Math.floor(next() * pieces.length)] + line.slice(at);
        else line = line.slice(0, at) + line.slice(at + 1 + Math.floor(next() * 3));
        expect(wrapLine(line, width), `width ${width}, edit ${i}`).toEqual(wrapFresh(line, width));
      }
    }
  });
});
