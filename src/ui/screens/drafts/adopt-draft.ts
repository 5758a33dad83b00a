import type { Draft } from '../../../lib/drafts.ts';
import { sanitizeLine } from '../../../lib/sanitize.ts';
import { type SiteField } from '../../../schema/site-schema.ts';
import { formValuesOf } from '../sites/site-changes.ts';
import { siteDraft } from '../sites/use-site-draft.ts';
import { draftBaseRecord, draftFormValues } from '../sites/use-site-edit-start.ts';
import { adoptedUserDraft } from '../users/edit/user-draft-lines.ts';
import { draftChanges, type DraftWithRow } from './draft-lines.ts';

/**
 * A draft from another database, taken for this one after the person said so: only the fields it changed
 * there are applied, onto this database's row as it is now (which becomes the edit's base), so nothing of
 * the other database's row comes along, and the form's review shows every change before a save.
 */
export function adoptedDraft(d: DraftWithRow): { draft: Draft } | { error: string } {
  const { draft } = d;
  if (draft.entity === 'site' && draft.recordId === null) {
    const { savedAt: _s, file: _f, database: _d, fromEditorFile: _e, editor: _editor, ...rest } = draft;
    return { draft: rest };
  }
  if (d.error) return { error: `cannot look the row up on this database: ${d.error}` };
  if (draft.entity === 'user' && draft.recordId) {
    if (!d.user) return { error: `user ${sanitizeLine(draft.recordId)} does not exist on this database; d discards the draft` };
    return { draft: adoptedUserDraft(draft, d.user) };
  }
  if (draft.entity !== 'site' || !draft.recordId) return { error: 'this draft cannot be recovered here' };
  if (!d.current) return { error: `site ${sanitizeLine(draft.recordId)} does not exist on this database; d discards the draft` };
  const theirs = draftFormValues(draft, draftBaseRecord(draft, d.current));
  const values = formValuesOf(d.current);
  for (const c of draftChanges({ ...d, current: undefined })) values[c.field as SiteField] = theirs[c.field as SiteField];
  return { draft: siteDraft(d.current, values) };
}
