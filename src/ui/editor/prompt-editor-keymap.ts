import type { Keymap } from '../keys/keymap.ts';

export type PromptEditorAction =
  | 'newline'
  | 'left'
  | 'right'
  | 'up'
  | 'down'
  | 'wordLeft'
  | 'wordRight'
  | 'lineStart'
  | 'lineEnd'
  | 'docStart'
  | 'docEnd'
  | 'pageUp'
  | 'pageDown'
  | 'backspace'
  | 'delete'
  | 'deleteWordBack'
  | 'undo'
  | 'redo';

/** The editor's keys; anything printable not bound here is typed. */
export const promptEditorKeymap: Keymap<PromptEditorAction> = [
  { action: 'undo', keys: ['ctrl+z'], description: 'undo', footer: true },
  { action: 'redo', keys: ['ctrl+y'], description: 'redo', footer: true },
  { action: 'newline', keys: ['enter'], description: 'new line' },
  { action: 'wordLeft', keys: ['ctrl+left', 'alt+left', 'alt+b'], description: 'previous word' },
  { action: 'wordRight', keys: ['ctrl+right', 'alt+right', 'alt+f'], description: 'next word' },
  { action: 'left', keys: ['left'], description: 'left' },
  { action: 'right', keys: ['right'], description: 'right' },
  { action: 'up', keys: ['up'], description: 'up a screen row' },
  { action: 'down', keys: ['down'], description: 'down a screen row' },
  { action: 'docStart', keys: ['ctrl+home'], description: 'start of the prompt' },
  { action: 'docEnd', keys: ['ctrl+end'], description: 'end of the prompt' },
  { action: 'lineStart', keys: ['home', 'ctrl+a'], description: 'start of the line' },
  { action: 'lineEnd', keys: ['end', 'ctrl+e'], description: 'end of the line' },
  { action: 'pageUp', keys: ['pageup'], description: 'page up' },
  { action: 'pageDown', keys: ['pagedown'], description: 'page down' },
  { action: 'backspace', keys: ['backspace'], description: 'delete before the cursor' },
  { action: 'delete', keys: ['delete', 'ctrl+d'], description: 'delete at the cursor' },
  { action: 'deleteWordBack', keys: ['ctrl+w', 'alt+backspace'], description: 'delete the previous word' },
];
