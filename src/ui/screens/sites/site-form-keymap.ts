import type { Keymap } from '../../keys/keymap.ts';
import type { ScrollAction } from '../../components/scroll-view.tsx';

export type SiteFormKey = 'review' | 'next' | 'previous' | 'external' | 'cancel';

/** Keys of the edit form in every field. */
export const siteFormKeymap: Keymap<SiteFormKey> = [
  { action: 'review', keys: ['ctrl+s'], description: 'review & save', footer: true },
  { action: 'next', keys: ['tab'], description: 'next field', footer: true },
  { action: 'previous', keys: ['shift+tab'], description: 'previous field' },
  { action: 'external', keys: ['ctrl+o'], description: 'prompt in $EDITOR', footer: true },
  { action: 'cancel', keys: ['esc'], description: 'cancel', footer: true },
];

export type LineFieldKey = 'nextField' | 'previousField';

/** In a one-line field, Enter and the arrows also move between fields, as in any form. */
export const lineFieldKeymap: Keymap<LineFieldKey> = [
  { action: 'nextField', keys: ['enter', 'down'], description: 'next field' },
  { action: 'previousField', keys: ['up'], description: 'previous field' },
];

export type ReviewKey = 'save' | 'back' | ScrollAction;

export const reviewKeymap: Keymap<'save' | 'back'> = [
  { action: 'save', keys: ['y', 'enter'], description: 'save', footer: true },
  { action: 'back', keys: ['n', 'esc', 'q'], description: 'back to editing', footer: true },
];

export type DiscardKey = 'discard' | 'keep';

export const discardKeymap: Keymap<DiscardKey> = [
  { action: 'discard', keys: ['y'], description: 'discard the changes', footer: true },
  { action: 'keep', keys: ['n', 'esc', 'q'], description: 'keep editing', footer: true },
];

/** While the save runs nothing but Ctrl-C (global) does anything. */
export const savingKeymap: Keymap<never> = [];
