import { useServices } from '../services-context.tsx';

/**
 * Why `table` cannot be changed on this connection (--read-only, or the role's rights), or undefined when
 * it can. Screens disable their data-changing keys with it (keymap `disabledReason`).
 */
export function useWriteBlock(table: 'sites' | 'users' = 'sites'): string | undefined {
  const { connection } = useServices();
  if (table === 'users' && connection.usersReadOnly !== undefined) {
    return connection.usersReadOnly ? (connection.usersReadOnlyReason ?? connection.readOnlyReason ?? 'read-only') : undefined;
  }
  return connection.readOnly ? (connection.readOnlyReason ?? 'read-only') : undefined;
}
