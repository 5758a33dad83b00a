import { useEffect, useMemo, useRef } from 'react';
import type { Draft } from '../../../lib/drafts.ts';
import type { SiteRecord } from '../../../services/types.ts';
import type { SiteField } from '../../../services/validation/site-input.ts';
import { siteDraftId, useDrafts } from '../../drafts-context.tsx';
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

export interface SiteDraftControl {
  /** Forget the draft: only after the save committed, or when the person threw the edit away. */
  discard(): void;
  /** For $EDITOR: its temp file lives with the draft, so a dropped session keeps what the editor saved. */
  editorHandle(): EditorDraftHandle;
}

/**
 * Keeps the edit in a draft on disk (DraftStore: debounced, atomic, 0600) on every change while it differs
 * from the row; an edit back to the row's values removes it (there is nothing to lose then).
 */
export function useSiteDraft(base: SiteRecord, values: Record<SiteField, string>, dirty: boolean): SiteDraftControl {
  const drafts = useDrafts();
  const latest = useRef(siteDraft(base, values));
  latest.current = siteDraft(base, values);
  const wasDirty = useRef(false);

  useEffect(() => {
    if (dirty) {
      drafts.save(latest.current);
      wasDirty.current = true;
    } else if (wasDirty.current) {
      drafts.discard(latest.current.id);
      wasDirty.current = false;
    }
  }, [drafts, base, values, dirty]);

  return useMemo(
    () => ({
      discard: () => {
        wasDirty.current = false;
        drafts.discard(latest.current.id);
      },
      editorHandle: () => {
        const draft = latest.current;
        return {
          attach: (text: string) => drafts.attachEditorFile(draft, 'aiPrompt', text),
          detach: (text: string | null) => drafts.detachEditorFile({ ...draft, fields: { ...draft.fields, ...(text === null ? {} : { aiPrompt: text }) } }),
          keep: (text: string) => drafts.keepEditorText(draft, 'aiPrompt', text),
        };
      },
    }),
    [drafts],
  );
}
