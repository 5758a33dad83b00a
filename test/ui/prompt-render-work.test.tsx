// A key in a 99,000-character prompt: the editor's view and status line measure the line the key changed
// and the lines on screen, not all ~400 lines of the text (#13.3). Counted, not timed.
import { describe, expect, it, vi } from 'vitest';
import { render } from 'ink-testing-library';
import { benchPrompt } from '../../bench/keystroke.ts';
import { createEditorStore } from '../../src/ui/editor/editor-store.ts';
import { PromptEditorPane } from '../../src/ui/editor/prompt-editor.tsx';
import { lineSums, sumBefore, type LineSums } from '../../src/ui/editor/line-sums.ts';

const wrapped = vi.hoisted(() => ({ calls: 0 }));
vi.mock('../../src/ui/text/wrap.ts', async (importOriginal) => {
  const original = await importOriginal<typeof import('../../src/ui/text/wrap.ts')>();
  return {
    ...original,
    wrapLine: (...args: Parameters<typeof original.wrapLine>) => {
      wrapped.calls++;
      return original.wrapLine(...args);
    },
  };
});

const sanitised = vi.hoisted(() => ({ chars: 0 }));
vi.mock('../../src/lib/sanitize.ts', async (importOriginal) => {
  const original = await importOriginal<typeof import('../../src/lib/sanitize.ts')>();
  return {
    ...original,
    sanitizeText: (value: unknown) => {
      sanitised.chars += String(value ?? '').length;
      return original.sanitizeText(value);
    },
  };
});

const tick = () => new Promise((resolve) => setImmediate(resolve));
const HEIGHT = 20;
const WIDTH = 100;

describe('the prompt editor drawing a key in a 99,000-character prompt', () => {
  it('wraps the lines on screen and the one typed into, and counts bytes of that one line', async () => {
    const store = createEditorStore(benchPrompt(99_000));
    expect(store.get().lines.length).toBeGreaterThan(300);
    const view = render(<PromptEditorPane store={store} width={WIDTH} height={HEIGHT} focused />);
    store.dispatch({ type: 'vertical', rows: 1500, width: WIDTH - 2 });
    await tick();
    const row = store.get().cursor.row;
    expect(row).toBeGreaterThan(150);
    const measured = vi.spyOn(Buffer, 'byteLength');
    wrapped.calls = 0;
    sanitised.chars = 0;
    for (let i = 0; i < 20; i++) {
      store.dispatch({ type: 'insert', text: 'ы' });
      await tick();
    }
    // The old view wrapped every line twice a key (locating the cursor, then skipping to the view): 16,000.
    expect(wrapped.calls).toBeLessThanOrEqual(20 * (HEIGHT + 3));
    expect(measured.mock.calls.length).toBeLessThanOrEqual(20 * 2);
    // The rows on screen a key did not change are drawn from what they were (the old view sanitised each of
    // the 20 rows of up to 98 characters again on every key: 20,930 characters for these 20 keys; now 430).
    expect(sanitised.chars).toBeLessThanOrEqual(20 * WIDTH);
    measured.mockRestore();
    // And what is drawn is right: the cursor's line and column, and the text's size in bytes.
    const lines = store.get().lines;
    const frame = view.lastFrame()!;
    expect(frame).toContain(`Ln ${row + 1}, Col `);
    expect(frame).toContain(`${Buffer.byteLength(lines.join('\n')).toLocaleString('en')} bytes`);
    expect(frame).toContain('ы'.repeat(10));
    view.unmount();
  });
});

describe('per-line sums kept from change to change', () => {
  it('equal the sums measured afresh after any edit of the lines (typed, split, joined, undone)', () => {
    const store = createEditorStore('eins zwei\n\ndrei\nvier fünf sechs\nsieben');
    const width = (line: string) => line.length * 3 + 1;
    let sums: LineSums | null = null;
    const actions = [
      { type: 'insert', text: 'x' },
      { type: 'newline' },
      { type: 'move', motion: 'docEnd' },
      { type: 'backspace' },
      { type: 'paste', text: 'a\nb\n\nc' },
      { type: 'move', motion: 'docStart' },
      { type: 'delete' },
      { type: 'undo' },
      { type: 'undo' },
      { type: 'redo' },
      { type: 'replaceAll', text: 'neu\nneu' },
      { type: 'move', motion: 'lineEnd' },
      { type: 'delete' },
    ] as const;
    for (const action of actions) {
      store.dispatch(action);
      sums = lineSums(store.get().lines, width, sums);
      const fresh = store.get().lines.map(width);
      expect(sums.values, action.type).toEqual(fresh);
      expect(sums.total).toBe(fresh.reduce((a, b) => a + b, 0));
      expect(sumBefore(sums, 1)).toBe(fresh[0]);
    }
  });
});
