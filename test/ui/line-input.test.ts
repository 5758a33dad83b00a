import { describe, expect, it } from 'vitest';
import { lineInput, lineInputReducer, type LineInputAction, type LineInputState } from '../../src/ui/components/line-input.tsx';

/** Keys as a person presses them: each typed character is its own insert. */
function press(state: LineInputState, ...actions: (LineInputAction | string)[]): LineInputState {
  let s = state;
  for (const a of actions) {
    if (typeof a === 'string') for (const ch of a) s = lineInputReducer(s, { type: 'insert', text: ch });
    else s = lineInputReducer(s, a);
  }
  return s;
}
const undo: LineInputAction = { type: 'undo' };
const redo: LineInputAction = { type: 'redo' };

describe('undo and redo in a one-line field', () => {
  it('typing undoes a word at a time, and redo brings the words back', () => {
    let s = press(lineInput(''), 'anna beispiel');
    expect(s.value).toBe('anna beispiel');
    s = press(s, undo);
    expect(s.value).toBe('anna ');
    s = press(s, undo);
    expect(s.value).toBe('');
    s = press(s, undo);
    expect(s.value).toBe('');
    s = press(s, redo, redo);
    expect(s).toMatchObject({ value: 'anna beispiel', cursor: 13 });
  });

  it('Ctrl-W, a paste and a run of backspaces are one step each; the cursor comes back with the text', () => {
    let s = press(lineInput('bernd@example.de'), { type: 'deleteWordBack' });
    expect(s.value).toBe('bernd@');
    s = press(s, { type: 'backspace' }, { type: 'backspace' }, { type: 'backspace' });
    expect(s.value).toBe('ber');
    s = press(s, { type: 'insert', text: 'nd@beispiel.de' });
    expect(s.value).toBe('bernd@beispiel.de');
    s = press(s, undo);
    expect(s.value).toBe('ber');
    s = press(s, undo);
    expect(s).toMatchObject({ value: 'bernd@', cursor: 6 });
    s = press(s, undo);
    expect(s).toMatchObject({ value: 'bernd@example.de', cursor: 16 });
  });

  it('moving the cursor ends a step; a new edit after undo drops what could be redone', () => {
    let s = press(lineInput(''), 'abc', { type: 'move', to: 'start' }, 'x');
    expect(s.value).toBe('xabc');
    s = press(s, undo);
    expect(s.value).toBe('abc');
    s = press(s, { type: 'move', to: 'end' }, 'd');
    expect(s.value).toBe('abcd');
    s = press(s, redo);
    expect(s.value).toBe('abcd');
  });
});
