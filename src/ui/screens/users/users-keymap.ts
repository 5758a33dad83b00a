import type { Keymap } from '../../keys/keymap.ts';

export type UsersAction = 'open' | 'new' | 'edit' | 'delete' | 'history';

export const usersKeymap: Keymap<UsersAction> = [
  { action: 'open', keys: ['enter'], description: 'open', footer: true },
  { action: 'new', keys: ['n'], description: 'new user', footer: true },
  { action: 'edit', keys: ['e'], description: 'edit email', footer: true },
  { action: 'delete', keys: ['d'], description: 'delete', footer: true },
  { action: 'history', keys: ['h'], description: 'history', footer: true },
];

export const USERS_WRITE_ACTIONS: readonly UsersAction[] = ['new', 'edit', 'delete'];

export type UserDetailAction = 'edit' | 'delete' | 'history' | 'reload';

export const userDetailKeymap: Keymap<UserDetailAction> = [
  { action: 'edit', keys: ['e'], description: 'edit email', footer: true },
  { action: 'delete', keys: ['d'], description: 'delete', footer: true },
  { action: 'history', keys: ['h'], description: 'history', footer: true },
  { action: 'reload', keys: ['ctrl+r'], description: 'reload from the database' },
];

export type ConfirmAction = 'confirm' | 'cancel';

export const confirmDeleteKeymap: Keymap<ConfirmAction> = [
  { action: 'confirm', keys: ['y'], description: 'delete', footer: true },
  { action: 'cancel', keys: ['n', 'esc', 'q'], description: 'cancel', footer: true },
];

export type UserEditAction = 'save' | 'cancel';

/** Editing a user's email (the line input's own keys come after these). */
export const userEditKeymap: Keymap<UserEditAction> = [
  { action: 'save', keys: ['ctrl+s', 'enter'], description: 'review and save', footer: true },
  { action: 'cancel', keys: ['esc'], description: 'cancel', footer: true },
];

export type UserReviewAction = 'confirm' | 'back';

/** Ctrl-S shows the change (old → new) first; only here does a save go to the database. */
export const userReviewKeymap: Keymap<UserReviewAction> = [
  { action: 'confirm', keys: ['y', 'ctrl+s', 'enter'], description: 'save', footer: true },
  { action: 'back', keys: ['esc', 'n'], description: 'back to editing', footer: true },
];

export type UserConflictAction = 'overwrite' | 'theirs' | 'keep';

/** The email was changed by someone else since the edit began. */
export const userConflictKeymap: Keymap<UserConflictAction> = [
  { action: 'overwrite', keys: ['o'], description: 'save mine over theirs', footer: true },
  { action: 'theirs', keys: ['t'], description: 'take theirs (drop mine)', footer: true },
  { action: 'keep', keys: ['esc'], description: 'keep editing', footer: true },
];

export type UserGoneAction = 'recreate' | 'drop' | 'keep';

/** The user was deleted since the edit began. */
export const userGoneKeymap: Keymap<UserGoneAction> = [
  { action: 'recreate', keys: ['c'], description: 're-create with my email', footer: true },
  { action: 'drop', keys: ['x'], description: 'discard my draft', footer: true },
  { action: 'keep', keys: ['esc'], description: 'keep editing', footer: true },
];

/** The keys that act on the selected row (nothing to act on in an empty list). */
export const USERS_ROW_ACTIONS: readonly UsersAction[] = ['open', 'edit', 'delete', 'history'];
