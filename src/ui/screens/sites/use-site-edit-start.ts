import type { StoredDraft } from '../../../lib/drafts.ts';
import type { GoneDetails, StaleDetails } from '../../../services/edit-errors.ts';
import type { RevisionService, SiteRecord } from '../../../services/types.ts';
import { SITE_FIELD, SITE_FIELD_LABELS, type SiteField } from '../../../schema/site-schema.ts';
import { blankSite } from '../../../schema/site-record.ts';
import { siteDraftId, useDrafts } from '../../drafts-context.tsx';
import { useServices } from '../../services-context.tsx';
import { startFromRowOrDraft, useEditStart, type EditStartState as SharedStartState } from '../../edit/use-edit-start.ts';
import { formatDateTime } from '../../text/format.ts';
import { formValuesOf } from './site-changes.ts';
import { EDITABLE_FIELDS, rebaseOnto, siteRule } from './site-rebase.ts';

/** What the edit form starts from: the row its save is based on, the form's text, and what to say. */
export interface EditStart {
  original: SiteRecord;
  values: Record<SiteField, string>;
  /** The site is gone (a recovered draft of a deleted site): the form opens on the re-create / discard choice. */
  gone?: GoneDetails;
  /** One line for the form's bottom line until the person does something. */
  notice?: string;
  /**
   * The edit (a draft, or the prompt back from $EDITOR) is based on an older version and both sides
   * changed a field: the form opens on base / theirs / mine, and nothing is applied until the person chooses.
   */
  conflict?: { message: string; details: StaleDetails<SiteRecord> };
}

export type EditStartState = SharedStartState<EditStart>;

/** The row the draft started from, as a record (its editable fields from the draft, the rest from `like`). */
export function draftBaseRecord(draft: StoredDraft, like: SiteRecord | null): SiteRecord {
  const str = (f: string) => (typeof draft.base[f] === 'string' ? (draft.base[f] as string) : null);
  const fallback: SiteRecord = like ?? blankSite(draft.recordId ?? '');
  const record: SiteRecord = { ...fallback, siteId: draft.recordId ?? fallback.siteId, version: draft.baseVersion ?? fallback.version };
  for (const f of EDITABLE_FIELDS) {
    if (!(f in draft.base)) continue;
    (record as Record<SiteField, string | null>)[f] = str(f) ?? (SITE_FIELD[f].nullable ? null : '');
  }
  return record;
}

/** The draft's text for every form field (fields it does not hold: the base's). */
export function draftFormValues(draft: StoredDraft, base: SiteRecord): Record<SiteField, string> {
  const values = formValuesOf(base);
  for (const f of Object.keys(values) as SiteField[]) {
    const v = draft.fields[f];
    if (typeof v === 'string') values[f] = v;
  }
  // Killed while $EDITOR ran, in a draft from before the editor's text was kept byte for byte: the file ends
  // in the newline it was written with.
  if (draft.editor && draft.editor.written === undefined && values.aiPrompt.endsWith('\n') && !base.aiPrompt.endsWith('\n')) values.aiPrompt = values.aiPrompt.slice(0, -1);
  values.siteId = base.siteId;
  return values;
}

/** Who deleted a site and when, from its history (the newest entry is the delete when cabinet did it). */
export async function goneDetailsOf(revisions: RevisionService, siteId: string): Promise<GoneDetails> {
  try {
    const [last] = await revisions.history(siteId, { limit: 1 });
    if (last?.kind === 'revision' && last.action === 'delete') return { entity: 'site', id: siteId, deletedBy: last.actor, deletedAt: last.at, rev: last.rev };
  } catch {
    // No history to tell: the message says "outside cabinet".
  }
  return { entity: 'site', id: siteId };
}

/**
 * How an edit based on `base` (a draft's, or the row $EDITOR opened) with the text `mine` begins on the
 * row as it is now, by the one rule (services/three-way.ts): same version, as it is; fields only they
 * changed since are taken as theirs and fields only I changed keep mine (said in the notice); a field both
 * changed opens the base / theirs / mine view, with nothing decided for the person.
 */
export function startFromEdit(base: SiteRecord, mine: Record<SiteField, string>, site: SiteRecord, from: string): Omit<EditStart, 'gone'> {
  if (site.version === base.version) return { original: site, values: mine, notice: `${from} · Ctrl-S to review and save` };
  const rule = siteRule(base, mine, site);
  const labels = (fields: readonly SiteField[]) => fields.map((f) => SITE_FIELD_LABELS[f]).join(', ');
  const moved = `the site changed since (v${base.version} → v${site.version})`;
  if (rule.conflicts.length > 0) {
    const message = `${from}; ${moved} and both changed ${labels(rule.conflicts)}: nothing is applied until you choose.`;
    return {
      original: base,
      values: mine,
      notice: `${from}; changed on both sides: ${labels(rule.conflicts)} · Ctrl-S shows the choices`,
      conflict: {
        message,
        details: { entity: 'site', id: site.siteId, expectedVersion: base.version, theirs: site, base, changedUnderneath: [...rule.theirs, ...rule.agreed, ...rule.conflicts], conflicts: rule.conflicts },
      },
    };
  }
  const theirs = rule.theirs.length > 0 ? `; their changes kept: ${labels(rule.theirs)}` : '';
  return { original: site, values: rebaseOnto(base, mine, site, 'mine', rule), notice: `${from} onto v${site.version} (was v${base.version})${theirs}` };
}

/** The start of the form's first line when it opens on a prompt back from $EDITOR. */
export function fromEditor(endedBy?: string): string {
  return endedBy ? `the editor was ended by ${endedBy}: took what it had saved` : 'prompt changed in the editor';
}

/** How an edit begins from a draft and the row as it is now (pure, for the form and the recovery screen). */
export function startFromDraft(draft: StoredDraft, site: SiteRecord | null, prompt?: string, endedBy?: string): Omit<EditStart, 'gone'> & { gone: boolean } {
  const base = draftBaseRecord(draft, site);
  const mine = draftFormValues(draft, base);
  if (prompt !== undefined) mine.aiPrompt = prompt;
  const from = prompt !== undefined ? fromEditor(endedBy) : `resumed your unsaved draft from ${formatDateTime(draft.savedAt)}`;
  if (!site) return { original: base, values: mine, gone: true, notice: `${from}; the site was deleted since` };
  return { ...startFromEdit(base, mine, site, from), gone: false };
}

/** Loads the site and any draft of it; a draft wins over a fresh start, so a kept draft is never overwritten. */
export function useSiteEditStart(siteId: string, prompt?: string, base?: SiteRecord, endedBy?: string): EditStartState {
  const { sites, revisions } = useServices();
  const drafts = useDrafts();
  return useEditStart(
    async () =>
      startFromRowOrDraft(await sites.get(siteId), drafts.get(siteDraftId(siteId)), {
        row: (site): EditStart => {
          if (prompt === undefined) return { original: site, values: formValuesOf(site) };
          // Back from $EDITOR without a draft on disk: the row the editor opened is still the edit's base.
          const from = base ?? site;
          return startFromEdit(from, { ...formValuesOf(from), aiPrompt: prompt }, site, fromEditor(endedBy));
        },
        draft: async (draft, site): Promise<EditStart> => {
          const { gone, ...start } = startFromDraft(draft, site, prompt, endedBy);
          return gone ? { ...start, gone: await goneDetailsOf(revisions, siteId) } : start;
        },
      }),
    (e) => (e instanceof Error ? e.message : String(e)),
    [sites, revisions, drafts, siteId, prompt, base, endedBy],
  );
}
