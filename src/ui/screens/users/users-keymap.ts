import type { Keymap } from '../../keys/keymap.ts';
import { EDIT_NOUN } from './edit/user-edit-words.ts';

export type UsersAction = 'open' | 'new' | 'edit' | 'delete' | 'history';

export const usersKeymap: Keymap<UsersAction> = [
  { action: 'open', keys: ['enter'], description: 'open', footer: true },
  { action: 'new', keys: ['n'], description: 'new user', footer: true },
  { action: 'edit', keys: ['e'], description: `edit ${EDIT_NOUN}`, footer: true },
  { action: 'delete', keys: ['d'], description: 'delete', footer: true },
  { action: 'history', keys: ['h'], description: 'history', footer: true },
];

export const USERS_WRITE_ACTIONS: readonly UsersAction[] = ['new', 'edit', 'delete'];

export type UserDetailAction = 'edit' | 'delete' | 'history' | 'reload';

export const userDetailKeymap: Keymap<UserDetailAction> = [
  { action: 'edit', keys: ['e'], description: `edit ${EDIT_NOUN}`, footer: true },
  { action: 'delete', keys: ['d'], description: 'delete', footer: true },
  { action: 'history', keys: ['h'], description: 'history', footer: true },
  { action: 'reload', keys: ['ctrl+r'], description: 'reload from the database' },
];

export type ConfirmAction = 'confirm' | 'cancel';

export const confirmDeleteKeymap: Keymap<ConfirmAction> = [
  { action: 'confirm', keys: ['y'], description: 'delete', footer: true },
  { action: 'cancel', keys: ['n', 'esc', 'q'], description: 'cancel', footer: true },
];

/** The keys that act on the selected row (nothing to act on in an empty list). */
export const USERS_ROW_ACTIONS: readonly UsersAction[] = ['open', 'edit', 'delete', 'history'];
