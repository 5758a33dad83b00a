import { compareDraft, type StoredDraft } from '../../../lib/drafts.ts';
import type { SiteRecord, UserRecord } from '../../../services/types.ts';
import { shownDomain } from '../../text/domain.ts';
import { validateSiteField } from '../../../services/validation/site-input.ts';
import { SITE_FIELD_LABELS, type SiteField } from '../../../schema/site-schema.ts';
import { USER_FIELD_LABELS } from '../../../schema/user-schema.ts';
import { sanitizeLine } from '../../../lib/sanitize.ts';
import type { ViewLine } from '../../components/scroll-view.tsx';
import { formatDateTime } from '../../text/format.ts';
import { truncate } from '../../text/graphemes.ts';
import { wrapText } from '../../text/wrap.ts';
import { promptDiffLines } from '../sites/prompt-diff.ts';
import { draftBaseRecord, draftFormValues } from '../sites/use-site-edit-start.ts';
import { userDraftDiffLines, userDraftRowText } from '../users/edit/user-draft-lines.ts';

/** A draft with the row it edits as it is now (undefined: not looked up, e.g. a user draft). */
export interface DraftWithRow {
  draft: StoredDraft;
  current: SiteRecord | null | undefined;
  /** For a user draft: the user as it is now (null: deleted since). */
  user?: UserRecord | null;
  /** The lookup failed (database down): shown, and recovery waits. */
  error?: string;
  /** Made on another database (its name), or on one cabinet did not record: never compared with this one's rows as if it were theirs. */
  foreign?: string;
}

/** Where a draft from elsewhere comes from, for its row and its warning. */
export function foreignOrigin(draft: StoredDraft): string {
  return draft.database ? `from another database: ${sanitizeLine(draft.database.label)}` : 'from an unknown database (saved before cabinet recorded which)';
}

const stored = (field: string, typed: string | null): string | null => {
  if (typed === null) return null;
  const r = validateSiteField(field as SiteField, typed);
  return r.ok ? r.value : typed;
};

const shown = (field: string, value: string | null | undefined): string => {
  if (value === undefined) return '(the site is gone)';
  if (value === null || value === '') return '(empty)';
  return sanitizeLine(field === 'domain' ? shownDomain(value) : value);
};

/** The fields the draft changes relative to its base, as stored values. */
export function draftChanges(d: DraftWithRow): { field: string; base: string | null; theirs: string | null | undefined; mine: string | null; conflict: boolean }[] {
  if (d.draft.entity !== 'site') return [];
  const base = draftBaseRecord(d.draft, d.current ?? null);
  const mine = draftFormValues(d.draft, base);
  const mineStored = Object.fromEntries(Object.entries(mine).map(([f, v]) => [f, stored(f, v)]));
  const comparison = compareDraft({ ...d.draft, fields: mineStored }, d.current ? (d.current as unknown as Record<string, unknown> & { version: number }) : null);
  return comparison.fields.filter((f) => f.field !== 'siteId' && f.mine !== f.base);
}

/** A new site not created yet: what the wizard held, its id or domain as its name. */
const isNewSite = (d: DraftWithRow) => d.draft.entity === 'site' && d.draft.recordId === null;

function newSiteName(d: DraftWithRow): string {
  const { siteId, domain } = d.draft.fields;
  return sanitizeLine(siteId || (domain ? shownDomain(domain) : '') || '(no id yet)');
}

const isUser = (d: DraftWithRow) => d.draft.entity === 'user' && d.draft.recordId !== null;

/** One line per draft for the list. */
export function draftRowText(d: DraftWithRow): string {
  if (d.foreign !== undefined) {
    const what = isNewSite(d) ? `new site ${newSiteName(d)}` : `${d.draft.entity} ${sanitizeLine(d.draft.recordId ?? '(new)')}`;
    return `⚠ ${d.foreign}  ${what}  saved ${formatDateTime(d.draft.savedAt)}`;
  }
  if (isUser(d)) return userDraftRowText(d.draft, formatDateTime(d.draft.savedAt), d.user, d.error);
  if (isNewSite(d)) {
    const typed = Object.entries(d.draft.fields).filter(([, v]) => v !== null && v !== '').length;
    return `new site ${newSiteName(d)}  saved ${formatDateTime(d.draft.savedAt)}  ${typed} field${typed === 1 ? '' : 's'} typed · not created yet`;
  }
  const what = d.draft.entity === 'site' ? `site ${sanitizeLine(d.draft.recordId ?? '(new)')}` : `${d.draft.entity} ${sanitizeLine(d.draft.recordId ?? '(new)')}`;
  const changes = draftChanges(d);
  const state =
    d.error !== undefined
      ? 'could not look the row up'
      : d.current === null
        ? 'the site was deleted since'
        : d.current && d.current.version !== d.draft.baseVersion
          ? `the site changed since (v${d.draft.baseVersion} → v${d.current.version})`
          : 'the site is as the draft left it';
  return `${what}  saved ${formatDateTime(d.draft.savedAt)}${d.draft.editor ? ' (in $EDITOR)' : ''}  ${changes.length} field${changes.length === 1 ? '' : 's'} changed · ${state}`;
}

/** The selected draft against the row now: each changed field (and what changed underneath), the prompt as a diff. */
export function draftDiffLines(d: DraftWithRow, width: number): ViewLine[] {
  if (d.foreign !== undefined) return foreignDiffLines(d, width);
  if (isNewSite(d)) {
    const lines: ViewLine[] = [{ text: 'A new site from the wizard, not created yet; Enter resumes the wizard.', dim: true }];
    for (const [field, value] of Object.entries(d.draft.fields)) {
      if (field === 'aiPrompt') continue;
      lines.push({ text: truncate(`  ${(SITE_FIELD_LABELS[field as SiteField] ?? field).padEnd(16)}${shown(field, value)}`, width) });
    }
    lines.push({ text: '' }, ...promptDiffLines('', d.draft.fields.aiPrompt ?? '', width, { from: 'nothing', to: 'draft' }));
    return lines;
  }
  if (isUser(d)) return userDraftDiffLines(d.draft, d.user, d.error, width);
  if (d.draft.entity !== 'site') return [{ text: 'This draft cannot be recovered here; d discards it, Esc keeps it.', dim: true }];
  if (d.error) return [{ text: truncate(`cannot compare with the database now: ${sanitizeLine(d.error)}`, width), tone: 'error' }];
  const lines: ViewLine[] = [];
  const changes = draftChanges(d);
  if (changes.length === 0) lines.push({ text: 'The draft changes nothing (its values are the stored ones).', dim: true });
  for (const c of changes) {
    const label = SITE_FIELD_LABELS[c.field as SiteField] ?? c.field;
    lines.push({ text: truncate(`${label}${c.conflict ? '  (also changed underneath)' : ''}`, width), bold: true, ...(c.conflict ? { tone: 'warn' as const } : {}) });
    if (c.field === 'aiPrompt') {
      lines.push(...promptDiffLines(c.theirs === undefined ? (c.base ?? '') : (c.theirs ?? ''), c.mine ?? '', width, { from: d.current ? 'current' : 'base', to: 'draft' }));
    } else {
      if (c.conflict) lines.push({ text: truncate(`    base    ${shown(c.field, c.base)}`, width) });
      lines.push({ text: truncate(`    now     ${shown(c.field, c.theirs)}`, width) });
      lines.push({ text: truncate(`    draft   ${shown(c.field, c.mine)}`, width), bold: true });
    }
    lines.push({ text: '' });
  }
  return lines;
}

/** A draft from another database: a loud warning, then what it changed there (against its own base, not this database's rows). */
function foreignDiffLines(d: DraftWithRow, width: number): ViewLine[] {
  const lines: ViewLine[] = [
    ...wrapText(`⚠ This draft is ${d.foreign}. It is not compared with this database, and recovering it here asks first; its changes are then applied onto this database's row and shown before any save.`, width).map(
      (text): ViewLine => ({ text, tone: 'error', bold: true }),
    ),
    { text: '' },
  ];
  if (isNewSite(d) || d.draft.entity !== 'site') {
    const labels: Record<string, string> = d.draft.entity === 'user' ? USER_FIELD_LABELS : SITE_FIELD_LABELS;
    for (const [field, value] of Object.entries(d.draft.fields)) {
      lines.push({ text: truncate(`  ${(labels[field] ?? field).padEnd(16)}${shown(field, value)}`, width) });
    }
    return lines;
  }
  const changes = draftChanges({ ...d, current: undefined });
  if (changes.length === 0) lines.push({ text: 'The draft changes nothing there.', dim: true });
  for (const c of changes) {
    lines.push({ text: truncate(SITE_FIELD_LABELS[c.field as SiteField] ?? c.field, width), bold: true });
    if (c.field === 'aiPrompt') lines.push(...promptDiffLines(c.base ?? '', c.mine ?? '', width, { from: 'there', to: 'draft' }));
    else {
      lines.push({ text: truncate(`    there   ${shown(c.field, c.base)}`, width) });
      lines.push({ text: truncate(`    draft   ${shown(c.field, c.mine)}`, width), bold: true });
    }
    lines.push({ text: '' });
  }
  return lines;
}
