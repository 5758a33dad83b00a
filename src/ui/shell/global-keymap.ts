import type { Keymap } from '../keys/keymap.ts';

export type GlobalAction = 'palette' | 'help' | 'back' | 'quit';

/** Keys every screen has, after its own. At the root `q` quits; deeper it goes back, like Esc. */
export const rootKeymap: Keymap<GlobalAction> = [
  { action: 'palette', keys: [':'], description: 'command', footer: true },
  { action: 'help', keys: ['?', 'ctrl+g'], description: 'help', footer: true },
  { action: 'quit', keys: ['q', 'ctrl+c'], description: 'quit', footer: true },
];

export const nestedKeymap: Keymap<GlobalAction> = [
  { action: 'back', keys: ['esc', 'q'], description: 'back', footer: true },
  { action: 'palette', keys: [':'], description: 'command', footer: true },
  { action: 'help', keys: ['?', 'ctrl+g'], description: 'help', footer: true },
  { action: 'quit', keys: ['ctrl+c'], description: 'quit' },
];

/** While a field has focus only control keys are global (Ctrl-G for help, as in nano); the rest is typing. */
export const typingKeymap: Keymap<GlobalAction> = [
  { action: 'help', keys: ['ctrl+g'], description: 'help', footer: true },
  { action: 'quit', keys: ['ctrl+c'], description: 'quit' },
];

export type HelpAction = 'close' | 'down' | 'up';

export const helpKeymap: Keymap<HelpAction> = [
  { action: 'close', keys: ['esc', '?', 'q', 'enter', 'ctrl+g'], description: 'close help', footer: true },
  { action: 'down', keys: ['j', 'down', 'pagedown'], description: 'scroll down', footer: true },
  { action: 'up', keys: ['k', 'up', 'pageup'], description: 'scroll up', footer: true },
];

export type PaletteKeyAction = 'run' | 'close' | 'complete' | 'next' | 'previous' | 'erase';

export const paletteKeymap: Keymap<PaletteKeyAction> = [
  { action: 'run', keys: ['enter'], description: 'run', footer: true },
  { action: 'complete', keys: ['tab'], description: 'complete', footer: true },
  { action: 'next', keys: ['down', 'ctrl+n'], description: 'next match' },
  { action: 'previous', keys: ['up', 'shift+tab', 'ctrl+p'], description: 'previous match' },
  { action: 'erase', keys: ['backspace'], description: 'erase (closes when empty)' },
  { action: 'close', keys: ['esc'], description: 'close', footer: true },
];
