import type { Keymap } from './keymap.ts';

export type DiscardKey = 'discard' | 'keep';

/** "Discard your changes?" in any form: y throws the edit (and its draft) away, anything else keeps it. */
export const discardKeymap: Keymap<DiscardKey> = [
  { action: 'discard', keys: ['y'], description: 'discard the changes', footer: true },
  { action: 'keep', keys: ['n', 'esc', 'q'], description: 'keep editing', footer: true },
];
