import type { SiteRecord } from '../../../services/types.ts';
import type { GoneDetails, StaleDetails } from '../../../services/edit-errors.ts';
import { shownDomain } from '../../text/domain.ts';
import { validateSiteField } from '../../../services/validation/site-input.ts';
import { SITE_FIELD_LABELS, type SiteField } from '../../../schema/site-schema.ts';
import { sanitizeLine } from '../../../lib/sanitize.ts';
import type { ViewLine } from '../../components/scroll-view.tsx';
import { formatInstant } from '../../text/format.ts';
import { truncate } from '../../text/graphemes.ts';
import { diffCounts, promptDiffLines } from './prompt-diff.ts';
import { changedByMe, EDITABLE_FIELDS, type EditableField } from './site-rebase.ts';

const shown = (field: SiteField, value: string | null | undefined): string => {
  if (value === null || value === undefined || value === '') return '(empty)';
  return sanitizeLine(field === 'domain' ? shownDomain(value) : value);
};

/** What my typed value would be stored as (the typed text when it is not valid). */
const mineStored = (field: SiteField, typed: string): string | null => {
  const r = validateSiteField(field, typed);
  return r.ok ? r.value : typed;
};

/**
 * The conflict view: for every field that changed underneath or that I changed, the three versions (base:
 * the row my edit started from; theirs: the row now; mine: my edit); the prompt as two unified diffs from
 * the base. Everything from the database is sanitised.
 */
export function conflictLines(
  details: Pick<StaleDetails<SiteRecord>, 'theirs' | 'base' | 'changedUnderneath'>,
  fallbackBase: SiteRecord,
  mine: Record<SiteField, string>,
  width: number,
  mergedPrompt: string | null = null,
): ViewLine[] {
  const base = details.base ?? fallbackBase;
  const theirs = details.theirs;
  const underneath = new Set<string>(details.changedUnderneath ?? EDITABLE_FIELDS.filter((f) => theirs[f] !== base[f]));
  const mineChanged = new Set<EditableField>(changedByMe(base, mine));
  const fields = EDITABLE_FIELDS.filter((f) => underneath.has(f) || mineChanged.has(f));
  const lines: ViewLine[] = [];
  const row = (label: string, value: string, note: string, bold = false): ViewLine => ({ text: truncate(`    ${label.padEnd(8)}${value}${note}`, width), bold });
  if (fields.length === 0) lines.push({ text: 'No field differs: only the version moved on (a write that changed nothing).', dim: true });
  for (const f of fields) {
    const theirsMoved = underneath.has(f);
    const mineMoved = mineChanged.has(f);
    const both = theirsMoved && mineMoved && mineStored(f, mine[f]) !== theirs[f];
    lines.push({ text: truncate(`${SITE_FIELD_LABELS[f]}${both ? '  (changed on both sides)' : theirsMoved ? '  (changed underneath)' : '  (your edit)'}`, width), bold: true, ...(both ? { tone: 'warn' as const } : {}) });
    if (f === 'aiPrompt') {
      const t = diffCounts(base.aiPrompt, theirs.aiPrompt);
      const m = diffCounts(base.aiPrompt, mineStored(f, mine.aiPrompt) ?? '');
      lines.push(row('theirs', theirsMoved ? `+${t.added} −${t.removed} lines` : 'unchanged', ''));
      lines.push(row('mine', mineMoved ? `+${m.added} −${m.removed} lines` : 'unchanged', ''));
      if (theirsMoved) lines.push(...promptDiffLines(base.aiPrompt, theirs.aiPrompt, width, { from: 'base', to: 'theirs' }));
      if (mineMoved) lines.push(...promptDiffLines(base.aiPrompt, mine.aiPrompt, width, { from: 'base', to: 'mine' }));
      if (both && mergedPrompt !== null) {
        // Offered, never applied by itself: the merged text with both sides' lines, taken only with g.
        lines.push({ text: '' }, { text: truncate('    merged  the two edits touch different lines: g takes this text (both sides\' lines kept)', width), tone: 'accent' as const });
        lines.push(...promptDiffLines(base.aiPrompt, mergedPrompt, width, { from: 'base', to: 'merged' }));
      }
      lines.push({ text: '' });
      continue;
    }
    lines.push(row('base', shown(f, base[f] as string | null), ''));
    lines.push(row('theirs', shown(f, theirs[f] as string | null), theirsMoved ? '  ← changed underneath' : ''));
    lines.push(row('mine', shown(f, mineStored(f, mine[f])), mineMoved ? '  ← your edit' : '', mineMoved));
    lines.push({ text: '' });
  }
  return lines;
}

/** One line naming who deleted the site and when, from the GoneError's details (sanitised). */
export function goneSummary(siteId: string, details: GoneDetails): string {
  const by = details.deletedBy ? ` by ${sanitizeLine(details.deletedBy)}` : ' outside cabinet';
  const at = details.deletedAt ? ` at ${formatInstant(details.deletedAt)}` : '';
  return `Site ${sanitizeLine(siteId)} was deleted${by}${at} while you were editing it. Nothing was saved; your draft is kept.`;
}
