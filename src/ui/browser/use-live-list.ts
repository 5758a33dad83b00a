import { useRef, type RefObject } from 'react';
import type { LiveTable } from '../../live/live-feed.ts';
import { sanitizeLine } from '../../lib/sanitize.ts';
import type { ListResult } from '../hooks/use-list-query.ts';
import { useLiveChanges } from '../live/use-live.ts';
import type { Tone } from '../theme.ts';

export interface LiveListOptions {
  table: LiveTable;
  /** "site", "user": for the line said when the row under the cursor goes. */
  noun: string;
  /** Whether a row that left the rows on screen is gone from the table (else it moved in the sort order). */
  gone?(id: string): Promise<boolean>;
}

interface Props<T> {
  live: LiveListOptions | undefined;
  active: boolean;
  list: ListResult<T>;
  rowKey(row: T): string;
  /** The first row shown (the Table's scroll position), kept as it is. */
  topRef: RefObject<number>;
  /** How many rows the table shows: all that is fetched on a change. */
  visible: number;
  cursor: number;
  setCursor(cursor: number): void;
  notify(message: string, tone: Tone): void;
}

const RETRIES = 5;
const RETRY_MS = 300;

/**
 * A list that follows changes made by anyone (issue #14): on a change to its table (gathered, see
 * use-live.ts) it fetches again only the rows on screen, from the row above the first one shown, so the
 * scroll position stays; the cursor stays on its row by id. When that row left the screen, the cursor stays
 * where it was (on its neighbour) and the status line says whether the row was deleted or sorted elsewhere.
 */
export function useLiveList<T>(props: Props<T>): void {
  const latest = useRef(props);
  latest.current = props;
  const run = async (attempt: number): Promise<void> => {
    const p = latest.current;
    const before = p.cursor;
    const selected = p.list.rows?.[before - p.list.start];
    const id = selected === undefined ? undefined : p.rowKey(selected);
    const result = await p.list.refreshVisible(p.topRef.current ?? 0, p.visible, p.rowKey);
    if (result === 'busy') {
      if (attempt < RETRIES) setTimeout(() => void run(attempt + 1), RETRY_MS).unref?.();
      return;
    }
    const now = latest.current;
    // Nothing moved, nothing was under the cursor, or the person moved it meanwhile: theirs to keep.
    if (!result.changed || id === undefined || now.cursor !== before) return;
    const at = result.rows.findIndex((r) => now.rowKey(r) === id);
    if (at >= 0) {
      if (result.start + at !== before) now.setCursor(result.start + at);
      return;
    }
    const k = Math.min(before - result.start, result.rows.length - 1);
    const neighbour = k >= 0 ? result.rows[k] : undefined;
    if (k >= 0 && result.start + k !== before) now.setCursor(result.start + k);
    const noun = now.live?.noun ?? 'row';
    const gone = now.live?.gone ? await now.live.gone(id).catch(() => true) : true;
    const where = neighbour === undefined ? '' : `; the cursor is on ${sanitizeLine(now.rowKey(neighbour))}`;
    now.notify(`${noun} ${sanitizeLine(id)} ${gone ? 'was deleted' : 'moved elsewhere in this order'}${where}`, 'warn');
  };
  useLiveChanges(props.live?.table ?? 'sites', () => void run(0), { active: props.active && props.live !== undefined });
}
