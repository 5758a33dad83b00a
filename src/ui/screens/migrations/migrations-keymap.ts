import { scrollKeymap, type ScrollAction } from '../../components/scroll-view.tsx';
import { combineKeymaps, disableActions, type Keymap } from '../../keys/keymap.ts';

export type MigrationsAction = 'reload' | 'apply' | 'confirm' | 'cancel' | ScrollAction;

const viewKeymap: Keymap<MigrationsAction> = [
  { action: 'apply', keys: ['a'], description: 'apply pending', footer: true },
  { action: 'reload', keys: ['r', 'ctrl+r'], description: 'check again', footer: true },
];

/** The status view; `apply` carries why it cannot run now (nothing pending, no way to apply here). */
export function migrationsKeymap(applyDisabled: string | undefined): Keymap<MigrationsAction> {
  return combineKeymaps<MigrationsAction>(disableActions(viewKeymap, ['apply'], applyDisabled), scrollKeymap);
}

/** Asked before anything changes: a stray Enter does not migrate a production database. */
export const applyConfirmKeymap: Keymap<MigrationsAction> = [
  { action: 'confirm', keys: ['y'], description: 'apply them', footer: true },
  { action: 'cancel', keys: ['n', 'esc'], description: 'cancel', footer: true },
];
