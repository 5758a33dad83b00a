import { useMemo } from 'react';
import type { UserRecord } from '../../../services/types.ts';
import { useServices } from '../../services-context.tsx';
import { lastChangeOf, movedText, useRowMoved } from '../../live/use-row-moved.ts';

type Base = Pick<UserRecord, 'userId' | 'email' | 'version' | 'firstSeen'>;

/**
 * The user edit form's line when another writer saved or deleted the user meanwhile (issue #14.2). A
 * sign-in moving last_seen does not touch the email being edited: the save still goes on top of it, and
 * the line says so; an email changed underneath means Ctrl-S shows the conflict (`conflict`).
 */
export function useUserMoved(base: Base): { text: string; conflict: boolean } | null {
  const { users } = useServices();
  const read = useMemo(
    () => ({
      get: (id: string) => users.get(id),
      lastChange: async (id: string, row: UserRecord | null) => lastChangeOf(await users.history(id, { limit: 1 }), row?.updatedAt ?? null),
    }),
    [users],
  );
  const moved = useRowMoved<Base>('users', base.userId, base, read, { email: 'email', firstSeen: 'first seen' });
  if (!moved) return null;
  const shown = moved.row !== null && moved.changed.length === 0 ? { ...moved, changed: ['last seen'] } : moved;
  const conflict = moved.row === null || moved.changed.includes('email');
  const then = moved.row === null ? 'Ctrl-S will offer to re-create it' : conflict ? 'Ctrl-S will show the conflict' : 'your email change still applies on top';
  return { text: `⚠ ${movedText(shown)}; ${then}`, conflict };
}
