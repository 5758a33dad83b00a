import { useLayoutEffect, useRef } from 'react';

/**
 * Keeps a list's cursor on the same row, by key, when the rows are replaced (a live reload puts a new
 * revision on top of a history): the row it was on is found again and the cursor moved there.
 */
export function useKeptCursor(keys: readonly string[], cursor: number, moveTo: (index: number) => void): void {
  const previous = useRef<{ keys: readonly string[]; cursor: number } | null>(null);
  useLayoutEffect(() => {
    const before = previous.current;
    previous.current = { keys, cursor };
    if (!before || before.keys === keys) return;
    const key = before.keys[before.cursor];
    if (key === undefined || keys[before.cursor] === key) return;
    const index = keys.indexOf(key);
    if (index >= 0 && index !== cursor) {
      previous.current = { keys, cursor: index };
      moveTo(index);
    }
  }, [keys, cursor]);
}

/** A history row's identity: the current row, a revision by number, a gap by the version it starts from. */
export function historyRowKey(row: { kind: string; rev?: number; fromVersion?: number | null }): string {
  return row.kind === 'revision' ? `rev ${row.rev}` : row.kind === 'outside' ? `outside ${row.fromVersion}` : row.kind;
}
