/**
 * A page of a row's history, newest first: its revisions with what happened outside cabinet between them
 * (psql, n8n) as gaps. `gap` says what lies between two known states of the row; `next` is the state just
 * after the page (the row now, or the revision an older page stops before); `olderPage` is set for a page
 * that stops before a revision. Sites and users share this; each knows its own gaps.
 */
export function weaveHistory<S, R extends { rev: number; action: string; before: S | null; after: S | null }, G>(
  revisions: R[],
  next: { state: S | null } | undefined,
  olderPage: boolean,
  gap: (from: S | null, to: S | null) => G[],
): (R | G)[] {
  const stateAfter = (revision: R) => (revision.action === 'delete' ? null : revision.after);
  const entries: (R | G)[] = [];
  const first = revisions[0];
  // The oldest revision shown is the row's first: anything before it happened outside cabinet.
  if (first?.rev === 1 && first.before) entries.push(...gap(null, first.before));
  if (!first && !olderPage && next?.state) entries.push(...gap(null, next.state));
  revisions.forEach((revision, i) => {
    const previous = revisions[i - 1];
    if (previous) entries.push(...gap(stateAfter(previous), revision.before));
    entries.push(revision);
  });
  const last = revisions.at(-1);
  if (last && next) entries.push(...gap(stateAfter(last), next.state));
  return entries.reverse();
}
