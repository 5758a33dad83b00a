import type { Keymap } from '../../keys/keymap.ts';

export type SitesAction = 'down' | 'up' | 'top' | 'bottom' | 'quit';

export const sitesKeymap: Keymap<SitesAction> = [
  { action: 'down', keys: ['j', 'down'], description: 'down', footer: true },
  { action: 'up', keys: ['k', 'up'], description: 'up', footer: true },
  { action: 'top', keys: ['g', 'home'], description: 'first' },
  { action: 'bottom', keys: ['G', 'end'], description: 'last' },
  { action: 'quit', keys: ['q'], description: 'quit', footer: true },
];
