import type { Keymap } from '../../keys/keymap.ts';

export type HistoryAction = 'show' | 'mark' | 'compare' | 'restore' | 'down' | 'up' | 'top' | 'bottom' | 'pagedown' | 'pageup' | 'reload';

/** The history list: newest first; Enter shows what a change did, space marks two to compare, R restores. */
export const historyKeymap: Keymap<HistoryAction> = [
  { action: 'show', keys: ['enter'], description: 'what this change did', footer: true },
  { action: 'mark', keys: ['space'], description: 'mark to compare', footer: true },
  { action: 'compare', keys: ['c'], description: 'compare the marked two', footer: true },
  { action: 'restore', keys: ['R'], description: 'restore this revision', footer: true },
  { action: 'down', keys: ['j', 'down'], description: 'next (older)' },
  { action: 'up', keys: ['k', 'up'], description: 'previous (newer)' },
  { action: 'top', keys: ['g', 'home'], description: 'newest' },
  { action: 'bottom', keys: ['G', 'end'], description: 'oldest' },
  { action: 'pagedown', keys: ['pagedown', 'ctrl+f'], description: 'page down' },
  { action: 'pageup', keys: ['pageup', 'ctrl+b'], description: 'page up' },
  { action: 'reload', keys: ['ctrl+r'], description: 'reload from the database' },
];

export const HISTORY_WRITE_ACTIONS: readonly HistoryAction[] = ['restore'];

export type HistoryDiffAction = 'close';

/** A diff on screen: scroll it (the shared scroll keys), Esc back to the list. */
export const historyDiffKeymap: Keymap<HistoryDiffAction> = [{ action: 'close', keys: ['esc', 'q', 'enter'], description: 'back to the history', footer: true }];

export type RestoreConfirmAction = 'confirm' | 'cancel';

export const restoreConfirmKeymap: Keymap<RestoreConfirmAction> = [
  { action: 'confirm', keys: ['y'], description: 'restore', footer: true },
  { action: 'cancel', keys: ['n', 'esc', 'q'], description: 'cancel', footer: true },
];
