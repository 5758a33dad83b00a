import type { Keymap } from '../../../keys/keymap.ts';
import type { ScrollAction } from '../../../components/scroll-view.tsx';

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

export type ReviewKey = 'save' | 'back' | 'note' | 'refuse' | ScrollAction;

export const reviewKeymap: Keymap<'save' | 'back' | 'note'> = [
  { action: 'save', keys: ['y', 'enter', 'ctrl+s'], description: 'save', footer: true },
  { action: 'note', keys: ['N', 'tab'], description: 'write a note (why)', footer: true },
  { action: 'back', keys: ['n', 'esc', 'q'], description: 'back to editing', footer: true },
];

/**
 * The review of a domain whose label mixes scripts (аpple.com with a Cyrillic а): y does not save it; M
 * says the look-alike is meant, and saves.
 */
export const mixedScriptReviewKeymap: Keymap<'save' | 'back' | 'note' | 'refuse'> = [
  { action: 'save', keys: ['M'], description: 'save: the mixed-script domain is meant', footer: true },
  { action: 'refuse', keys: ['y', 'enter', 'ctrl+s'], description: 'not with this domain: M confirms it' },
  { action: 'note', keys: ['N', 'tab'], description: 'write a note (why)', footer: true },
  { action: 'back', keys: ['n', 'esc', 'q'], description: 'back to editing', footer: true },
];

export type NoteKey = 'save' | 'leave';

/** While the note line has focus everything printable is typed into it. */
export const noteKeymap: Keymap<NoteKey> = [
  { action: 'save', keys: ['enter', 'ctrl+s'], description: 'save with this note', footer: true },
  { action: 'leave', keys: ['tab', 'shift+tab', 'esc'], description: 'leave the note', footer: true },
];

export type ConflictKey = 'reapply' | 'theirs' | 'merge' | 'overwrite' | 'keep';

/**
 * The row changed underneath: the person decides (nothing happens by itself). r, t and g move the edit
 * onto their row; they differ only in the fields both sides changed.
 */
export const conflictKeymap: Keymap<ConflictKey> = [
  { action: 'reapply', keys: ['r'], description: 'reload and re-apply my changes (mine where both changed)', footer: true },
  { action: 'theirs', keys: ['t'], description: 'reload and re-apply my changes (theirs where both changed)', footer: true },
  { action: 'merge', keys: ['g'], description: 'take the merged prompt (offered when both edits touch different lines)' },
  { action: 'overwrite', keys: ['o'], description: 'overwrite theirs knowingly', footer: true },
  { action: 'keep', keys: ['esc'], description: 'keep editing', footer: true },
];

export type GoneKey = 'recreate' | 'discard' | 'keep';

/** The site was deleted while edited: bring it back with my values, or let the edit go. */
export const goneKeymap: Keymap<GoneKey> = [
  { action: 'recreate', keys: ['c'], description: 're-create the site with my values', footer: true },
  { action: 'discard', keys: ['x'], description: 'discard my draft', footer: true },
  { action: 'keep', keys: ['esc'], description: 'keep editing', footer: true },
];

export { discardKeymap, type DiscardKey } from '../../../keys/discard-keymap.ts';

/** While the save runs nothing but Ctrl-C (global) does anything. */
export const savingKeymap: Keymap<never> = [];
