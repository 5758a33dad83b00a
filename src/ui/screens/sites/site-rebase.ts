import { applyPatch, structuredPatch } from 'diff';
import type { SiteRecord } from '../../../services/types.ts';
import { validateSiteField, type SiteField } from '../../../services/validation/site-input.ts';
import { formValuesOf } from './site-changes.ts';

/** The fields an edit can change, in form order (the site id is the row's identity). */
export const EDITABLE_FIELDS = ['domain', 'brandName', 'language', 'aiScriptId', 'hubspotPipeline', 'hubspotStage', 'aiPrompt'] as const satisfies readonly SiteField[];
export type EditableField = (typeof EDITABLE_FIELDS)[number];

const stored = (site: SiteRecord, field: SiteField): string | null => site[field] as string | null;

/** A typed value as it would be stored, or undefined when it is not valid (yet). */
function normalised(field: SiteField, typed: string): string | null | undefined {
  const r = validateSiteField(field, typed);
  return r.ok ? r.value : undefined;
}

/** The fields `mine` (form text) changes relative to `base` (a stored row); an invalid field counts as changed. */
export function changedByMe(base: SiteRecord, mine: Record<SiteField, string>): EditableField[] {
  return EDITABLE_FIELDS.filter((f) => {
    const value = normalised(f, mine[f]);
    return value === undefined || value !== stored(base, f);
  });
}

export interface Reapplied {
  /** The form's new text: theirs, with my changes on top. */
  values: Record<SiteField, string>;
  /** Fields both sides changed to different values (mine kept, or merged for the prompt). */
  both: EditableField[];
  /** Both changed the prompt and the two edits were merged line by line (both kept). */
  promptMerged: boolean;
}

/**
 * "Reload and re-apply": my edit (relative to `base`, the row the edit started from) applied to `theirs`
 * (the row now). Fields only they changed take their value; fields I changed keep mine. When both changed
 * the prompt, my change is applied to their text as a patch (like `git rebase`); when the hunks overlap,
 * mine replaces theirs and the review shows what that drops.
 */
export function reapply(base: SiteRecord, mine: Record<SiteField, string>, theirs: SiteRecord): Reapplied {
  const theirValues = formValuesOf(theirs);
  const values: Record<SiteField, string> = { ...theirValues, siteId: theirs.siteId };
  const both: EditableField[] = [];
  let promptMerged = false;
  for (const f of changedByMe(base, mine)) {
    values[f] = mine[f];
    const theirsMoved = stored(theirs, f) !== stored(base, f);
    if (!theirsMoved || normalised(f, mine[f]) === stored(theirs, f)) continue;
    both.push(f);
    if (f === 'aiPrompt') {
      const patch = structuredPatch('prompt', 'prompt', base.aiPrompt, mine.aiPrompt, '', '', { context: 3 });
      const merged = applyPatch(theirs.aiPrompt, patch);
      if (merged !== false) {
        values.aiPrompt = merged;
        promptMerged = true;
      }
    }
  }
  return { values, both, promptMerged };
}
