// A key in a 99,000-character prompt costs work in proportion to the line it changed, not to the text
// (#13.3): counted, not timed, so a busy machine cannot make these pass or fail.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { benchPrompt } from '../../bench/keystroke.ts';
import { createEditorStore } from '../../src/ui/editor/editor-store.ts';
import { wrapLine } from '../../src/ui/text/wrap.ts';

const sanitized = vi.hoisted(() => ({ calls: 0 }));
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
});

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
});
