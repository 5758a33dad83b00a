import type { Keymap } from '../../keys/keymap.ts';
import type { ScrollAction } from '../../components/scroll-view.tsx';

export type SiteDetailAction = 'edit' | 'editExternal' | 'delete' | 'history' | 'reload' | ScrollAction;

export const siteDetailKeymap: Keymap<Exclude<SiteDetailAction, ScrollAction>> = [
  { action: 'edit', keys: ['e'], description: 'edit', footer: true },
  { action: 'editExternal', keys: ['E'], description: 'prompt in $EDITOR', footer: true },
  { action: 'delete', keys: ['d'], description: 'delete', footer: true },
  { action: 'history', keys: ['h'], description: 'history', footer: true },
  { action: 'reload', keys: ['ctrl+r'], description: 'reload from the database' },
];

export const SITE_DETAIL_WRITE_ACTIONS: readonly SiteDetailAction[] = ['edit', 'editExternal', 'delete'];
