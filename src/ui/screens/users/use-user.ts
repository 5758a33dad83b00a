import { useEffect, useState } from 'react';
import type { UserRecord } from '../../../services/types.ts';
import { useServices } from '../../services-context.tsx';
import { useRowWatch } from '../../live/use-row-watch.ts';

/**
 * Loads one user (again when `token` changes or the screen comes back on top); with `live`, follows
 * changes made by anyone (issue #14).
 */
export function useUser(userId: string, active = true, token = 0, live = false): { user: UserRecord | null | undefined; error: string | null } {
  const { users } = useServices();
  const [user, setUser] = useState<UserRecord | null | undefined>(undefined);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    if (!active) return;
    let live = true;
    users.get(userId).then(
      (u) => live && (setUser(u), setError(null)),
      (e: unknown) => live && setError(e instanceof Error ? e.message : String(e)),
    );
    return () => {
      live = false;
    };
  }, [users, userId, active, token]);
  useRowWatch('users', userId, users.get, setUser, { active: active && live, known: user === undefined ? undefined : (user?.version ?? null) });
  return { user, error };
}
