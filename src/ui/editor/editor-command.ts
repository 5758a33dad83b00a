import type { EditorAction, Motion } from './editor-state.ts';
import type { PromptEditorAction } from './prompt-editor-keymap.ts';

const MOTIONS: Partial<Record<PromptEditorAction, Motion>> = {
  left: 'left',
  right: 'right',
  wordLeft: 'wordLeft',
  wordRight: 'wordRight',
  lineStart: 'lineStart',
  lineEnd: 'lineEnd',
  docStart: 'docStart',
  docEnd: 'docEnd',
};

/** The editor's left margin: blank on a line's first row, the continuation mark on its wrapped rows. */
export const GUTTER = 1;

/**
 * The wrap width for a view `width` wide: the margin, and one cell kept for the cursor after the last
 * character.
 */
export const wrapWidth = (width: number) => Math.max(1, width - GUTTER - 1);

/** The reducer action for a bound editor key, given the view's size (for screen-row moves). */
export function editorCommand(action: PromptEditorAction, view: { width: number; height: number }): EditorAction {
  const motion = MOTIONS[action];
  if (motion) return { type: 'move', motion };
  switch (action) {
    case 'up':
    case 'down':
      return { type: 'vertical', rows: action === 'up' ? -1 : 1, width: wrapWidth(view.width) };
    case 'pageUp':
    case 'pageDown':
      return { type: 'vertical', rows: (action === 'pageUp' ? -1 : 1) * Math.max(1, view.height - 1), width: wrapWidth(view.width) };
    default:
      return { type: action } as EditorAction;
  }
}

// Typed text may carry tabs and line breaks (a terminal without bracketed paste); other controls never.
const CONTROL = /[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]/;

/** Typed text the editor takes, or null for keys it leaves to its container (Esc, Tab, Ctrl-…). */
export function typedText(input: string, key: { ctrl: boolean; meta: boolean; escape: boolean; tab: boolean }): string | null {
  if (key.ctrl || key.meta || key.escape || key.tab || !input || CONTROL.test(input)) return null;
  return input;
}
