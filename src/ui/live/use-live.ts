import { useContext, useEffect, useRef, useState } from 'react';
import type { LiveChange, LiveMode, LiveTable } from '../../live/live-feed.ts';
import { ServicesContext } from '../services-context.tsx';

/** How long changes are gathered before a screen looks again: a burst of n8n writes costs one query. */
export const LIVE_GATHER_MS = 150;

/** The live feed's mode (`live`, `polling`), for the header; undefined where there is no feed (test fakes). */
export function useLiveMode(): LiveMode | undefined {
  const live = useContext(ServicesContext)?.live;
  const [mode, setMode] = useState<LiveMode | undefined>(() => live?.mode());
  useEffect(() => {
    if (!live) return;
    setMode(live.mode());
    return live.onMode(setMode);
  }, [live]);
  return mode;
}

/**
 * Calls `onChange` when `table` changed (only for `id`, when given), gathering what arrives within
 * LIVE_GATHER_MS into one call. `changes` is empty after a poll tick or a gap: check everything shown.
 * Nothing is heard while `active` is false (a screen under another): it looks again when back on top.
 */
export function useLiveChanges(
  table: LiveTable,
  onChange: (changes: LiveChange[]) => void,
  options: { active?: boolean; id?: string } = {},
): void {
  const live = useContext(ServicesContext)?.live;
  const latest = useRef(onChange);
  latest.current = onChange;
  const active = options.active ?? true;
  const id = options.id;
  useEffect(() => {
    if (!live || !active) return;
    let pending: LiveChange[] | null = null;
    let everything = false;
    let timer: NodeJS.Timeout | undefined;
    const unsubscribe = live.subscribe(table, (change) => {
      if (change && id !== undefined && change.id !== null && change.id !== id) return;
      if (change === null || change.id === null) everything = true;
      else (pending ??= []).push(change);
      pending ??= [];
      timer ??= setTimeout(() => {
        const changes = everything ? [] : (pending ?? []);
        pending = null;
        everything = false;
        timer = undefined;
        latest.current(changes);
      }, LIVE_GATHER_MS);
    });
    return () => {
      clearTimeout(timer);
      unsubscribe();
    };
  }, [live, table, id, active]);
}
