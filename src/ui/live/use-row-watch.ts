import { useEffect, useRef } from 'react';
import type { LiveTable } from '../../live/live-feed.ts';
import { useLiveChanges } from './use-live.ts';

/**
 * Watches one row (a detail, a history, an edit form) for changes made by anyone (issue #14): on a notice
 * for its id, or a poll tick, it reads the row again (one primary-key lookup) and calls `onMoved` when its
 * version is not the one known: `known` when the screen says which it shows, else the version read when
 * the watch started. `null`: the row is gone.
 */
export function useRowWatch<R extends { version: number }>(
  table: LiveTable,
  id: string,
  get: (id: string) => Promise<R | null>,
  onMoved: (row: R | null) => void,
  options: { active?: boolean; known?: number | null } = {},
): void {
  const active = options.active ?? true;
  const seen = useRef<number | null | undefined>(undefined);
  const latest = useRef({ get, onMoved, known: options.known });
  latest.current = { get, onMoved, known: options.known };
  // Without a version from the screen, the one in the database when the watch starts is the baseline.
  useEffect(() => {
    if (!active || options.known !== undefined) return;
    let live = true;
    get(id).then(
      (row) => live && seen.current === undefined && (seen.current = row?.version ?? null),
      () => {},
    );
    return () => {
      live = false;
    };
  }, [active, id]);
  useLiveChanges(
    table,
    () => {
      const { get: read } = latest.current;
      read(id).then(
        (row) => {
          const { known, onMoved: moved } = latest.current;
          const version = row?.version ?? null;
          const baseline = known !== undefined ? known : seen.current;
          if (baseline === undefined || version === baseline) return;
          seen.current = version;
          moved(row);
        },
        () => {},
      );
    },
    { active, id },
  );
}
