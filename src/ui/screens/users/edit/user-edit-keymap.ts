import type { Keymap } from '../../../keys/keymap.ts';
import { USER_EDIT_FIELDS } from './user-edit-values.ts';
import { EDIT_NOUN } from './user-edit-words.ts';

export type UserEditAction = 'save' | 'cancel' | 'nextField' | 'previousField';

/** Editing a user's fields (the line input's own keys come after these); Tab moves between them when there are several. */
export const userEditKeymap: Keymap<UserEditAction> = [
  { action: 'save', keys: ['ctrl+s', 'enter'], description: 'review and save', footer: true },
  { action: 'cancel', keys: ['esc'], description: 'cancel', footer: true },
  ...(USER_EDIT_FIELDS.length > 1
    ? ([
        { action: 'nextField', keys: ['tab'], description: 'next field', footer: true },
        { action: 'previousField', keys: ['shift+tab'], description: 'previous field' },
      ] as const)
    : []),
];

export type UserReviewAction = 'confirm' | 'back';

/** Ctrl-S shows the change (old → new) first; only here does a save go to the database. */
export const userReviewKeymap: Keymap<UserReviewAction> = [
  { action: 'confirm', keys: ['y', 'ctrl+s', 'enter'], description: 'save', footer: true },
  { action: 'back', keys: ['esc', 'n'], description: 'back to editing', footer: true },
];

export type UserConflictAction = 'overwrite' | 'theirs' | 'keep';

/** A field I changed was changed by someone else since the edit began. */
export const userConflictKeymap: Keymap<UserConflictAction> = [
  { action: 'overwrite', keys: ['o'], description: 'save mine over theirs', footer: true },
  { action: 'theirs', keys: ['t'], description: 'take theirs (drop mine)', footer: true },
  { action: 'keep', keys: ['esc'], description: 'keep editing', footer: true },
];

export type UserGoneAction = 'recreate' | 'drop' | 'keep';

/** The user was deleted since the edit began. */
export const userGoneKeymap: Keymap<UserGoneAction> = [
  { action: 'recreate', keys: ['c'], description: `re-create with my ${EDIT_NOUN}`, footer: true },
  { action: 'drop', keys: ['x'], description: 'discard my draft', footer: true },
  { action: 'keep', keys: ['esc'], description: 'keep editing', footer: true },
];
