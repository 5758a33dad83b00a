import { useCallback, useMemo } from 'react';
import type { ListOptions, UserSortKey } from '../../../services/types.ts';
import { ResourceBrowser } from '../../browser/resource-browser.tsx';
import { useServices } from '../../services-context.tsx';
import { useScreenActive, useShell } from '../../shell/shell-context.tsx';
import { usePresenceMarks } from '../../presence/use-presence.ts';
import { disableActions } from '../../keys/keymap.ts';
import { useWriteBlock } from '../../hooks/use-write-gate.ts';
import { userColumns, userSort } from './user-fields.ts';
import { USERS_ROW_ACTIONS, USERS_WRITE_ACTIONS, usersKeymap, type UsersAction } from './users-keymap.ts';

/** `:users`: most recently seen first; the filter matches email or user id; pages of 200 as you scroll. */
export function UsersScreen() {
  const { users } = useServices();
  const shell = useShell();
  const editing = usePresenceMarks('user', useScreenActive());
  const readOnly = useWriteBlock('users');
  const keymap = useMemo(() => disableActions(usersKeymap, USERS_WRITE_ACTIONS, readOnly), [readOnly]);
  const fetch = useCallback((options: ListOptions<UserSortKey>) => users.list(options), [users]);
  const live = useMemo(() => ({ table: 'users' as const, noun: 'user', gone: async (id: string) => (await users.get(id)) === null }), [users]);
  return (
    <ResourceBrowser
      title="Users"
      columns={userColumns}
      fetch={fetch}
      sortKeys={userSort.keys}
      initialSort={userSort.initial}
      initialDescending={userSort.descendingFor(userSort.initial)}
      descendingFor={userSort.descendingFor}
      rowKey={(u) => u.userId}
      rowMark={(u) => editing.marked(u.userId)}
      {...(editing.count > 0 ? { note: `✎ ${editing.count} being edited elsewhere` } : {})}
      live={live}
      keymap={keymap}
      rowActions={USERS_ROW_ACTIONS}
      filterHint="email or user id · ^ = starts with"
      empty={readOnly ? 'No users yet.' : 'No users yet. Press n to add one.'}
      pageSize={200}
      onAction={(action: UsersAction, row) => {
        if (readOnly && USERS_WRITE_ACTIONS.includes(action)) return;
        if (action === 'new') return shell.push({ name: 'user-new' });
        if (!row) return;
        switch (action) {
          case 'open':
            return shell.push({ name: 'user', userId: row.userId });
          case 'edit':
            return shell.push({ name: 'user-edit', userId: row.userId });
          case 'delete':
            return shell.push({ name: 'user-delete', userId: row.userId });
          case 'history':
            return shell.push({ name: 'user-history', userId: row.userId });
        }
      }}
    />
  );
}
