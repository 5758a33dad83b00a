// Draft files while typing in a long prompt (#13.3): the bytes written are exactly JSON.stringify's text in
// UTF-8, a long value that did not change since the last write (the base: the row as read) is not encoded
// again, and the text typed into is encoded by the line typed into, not as a whole.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { benchPrompt } from '../../bench/keystroke.ts';
import { draftJsonBytes } from '../../src/lib/draft-json.ts';
import { rememberLines } from '../../src/lib/text-lines.ts';
import { createEditorStore } from '../../src/ui/editor/editor-store.ts';

afterEach(() => vi.restoreAllMocks());

// Quotes, backslashes, newlines, control characters, German, Russian, an emoji, lone surrogates (one
// right before a line end).
const awkward = 'Sag "hallo" \\ danke\n\tЗдравствуйте, 👋 \u0007 \ud800 ende. \udbff\n\udc00';
const prompt = awkward.repeat(2_500);

function draft(fields: string) {
  return { format: 1, id: 'site:k-1', entity: 'site', baseVersion: 7, base: { siteId: 'k-1', aiPrompt: prompt, domain: 'a.example' }, fields: { siteId: 'k-1', aiPrompt: fields, domain: 'b.example' }, ui: null };
}

const expected = (value: unknown) => Buffer.from(JSON.stringify(value));

/** Characters handed to JSON.stringify or Buffer.from as strings while `run` runs: what was encoded. */
function encodedChars(run: () => void): number {
  const stringify = vi.spyOn(JSON, 'stringify');
  const from = vi.spyOn(Buffer, 'from');
  try {
    run();
    return [...stringify.mock.calls, ...from.mock.calls].reduce((n, [v]) => n + (typeof v === 'string' ? v.length : 0), 0);
  } finally {
    stringify.mockRestore();
    from.mockRestore();
  }
}

describe('draft JSON', () => {
  it('is byte for byte what JSON.stringify writes, and reads back as the same draft', () => {
    const lines = `${prompt}x`.split('\n');
    const joined = lines.join('\n');
    rememberLines(joined, lines);
    for (const value of [draft(`${prompt}x`), draft(joined), draft(prompt), draft('short'), { nothing: undefined, list: [prompt, 1, null, joined] }, { [prompt]: joined }]) {
      const bytes = draftJsonBytes(value);
      expect(bytes.equals(expected(value))).toBe(true);
      expect(JSON.parse(bytes.toString('utf8'))).toEqual(JSON.parse(JSON.stringify(value)));
    }
    // Strings that look like the encoder's own placeholders are text like any other.
    const tricky = { a: '"\udbff0\udbff"', b: prompt, c: '\udbff1\udbff' };
    expect(draftJsonBytes(tricky).equals(expected(tricky))).toBe(true);
  });

  it('encodes the unchanged base once over a run of writes', () => {
    const stringify = vi.spyOn(JSON, 'stringify');
    const encodings = () => stringify.mock.calls.filter(([v]) => v === prompt).length;
    let typed = `${prompt}!`;
    for (let i = 0; i < 10; i++) {
      typed = `${typed.slice(0, 50_000)}x${typed.slice(50_000)}`;
      draftJsonBytes(draft(typed));
    }
    expect(encodings()).toBeLessThanOrEqual(1);
  });

  it('encodes the line typed into, not the 99,000-character text, on each write while typing', () => {
    const base = benchPrompt(99_000);
    const store = createEditorStore(base);
    store.dispatch({ type: 'vertical', rows: 300, width: 97 });
    store.dispatch({ type: 'insert', text: 'x' });
    // The first write encodes everything (the base once for all).
    draftJsonBytes({ ...draft(store.text()), base: { aiPrompt: base } });
    const longestLine = Math.max(...store.get().lines.map((l) => l.length));
    expect(longestLine).toBeLessThan(2_000);
    for (let i = 0; i < 10; i++) {
      store.dispatch({ type: 'insert', text: 'ы' });
      const value = { ...draft(store.text()), base: { aiPrompt: base } };
      let bytes: Buffer = Buffer.alloc(0);
      // The old encoder passed the whole typed text (99,000 characters) through JSON.stringify each time.
      expect(encodedChars(() => (bytes = draftJsonBytes(value)))).toBeLessThan(longestLine + 1_000);
      expect(bytes.equals(expected(value))).toBe(true);
    }
  });
});
