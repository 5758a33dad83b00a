import { useEffect, useState } from 'react';
import type { LiveTable } from '../../live/live-feed.ts';
import { sanitizeLine } from '../../lib/sanitize.ts';
import { useRowWatch } from './use-row-watch.ts';

/** The newest change to a row as its history tells it: who (null: made outside cabinet) and when. */
export interface LastChange {
  actor: string | null;
  at: Date | null;
}

export interface RowMoved<R> {
  /** The row now; null when it was deleted. */
  row: R | null;
  /** Labels of the fields that differ from the edit's base. */
  changed: string[];
  last: LastChange | null;
}

/** The newest entry of a history (newest first): a revision names its actor, a gap was made outside cabinet. */
export function lastChangeOf(entries: readonly { kind: string; actor?: string; at: Date | null }[], updatedAt: Date | null): LastChange | null {
  const newest = entries[0];
  if (!newest) return null;
  return newest.kind === 'revision' ? { actor: newest.actor ?? null, at: newest.at } : { actor: null, at: newest.at ?? updatedAt };
}

/**
 * An open edit form learns at once that its row moved on (issue #14.2): another writer saved (or deleted)
 * it since the edit began at `base.version`. Reads the row and its newest history entry only when told the
 * row changed (or on a poll tick), never while typing. Null while the base is current, and again once the
 * edit is rebased onto the newer row.
 */
export function useRowMoved<R extends { version: number }>(
  table: LiveTable,
  id: string,
  base: R,
  read: { get(id: string): Promise<R | null>; lastChange(id: string, row: R | null): Promise<LastChange | null> },
  labels: Partial<Record<keyof R, string>>,
  active = true,
): RowMoved<R> | null {
  const [moved, setMoved] = useState<RowMoved<R> | null>(null);
  useRowWatch<R>(
    table,
    id,
    read.get,
    (row) => {
      const changed = Object.entries(labels)
        .filter(([field]) => row === null || same(base[field as keyof R], row[field as keyof R]) === false)
        .map(([, label]) => label as string);
      setMoved({ row, changed, last: null });
      read.lastChange(id, row).then(
        (last) => setMoved((m) => (m && m.row === row ? { ...m, last } : m)),
        () => {},
      );
    },
    { active, known: moved ? (moved.row?.version ?? null) : base.version },
  );
  // "10 s ago" stays true while the notice is shown.
  const [, tick] = useState(0);
  useEffect(() => {
    if (!moved) return;
    const timer = setInterval(() => tick((t) => t + 1), 5000);
    return () => clearInterval(timer);
  }, [moved !== null]);
  if (!moved || (moved.row !== null && moved.row.version <= base.version)) return null;
  return moved;
}

function same(a: unknown, b: unknown): boolean {
  const text = (v: unknown) => (v instanceof Date ? v.toISOString() : v === null || v === undefined ? '' : String(v));
  return text(a) === text(b);
}

/** "changed by boris 10 s ago: prompt" / "deleted by boris 2 min ago" / "changed outside cabinet 3 s ago: brand name". */
export function movedText(moved: RowMoved<unknown>, now = Date.now()): string {
  const who = moved.last === null ? '' : moved.last.actor === null ? ' outside cabinet' : ` by ${sanitizeLine(moved.last.actor)}`;
  const when = moved.last?.at ? ` ${ago(now - moved.last.at.getTime())}` : '';
  if (moved.row === null) return `deleted${who}${when}`;
  return `changed${who}${when}${moved.changed.length > 0 ? `: ${moved.changed.join(', ')}` : ''}`;
}

function ago(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 2) return 'just now';
  if (s < 90) return `${s} s ago`;
  const m = Math.round(s / 60);
  return m < 90 ? `${m} min ago` : `${Math.round(m / 60)} h ago`;
}
