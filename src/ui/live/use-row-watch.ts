import { useRef } from 'react';
import type { LiveTable } from '../../live/live-feed.ts';
import { useLiveChanges } from './use-live.ts';

/**
 * Watches one row (a detail, a history, an edit form) for changes made by anyone (issue #14): on a notice
 * for its id, or a poll tick, it reads the row again (one primary-key lookup) and calls `onMoved` when its
 * version is not `known`, the one the screen shows (null: none; undefined: still loading, nothing to
 * compare with yet). `null` to onMoved: the row is gone. No read of its own otherwise: behind a session
 * pooler every concurrent read would take one more server connection.
 */
export function useRowWatch<R extends { version: number }>(
  table: LiveTable,
  id: string,
  get: (id: string) => Promise<R | null>,
  onMoved: (row: R | null) => void,
  options: { active?: boolean; known: number | null | undefined },
): void {
  const active = options.active ?? true;
  const latest = useRef({ get, onMoved, known: options.known });
  latest.current = { get, onMoved, known: options.known };
  useLiveChanges(
    table,
    () => {
      const { get: read } = latest.current;
      read(id).then(
        (row) => {
          const { known, onMoved: moved } = latest.current;
          if (known === undefined || (row?.version ?? null) === known) return;
          moved(row);
        },
        () => {},
      );
    },
    { active, id },
  );
}
