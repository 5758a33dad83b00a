import { describe, expect, it } from 'vitest';
import { createEditorState, cursorX, editorReducer, editorText, type EditorAction, type EditorState } from '../../src/ui/editor/editor-state.ts';
import { wrapLine } from '../../src/ui/text/wrap.ts';

const run = (state: EditorState, ...actions: EditorAction[]) => actions.reduce(editorReducer, state);
const type = (text: string): EditorAction[] => Array.from(text, (ch) => ({ type: 'insert', text: ch }) as EditorAction);

describe('prompt editor state', () => {
  it('types, moves by grapheme and deletes across Cyrillic, German, CJK and emoji', () => {
    let s = createEditorState('');
    s = run(s, ...type('Привет, Grüße 日本 👍🏽!'));
    expect(editorText(s)).toBe('Привет, Grüße 日本 👍🏽!');
    // The cursor column is in cells: CJK characters and the emoji are two wide.
    expect(cursorX(s, 80)).toBe('Привет, Grüße '.length + 4 + 1 + 2 + 1);
    s = run(s, { type: 'move', motion: 'left' }, { type: 'move', motion: 'left' });
    // Two lefts: before "!" then before the whole 👍🏽 (one grapheme, four UTF-16 units).
    expect(editorText(s).slice(s.cursor.col)).toBe('👍🏽!');
    s = run(s, { type: 'delete' });
    expect(editorText(s)).toBe('Привет, Grüße 日本 !');
    s = run(s, { type: 'move', motion: 'lineStart' }, { type: 'move', motion: 'wordRight' });
    expect(s.cursor.col).toBe('Привет'.length);
    s = run(s, { type: 'move', motion: 'wordRight' }, { type: 'move', motion: 'wordLeft' });
    expect(editorText(s).slice(s.cursor.col)).toBe('Grüße 日本 !');
    s = run(s, { type: 'move', motion: 'right' }, { type: 'move', motion: 'right' }, { type: 'move', motion: 'right' }, { type: 'backspace' });
    expect(editorText(s)).toBe('Привет, Grße 日本 !');
    expect(s.chars).toBe(Array.from('Привет, Grße 日本 !').length);
  });

  it('takes a bracketed paste of many lines as one edit, with \\r\\n normalised, and undoes it in one step', () => {
    let s = run(createEditorState('Start\nEnd'), { type: 'move', motion: 'lineEnd' });
    s = run(s, { type: 'paste', text: ' one\r\ntwo\rthree\n' });
    expect(editorText(s)).toBe('Start one\ntwo\nthree\n\nEnd');
    expect(s.cursor).toEqual({ row: 3, col: 0 });
    s = run(s, { type: 'undo' });
    expect(editorText(s)).toBe('Start\nEnd');
    s = run(s, { type: 'redo' });
    expect(editorText(s)).toBe('Start one\ntwo\nthree\n\nEnd');
  });

  it('undoes typing a word at a time and redoes it', () => {
    let s = run(createEditorState(''), ...type('hello world'));
    s = run(s, { type: 'undo' });
    expect(editorText(s)).toBe('hello');
    s = run(s, { type: 'undo' });
    expect(editorText(s)).toBe('');
    s = run(s, { type: 'redo' }, { type: 'redo' });
    expect(editorText(s)).toBe('hello world');
    expect(run(s, { type: 'redo' }).message).toBe('nothing to redo');
  });

  it('refuses a paste that would pass the character limit, with a message, and keeps the text', () => {
    const s = run(createEditorState('abc', 10), { type: 'move', motion: 'docEnd' }, { type: 'paste', text: '12345678' });
    expect(editorText(s)).toBe('abc');
    expect(s.message).toMatch(/paste refused: the prompt is limited to 10 characters/);
    const ok = run(s, { type: 'paste', text: '1234567' });
    expect(editorText(ok)).toBe('abc1234567');
    expect(ok.message).toBeNull();
  });

  it('moves up and down by screen rows of the soft wrap, keeping the column', () => {
    // 10 cells wide: "aaaa bbbb cccc" wraps after "aaaa bbbb ".
    let s = createEditorState('aaaa bbbb cccc\nxy');
    expect(wrapLine('aaaa bbbb cccc', 10)).toEqual([
      { start: 0, end: 10 },
      { start: 10, end: 14 },
    ]);
    s = run(s, { type: 'move', motion: 'right' }, { type: 'move', motion: 'right' });
    s = run(s, { type: 'vertical', rows: 1, width: 10 });
    expect(s.cursor).toEqual({ row: 0, col: 12 });
    s = run(s, { type: 'vertical', rows: 1, width: 10 });
    expect(s.cursor).toEqual({ row: 1, col: 2 });
    s = run(s, { type: 'vertical', rows: -2, width: 10 });
    expect(s.cursor).toEqual({ row: 0, col: 2 });
  });

  it('wraps wide characters by cells, never splitting a grapheme', () => {
    const rows = wrapLine('日本語のテキスト', 5);
    // Two cells each: two per row of five cells.
    expect(rows.map((r) => 'x'.repeat(0) + '日本語のテキスト'.slice(r.start, r.end))).toEqual(['日本', '語の', 'テキ', 'スト']);
  });
});
