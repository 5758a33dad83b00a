import { useCallback, useMemo } from 'react';
import type { ListOptions, UserRecord, UserSortKey } from '../../../services/types.ts';
import { sanitizeLine } from '../../../lib/sanitize.ts';
import { ResourceBrowser } from '../../browser/resource-browser.tsx';
import type { Column } from '../../components/table.tsx';
import { useServices } from '../../services-context.tsx';
import { useScreenActive, useShell } from '../../shell/shell-context.tsx';
import { usePresenceMarks } from '../../presence/use-presence.ts';
import { formatDateTime } from '../../text/format.ts';
import { disableActions } from '../../keys/keymap.ts';
import { useWriteBlock } from '../../hooks/use-write-gate.ts';
import { USERS_ROW_ACTIONS, USERS_WRITE_ACTIONS, usersKeymap, type UsersAction } from './users-keymap.ts';

export const userColumns: Column<UserRecord>[] = [
  { id: 'userId', header: 'USER ID', flex: 2, min: 10, priority: 9, cell: (u) => sanitizeLine(u.userId) },
  { id: 'email', header: 'EMAIL', flex: 3, min: 14, priority: 8, cell: (u) => sanitizeLine(u.email) },
  { id: 'lastSeen', header: 'LAST SEEN', width: 16, priority: 7, cell: (u) => formatDateTime(u.lastSeen) },
  { id: 'firstSeen', header: 'FIRST SEEN', width: 16, priority: 3, optional: true, cell: (u) => formatDateTime(u.firstSeen) },
];

const sortKeys: readonly UserSortKey[] = ['lastSeen', 'firstSeen', 'email', 'userId'];

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
      sortKeys={sortKeys}
      initialSort="lastSeen"
      initialDescending
      descendingFor={(k) => k === 'lastSeen' || k === 'firstSeen'}
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
