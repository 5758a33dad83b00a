import type { UserHistoryEntry, UserSnapshot } from '../../../services/types.ts';
import { sanitizeLine } from '../../../lib/sanitize.ts';
import type { ViewLine } from '../../components/scroll-view.tsx';
import { formatDateTime, plural } from '../../text/format.ts';
import { truncate } from '../../text/graphemes.ts';
import { USER_SCHEMA } from '../../../schema/user-schema.ts';

const LABELS: Record<string, string> = Object.fromEntries(USER_SCHEMA.map((f) => [f.column, f.label]));
/** The columns a change can touch, in table order (from src/schema/user-table.ts). */
const CHANGE_COLUMNS = USER_SCHEMA.filter((f) => f.role === 'field').map((f) => f.column);
const label = (column: string) => LABELS[column] ?? column;

const shown = (value: string | number | null | undefined): string => (value === null || value === undefined || value === '' ? '(empty)' : sanitizeLine(String(value)));

/** One line of a user's history list, every database string sanitised. */
export function userHistoryRowText(row: UserHistoryEntry): string {
  if (row.kind === 'revision') {
    const note = row.note ? `  “${sanitizeLine(row.note)}”` : '';
    const what = row.action === 'update' ? ` ${row.changed.map(label).join(', ') || 'nothing'}` : '';
    return `rev ${String(row.rev).padEnd(4)}v${row.version ?? '—'}  ${formatDateTime(row.at)}  ${row.action.padEnd(7)}${what}  by ${sanitizeLine(row.actor)}${note}`;
  }
  const versions = row.fromVersion !== null && row.toVersion !== null ? `v${row.fromVersion}→v${row.toVersion}` : row.toVersion !== null ? `v${row.toVersion}` : '';
  const writes = row.writes ? ` (${plural(row.writes, 'write')})` : '';
  const what =
    row.action === 'update'
      ? `changed outside cabinet${writes}: ${row.changed.map(label).join(', ') || 'nothing visible'}`
      : row.action === 'create'
        ? row.toVersion !== null && row.toVersion > 1
          ? `created and changed outside cabinet (${plural(row.toVersion, 'write')})`
          : 'created outside cabinet'
        : 'deleted outside cabinet';
  return `·       ${versions.padEnd(4)} ${row.at ? formatDateTime(row.at) : '(time unknown)  '}  ${what}`;
}

/** What one change did: who, from where, when, why, and each column old → new. */
export function userEntryLines(row: UserHistoryEntry, width: number): { title: string; lines: ViewLine[] } {
  const lines: ViewLine[] = [];
  if (row.kind === 'revision') {
    lines.push({ text: truncate(`by ${sanitizeLine(row.actor)} at ${row.at.toISOString()}`, width), dim: true });
    if (row.note) lines.push({ text: truncate(`note: ${sanitizeLine(row.note)}`, width), dim: true });
  } else {
    lines.push({ text: 'Made outside cabinet (psql, a sign-in, another tool): who and why are not known.', dim: true });
  }
  lines.push(...snapshotDiffLines(row.before, row.after, width));
  const title = row.kind === 'revision' ? `Revision ${row.rev}: ${row.action}` : `Outside cabinet: ${row.action}`;
  return { title, lines };
}

/** Column by column from `before` to `after` (whole rows as user_revisions keeps them). */
export function snapshotDiffLines(before: UserSnapshot | null, after: UserSnapshot | null, width: number): ViewLine[] {
  const lines: ViewLine[] = [];
  if (!before) lines.push({ text: 'The user did not exist before.', dim: true });
  if (!after) lines.push({ text: 'The user does not exist after: deleted.', dim: true });
  for (const column of CHANGE_COLUMNS) {
    const a = before?.[column] ?? null;
    const b = after?.[column] ?? null;
    if (before && after && a === b) continue;
    lines.push({ text: truncate(`  ${label(column).padEnd(12)}${before ? shown(a) : ''}${before && after ? ' → ' : ''}${after ? shown(b) : ''}`, width) });
  }
  if (before && after && lines.length === 0) lines.push({ text: 'No field differs.', dim: true });
  return lines;
}
