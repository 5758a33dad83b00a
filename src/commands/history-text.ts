/** What `sites history` and `users history` say about a revision's time and a change made outside cabinet. */

/** A time for the history, to the second (UTC): two saves a few seconds apart stay apart. */
export function when(d: Date | null): string {
  return d && !Number.isNaN(d.getTime()) ? `${d.toISOString().slice(0, 19).replace('T', ' ')}Z` : '?';
}

/** A gap in the revisions: the row was written outside cabinet (psql, n8n), between these versions. */
export interface OutsideGap {
  action: 'create' | 'update' | 'delete';
  fromVersion: number | null;
  toVersion: number | null;
  writes: number | null;
}

export function outsideNote(entry: OutsideGap): string {
  // A row first seen at version 2 or later was also changed after its insert.
  const verb = entry.action === 'create' && (entry.toVersion ?? 1) > 1 ? 'created and changed' : { create: 'created', update: 'changed', delete: 'deleted' }[entry.action];
  const versions =
    entry.fromVersion !== null && entry.toVersion !== null
      ? `: version ${entry.fromVersion} → ${entry.toVersion}${entry.writes && entry.writes > 1 ? ` (${entry.writes} writes)` : ''}`
      : entry.toVersion !== null
        ? `: version ${entry.toVersion}`
        : '';
  return `${verb} outside cabinet${versions}`;
}
