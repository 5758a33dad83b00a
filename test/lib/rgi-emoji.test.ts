import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { isRgiEmoji } from '../../src/lib/rgi-emoji.ts';

const RGI = new RegExp('^\\p{RGI_Emoji}$', 'v');
const has = (property: string) => new RegExp(`^\\p{${property}}$`, 'u');
const codePoints = (property: string): string[] => {
  const re = has(property);
  const out: string[] = [];
  for (let cp = 0; cp <= 0x10ffff; cp++) if (!(cp >= 0xd800 && cp <= 0xdfff) && re.test(String.fromCodePoint(cp))) out.push(String.fromCodePoint(cp));
  return out;
};

describe('isRgiEmoji: the cheap answer is the full RGI_Emoji answer', () => {
  it('for every single code point', () => {
    const wrong: string[] = [];
    for (let cp = 0; cp <= 0x10ffff; cp++) {
      const s = String.fromCodePoint(cp);
      if (isRgiEmoji(s) !== RGI.test(s)) wrong.push(cp.toString(16));
    }
    expect(wrong).toEqual([]);
  });

  it('for the sequences UTS #51 builds, and clusters that only look like them', () => {
    const emoji = codePoints('Emoji');
    const bases = codePoints('Emoji_Modifier_Base');
    const modifiers = codePoints('Emoji_Modifier');
    const regional = codePoints('Regional_Indicator');
    const tag = (ascii: string) => [...ascii].map((c) => String.fromCodePoint(0xe0000 + c.codePointAt(0)!)).join('');
    const clusters = [
      ...emoji.flatMap((e) => [`${e}\ufe0f`, `${e}\ufe0e`, `${e}\ufe0f\u20e3`, `${e}\u20e3`, `${e}\u200d\u2764\ufe0f`, `${e}\u0301`]),
      ...bases.flatMap((b) => modifiers.map((m) => `${b}${m}`)),
      ...regional.flatMap((a) => regional.map((b) => `${a}${b}`)),
      ...['gbsct', 'gbeng', 'gbwls', 'dede', 'usca'].map((t) => `\u{1f3f4}${tag(t)}\u{e007f}`),
      '👨‍👩‍👧‍👦', '🏳️‍🌈', '👩🏽‍💻', '🧑‍🤝‍🧑', '👁️‍🗨️', '🐻‍❄️', '🧔🏻‍♀️', '👨‍👨', '🫱🏻‍🫲🏿',
      'e\u0301', 'a\u200d', '\u0915\u094d\u0937', '\u1100\u1161\u11a8', '\u0627\u0644', 'ж\u0308', '\r\n', '',
    ];
    const wrong = clusters.filter((c) => isRgiEmoji(c) !== RGI.test(c));
    expect(wrong).toEqual([]);
    // The list is not all misses: it holds over a thousand RGI sequences of every kind.
    expect(clusters.filter((c) => RGI.test(c)).length).toBeGreaterThan(1000);
  });

  it('the bundled string-width asks it, and builds no RGI_Emoji set as it loads', () => {
    const root = path.resolve(import.meta.dirname, '../..');
    const chunks = path.join(root, 'dist', 'chunks');
    const withWidth = fs.readdirSync(chunks).filter((f) => f.endsWith('.js') && fs.readFileSync(path.join(chunks, f), 'utf8').includes('// node_modules/string-width/index.js'));
    expect(withWidth).toHaveLength(1);
    const source = fs.readFileSync(path.join(chunks, withWidth[0]!), 'utf8');
    expect(source).toContain('isRgiEmoji(segment)');
    expect(source).not.toContain('rgiEmojiRegex');
    // And it measures as string-width does: emoji sequences two columns, marks none, wide CJK two.
    const node = path.join(root, 'node_modules', '.bin', 'node');
    const out = execFileSync(node, ['--input-type=module', '-e', `const m = await import(${JSON.stringify(path.join(chunks, withWidth[0]!))}); const w = Object.values(m).find((f) => typeof f === 'function' && f('ab') === 2 && f('漢') === 2); console.log(JSON.stringify(['👨‍👩‍👧‍👦', '🇩🇪', '❤️', '1️⃣', 'e\\u0301', 'Ты', '👋 ·', '漢字'].map((s) => w(s))));`], { encoding: 'utf8' });
    expect(JSON.parse(out)).toEqual([2, 2, 2, 2, 1, 2, 4, 4]);
  });
});
