import type { Keymap } from '../../keys/keymap.ts';

export type SitesAction = 'open' | 'new' | 'edit' | 'editExternal' | 'delete' | 'history';

/** The sites list's own keys; moving, filtering and sorting come from the shared browser keymap. */
export const sitesKeymap: Keymap<SitesAction> = [
  { action: 'open', keys: ['enter'], description: 'open', footer: true },
  { action: 'new', keys: ['n'], description: 'new site', footer: true },
  { action: 'edit', keys: ['e'], description: 'edit', footer: true },
  { action: 'editExternal', keys: ['E'], description: 'edit the prompt in $EDITOR' },
  { action: 'delete', keys: ['d'], description: 'delete', footer: true },
  // In the help, not the footer: the list's footer keeps / filter, which every session needs.
  { action: 'history', keys: ['h'], description: 'history' },
];

/** The keys that change data: disabled (with the reason) on a read-only connection. */
export const SITES_WRITE_ACTIONS: readonly SitesAction[] = ['new', 'edit', 'editExternal', 'delete'];

/** The keys that act on the selected row (nothing to act on in an empty list). */
export const SITES_ROW_ACTIONS: readonly SitesAction[] = ['open', 'edit', 'editExternal', 'delete', 'history'];
