import type { Keymap } from '../../keys/keymap.ts';

export type UserHistoryAction = 'show' | 'down' | 'up' | 'top' | 'bottom' | 'pagedown' | 'pageup' | 'reload';

/** A user's history: newest first; Enter shows what a change did (old → new, who, from where, why). */
export const userHistoryKeymap: Keymap<UserHistoryAction> = [
  { action: 'show', keys: ['enter'], description: 'what this change did', footer: true },
  { action: 'down', keys: ['j', 'down'], description: 'next (older)' },
  { action: 'up', keys: ['k', 'up'], description: 'previous (newer)' },
  { action: 'top', keys: ['g', 'home'], description: 'newest' },
  { action: 'bottom', keys: ['G', 'end'], description: 'oldest' },
  { action: 'pagedown', keys: ['pagedown', 'ctrl+f'], description: 'page down' },
  { action: 'pageup', keys: ['pageup', 'ctrl+b'], description: 'page up' },
  { action: 'reload', keys: ['ctrl+r'], description: 'reload from the database' },
];
