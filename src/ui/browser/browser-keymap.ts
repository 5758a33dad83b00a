import { lineInputKeymap, type LineInputKey } from '../components/line-input.tsx';
import { combineKeymaps, type Keymap } from '../keys/keymap.ts';

export type BrowseAction = 'down' | 'up' | 'top' | 'bottom' | 'pagedown' | 'pageup' | 'filter' | 'sort' | 'reverse' | 'reload' | 'clearFilter';

/** Moving in a list, shared by every list screen (the resource's own keys come before these). */
export const browseKeymap: Keymap<BrowseAction> = [
  { action: 'filter', keys: ['/'], description: 'filter', footer: true },
  { action: 'sort', keys: ['s'], description: 'sort', footer: true },
  { action: 'reverse', keys: ['S'], description: 'reverse the sort' },
  { action: 'down', keys: ['j', 'down'], description: 'next row' },
  { action: 'up', keys: ['k', 'up'], description: 'previous row' },
  { action: 'top', keys: ['g', 'home'], description: 'first row' },
  { action: 'bottom', keys: ['G', 'end'], description: 'last row' },
  { action: 'pagedown', keys: ['pagedown', 'ctrl+f'], description: 'page down' },
  { action: 'pageup', keys: ['pageup', 'ctrl+b'], description: 'page up' },
  { action: 'reload', keys: ['ctrl+r'], description: 'reload from the database' },
];

/** Esc first clears an applied filter (then, with nothing to clear, goes back or does nothing). */
export const clearFilterKeymap: Keymap<BrowseAction> = [{ action: 'clearFilter', keys: ['esc'], description: 'clear the filter', footer: true }];

export type FilterAction = 'done' | 'cancel' | 'down' | 'up' | LineInputKey;

/** While typing a filter: the line edits like every one-line field; everything else is text. */
export const filterKeymap: Keymap<FilterAction> = combineKeymaps<FilterAction>(
  [
    { action: 'done', keys: ['enter'], description: 'keep the filter', footer: true },
    { action: 'cancel', keys: ['esc'], description: 'clear the filter', footer: true },
    { action: 'down', keys: ['down'], description: 'next row', footer: true },
    { action: 'up', keys: ['up'], description: 'previous row' },
  ],
  lineInputKeymap,
);
