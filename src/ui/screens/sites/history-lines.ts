import type { HistoryEntry, RevisionDiff, SiteRecord } from '../../../services/types.ts';
import { shownDomain } from '../../text/domain.ts';
import { SITE_FIELD_LABELS, type SiteField } from '../../../schema/site-schema.ts';
import { sanitizeLine } from '../../../lib/sanitize.ts';
import type { ViewLine } from '../../components/scroll-view.tsx';
import { formatDateTime, formatInstant, plural } from '../../text/format.ts';
import { truncate } from '../../text/graphemes.ts';
import { wrapText } from '../../text/wrap.ts';
import { patchTextLines, promptDiffLines } from './prompt-diff.ts';
import { EDITABLE_FIELDS } from './site-rebase.ts';

/** A row of the history list: the site now, a revision cabinet recorded, or a change made outside it. */
export type HistoryRow = { kind: 'current'; record: SiteRecord | null } | HistoryEntry;

/** What a row can be compared as: a revision number, or 'current'; null for a gap (it has no revision). */
export function rowRef(row: HistoryRow): number | 'current' | null {
  if (row.kind === 'current') return 'current';
  if (row.kind === 'revision') return row.rev;
  return null;
}

const label = (field: string): string => SITE_FIELD_LABELS[field as SiteField] ?? field;
const fieldNames = (fields: readonly string[]): string => fields.map(label).join(', ');

/**
 * Revisions are numbered 1, 2, … per site, so the newest one loaded is their count even while older pages
 * are still on the server.
 */
export function revisionCount(entries: readonly HistoryEntry[]): number {
  return entries.reduce((n, e) => (e.kind === 'revision' ? Math.max(n, e.rev) : n), 0);
}

/** A row first seen at version N > 1 was written again after its insert, outside cabinet too. */
function createdOutside(version: number | null): string {
  if (version === null || version <= 1) return 'created outside cabinet';
  return `created and changed outside cabinet (${plural(version, 'write')})`;
}

/** One line of the list, every database string sanitised. */
export function historyRowText(row: HistoryRow, marked: boolean): string {
  const mark = marked ? '*' : ' ';
  if (row.kind === 'current') {
    return row.record
      ? `${mark} now     v${row.record.version}  ${formatDateTime(row.record.updatedAt)}  the site as it is`
      : `${mark} now     —   deleted`;
  }
  if (row.kind === 'revision') {
    const note = row.note ? `  “${sanitizeLine(row.note)}”` : '';
    const what = row.action === 'update' || row.action === 'restore' ? ` ${fieldNames(row.changed) || 'nothing'}` : '';
    return `${mark} rev ${String(row.rev).padEnd(4)}v${row.version ?? '—'}  ${formatDateTime(row.at)}  ${row.action.padEnd(7)}${what}  by ${sanitizeLine(row.actor)}${note}`;
  }
  const versions = row.fromVersion !== null && row.toVersion !== null ? `v${row.fromVersion}→v${row.toVersion}` : row.toVersion !== null ? `v${row.toVersion}` : '';
  const writes = row.writes ? ` (${plural(row.writes, 'write')})` : '';
  const what =
    row.action === 'update'
      ? `changed outside cabinet${writes}: ${fieldNames(row.changed) || 'nothing visible'}`
      : row.action === 'create'
        ? createdOutside(row.toVersion)
        : 'deleted outside cabinet';
  return `  ·       ${versions.padEnd(4)} ${row.at ? formatDateTime(row.at) : '(time unknown)  '}  ${what}`;
}

const shown = (field: string, value: string | null | undefined): string => {
  if (value === null || value === undefined || value === '') return '(empty)';
  return sanitizeLine(field === 'domain' ? shownDomain(value) : value);
};

/** Field by field from `before` to `after` (whole rows), then the prompt's unified diff. */
export function recordDiffLines(before: SiteRecord | null, after: SiteRecord | null, width: number, labels: { from: string; to: string }): ViewLine[] {
  const lines: ViewLine[] = [];
  if (!before && !after) return [{ text: 'Nothing to compare.', dim: true }];
  const fields = EDITABLE_FIELDS.filter((f) => (before?.[f] ?? null) !== (after?.[f] ?? null));
  if (!before) lines.push({ text: `The site did not exist before (${labels.from}).`, dim: true });
  if (!after) lines.push({ text: `The site does not exist after (${labels.to}): deleted.`, dim: true });
  if (fields.length === 0) lines.push({ text: 'No field differs.', dim: true });
  for (const f of fields) {
    if (f === 'aiPrompt') continue;
    lines.push({ text: truncate(`  ${label(f).padEnd(18)}${shown(f, before?.[f] ?? null)} → ${shown(f, after?.[f] ?? null)}`, width) });
  }
  if (fields.includes('aiPrompt')) {
    lines.push({ text: '' });
    lines.push(...promptDiffLines(before?.aiPrompt ?? '', after?.aiPrompt ?? '', width, labels));
  }
  return lines;
}

/** What one history entry did: who, when, why, and its diff. */
export function entryLines(row: HistoryEntry, width: number): { title: string; lines: ViewLine[] } {
  if (row.kind === 'revision') {
    const head: ViewLine[] = [
      { text: truncate(`by ${sanitizeLine(row.actor)} at ${formatInstant(row.at)} · version ${row.version ?? '—'}`, width) },
      ...(row.note ? wrapText(`note: ${row.note}`, width).map((text) => ({ text })) : []),
      { text: '' },
    ];
    return {
      title: `Revision ${row.rev}: ${row.action}`,
      lines: [...head, ...recordDiffLines(row.before, row.action === 'delete' ? null : row.after, width, { from: `before rev ${row.rev}`, to: `rev ${row.rev}` })],
    };
  }
  const head: ViewLine[] = [
    { text: truncate(`changed outside cabinet (psql, n8n, another tool)${row.at ? `; last write at ${formatInstant(row.at)}` : ''}`, width) },
    { text: truncate(`versions ${row.fromVersion ?? '—'} → ${row.toVersion ?? '—'}${row.writes ? ` in ${plural(row.writes, 'write')}` : ''}; who is not known`, width), dim: true },
    { text: '' },
  ];
  return { title: `Outside cabinet: ${row.action}`, lines: [...head, ...recordDiffLines(row.before, row.after, width, { from: 'before', to: 'after' })] };
}

const sideName = (rev: number | 'current'): string => (rev === 'current' ? 'current' : `rev ${rev}`);

/** The service's diff between two revisions (or a revision and the row now). */
export function revisionDiffLines(diff: RevisionDiff, width: number): ViewLine[] {
  const lines: ViewLine[] = [];
  const side = (s: RevisionDiff['from']) => `${sideName(s.rev)} (version ${s.version ?? '—'}${s.at ? `, ${formatDateTime(s.at)}` : ''})${s.record ? '' : ': the site did not exist'}`;
  lines.push({ text: truncate(`from ${side(diff.from)}`, width), dim: true });
  lines.push({ text: truncate(`to   ${side(diff.to)}`, width), dim: true });
  lines.push({ text: '' });
  const plain = diff.fields.filter((f) => f.field !== 'aiPrompt');
  if (diff.fields.length === 0) lines.push({ text: 'No field differs.', dim: true });
  for (const f of plain) lines.push({ text: truncate(`  ${label(f.field).padEnd(18)}${shown(f.field, f.before)} → ${shown(f.field, f.after)}`, width) });
  if (diff.promptPatch) {
    lines.push({ text: '' });
    lines.push(...patchTextLines(diff.promptPatch, width));
  }
  return lines;
}
