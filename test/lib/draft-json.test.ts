// Draft files while typing in a long prompt (#13.3): the text written is exactly JSON.stringify's, and a
// long value that did not change since the last write (the base: the row as read) is not encoded again.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { draftJson } from '../../src/lib/draft-json.ts';

afterEach(() => vi.restoreAllMocks());

// Quotes, backslashes, newlines, control characters, German, Russian, an emoji, a lone surrogate.
const awkward = 'Sag "hallo" \\ danke\n\tЗдравствуйте, 👋 \u0007 \ud800 ende. ';
const prompt = awkward.repeat(2_500);

function draft(fields: string) {
  return { format: 1, id: 'site:k-1', entity: 'site', baseVersion: 7, base: { siteId: 'k-1', aiPrompt: prompt, domain: 'a.example' }, fields: { siteId: 'k-1', aiPrompt: fields, domain: 'b.example' }, ui: null };
}

describe('draft JSON', () => {
  it('is byte for byte what JSON.stringify writes, and reads back as the same draft', () => {
    for (const value of [draft(`${prompt}x`), draft(prompt), draft('short'), { nothing: undefined, list: [prompt, 1, null] }]) {
      expect(draftJson(value)).toBe(JSON.stringify(value));
      expect(JSON.parse(draftJson(value))).toEqual(JSON.parse(JSON.stringify(value)));
    }
  });

  it('encodes the unchanged base once over a run of writes, and each typed text once', () => {
    const stringify = vi.spyOn(JSON, 'stringify');
    const longEncodings = () => stringify.mock.calls.filter(([v]) => typeof v === 'string' && v.length > 4096).length;
    let typed = `${prompt}!`;
    for (let i = 0; i < 10; i++) {
      typed = `${typed.slice(0, 50_000)}x${typed.slice(50_000)}`;
      draftJson(draft(typed));
    }
    // One for the base, one for each of the ten typed texts (encoding the whole draft each time encodes
    // the base ten times over, inside JSON.stringify).
    expect(longEncodings()).toBe(11);
  });
});
