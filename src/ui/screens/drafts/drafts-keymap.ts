import type { Keymap } from '../../keys/keymap.ts';

export type DraftsAction = 'recover' | 'discard' | 'later' | 'down' | 'up' | 'scrollDown' | 'scrollUp';

/** The recovery screen: each draft is recovered, discarded, or kept for later (nothing happens unasked). */
export const draftsKeymap: Keymap<DraftsAction> = [
  { action: 'recover', keys: ['enter', 'r'], description: 'recover (open the form with it)', footer: true },
  { action: 'discard', keys: ['d'], description: 'discard', footer: true },
  { action: 'later', keys: ['esc', 'l'], description: 'keep for later', footer: true },
  { action: 'down', keys: ['j', 'down'], description: 'next draft' },
  { action: 'up', keys: ['k', 'up'], description: 'previous draft' },
  { action: 'scrollDown', keys: ['pagedown', 'space'], description: 'scroll the diff down' },
  { action: 'scrollUp', keys: ['pageup'], description: 'scroll the diff up' },
];

/** Every draft recovered or discarded: nothing is left to recover, discard or keep; Esc goes on. */
export const noDraftsKeymap: Keymap<DraftsAction> = [
  { action: 'recover', keys: ['enter', 'r'], description: 'recover', disabledReason: 'no drafts left' },
  { action: 'discard', keys: ['d'], description: 'discard', disabledReason: 'no drafts left' },
  { action: 'later', keys: ['esc', 'l'], description: 'go on to the sites', footer: true },
];

export type DiscardDraftAction = 'confirm' | 'cancel';

export const discardDraftKeymap: Keymap<DiscardDraftAction> = [
  { action: 'confirm', keys: ['y'], description: 'discard the draft', footer: true },
  { action: 'cancel', keys: ['n', 'esc', 'q'], description: 'keep it', footer: true },
];

export type AdoptDraftAction = 'confirm' | 'cancel';

/** A draft from another database: recovering it here is a decision of its own. */
export const adoptDraftKeymap: Keymap<AdoptDraftAction> = [
  { action: 'confirm', keys: ['y'], description: 'recover it on this database', footer: true },
  { action: 'cancel', keys: ['n', 'esc', 'q'], description: 'leave it', footer: true },
];
