import { useMemo, useSyncExternalStore } from 'react';
import type { ConnectionInfo } from '../../services/types.ts';
import { useServices } from '../services-context.tsx';

const unsubscribed = () => () => {};

/**
 * The pending-migration count the header shows, current: re-read whenever the migrations service says it
 * changed (:migrate applying them, or reading the status again), so the header's warning line and the body's
 * height never wait for some other render to come along.
 */
export function usePendingMigrations(connection: ConnectionInfo): number {
  const { migrations } = useServices();
  // One subscription per services object (a wrapper may hand out a new function on every read).
  const subscribe = useMemo(() => (migrations?.subscribe ? (listener: () => void) => migrations.subscribe!(listener) : unsubscribed), [migrations]);
  return useSyncExternalStore(subscribe, () => connection.pendingMigrations);
}
