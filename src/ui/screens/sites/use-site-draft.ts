import type { Draft, DraftStore } from '../../../lib/drafts.ts';
import type { SiteRecord } from '../../../services/types.ts';
import type { SiteField } from '../../../schema/site-schema.ts';
import { siteDraftId } from '../../drafts-context.tsx';
import type { EditorDraftHandle } from '../../editor/external-editor.ts';
import { EDITABLE_FIELDS } from './site-rebase.ts';

/** A site's editable fields as stored (the draft's base: what base / theirs / mine compares against). */
export function storedValuesOf(site: SiteRecord): Record<string, string | null> {
  return Object.fromEntries([['siteId', site.siteId], ...EDITABLE_FIELDS.map((f) => [f, site[f]])]);
}

/** The draft of an edit of `base` with the form's text `values`. */
export function siteDraft(base: SiteRecord, values: Record<SiteField, string>): Draft {
  return {
    id: siteDraftId(base.siteId),
    entity: 'site',
    recordId: base.siteId,
    baseVersion: base.version,
    base: storedValuesOf(base),
    fields: { ...values },
  };
}

/** For $EDITOR: its temp file lives with the draft, so a dropped session keeps what the editor saved. */
export function siteEditorHandle(drafts: DraftStore, draft: Draft): EditorDraftHandle {
  return {
    attach: (text: string) => drafts.attachEditorFile(draft, 'aiPrompt', text),
    detach: (text: string | null) => drafts.detachEditorFile({ ...draft, fields: { ...draft.fields, ...(text === null ? {} : { aiPrompt: text }) } }),
    keep: (text: string) => drafts.keepEditorText(draft, 'aiPrompt', text),
  };
}
