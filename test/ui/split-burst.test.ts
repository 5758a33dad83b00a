import { describe, expect, it } from 'vitest';
import { splitBurst } from '../../src/ui/input/split-burst.ts';

describe('one terminal read holding several keys', () => {
  it('splitBurst makes the keys Ink makes of each byte alone', () => {
    const none = { ctrl: false, meta: false, shift: false, tab: false, return: false, backspace: false, escape: false } as Parameters<typeof splitBurst>[1];
    const keys = splitBurst('ab\x17\x17c\r\t\x7f\x15', none).map(([input, key]) => `${key.ctrl ? 'ctrl+' : ''}${key.return ? 'enter' : key.tab ? 'tab' : key.backspace ? 'backspace' : input}`);
    expect(keys).toEqual(['ab', 'ctrl+w', 'ctrl+w', 'c', 'enter', 'tab', 'backspace', 'ctrl+u']);
    // One key, or an escape sequence: as Ink gave it.
    expect(splitBurst('w', { ...none, ctrl: true })).toEqual([['w', { ...none, ctrl: true }]]);
    expect(splitBurst('\u001b[D', none)).toEqual([['\u001b[D', none]]);
  });
});
