import type { SiteRecord } from '../../../services/types.ts';
import { mergeLines, threeWay, type ThreeWay } from '../../../services/three-way.ts';
import { EDITABLE_SITE_FIELDS, type EditableSiteField, type SiteField } from '../../../schema/site-schema.ts';
import { formValuesOf, storedOrTyped } from './site-changes.ts';

/** The fields an edit can change, in form order (the site id is the row's identity). */
export const EDITABLE_FIELDS = EDITABLE_SITE_FIELDS;
export type EditableField = EditableSiteField;

/** My form's fields as they would be stored (a field left as the base shows it: the base's value). */
function mineStored(base: SiteRecord, mine: Record<SiteField, string>): Record<EditableField, string | null> {
  return Object.fromEntries(EDITABLE_FIELDS.map((f) => [f, storedOrTyped(base, f, mine[f])])) as Record<EditableField, string | null>;
}

/** The fields `mine` (form text) changes relative to `base` (a stored row); an invalid field counts as changed. */
export function changedByMe(base: SiteRecord, mine: Record<SiteField, string>): EditableField[] {
  const stored = mineStored(base, mine);
  return EDITABLE_FIELDS.filter((f) => stored[f] !== base[f]);
}

export interface SiteRule extends ThreeWay<EditableField> {
  /** Both changed the prompt and the two edits touch different lines: the line merge the person may take. */
  mergedPrompt: string | null;
}

/** The one rule (services/three-way.ts) on an edit form: base, theirs, and my form's text. */
export function siteRule(base: SiteRecord, mine: Record<SiteField, string>, theirs: SiteRecord): SiteRule {
  const rule = threeWay(EDITABLE_FIELDS, base, theirs, mineStored(base, mine));
  const mergedPrompt = rule.conflicts.includes('aiPrompt') ? mergeLines(base.aiPrompt, theirs.aiPrompt, storedOrTyped(base, 'aiPrompt', mine.aiPrompt) ?? '') : null;
  return { ...rule, mergedPrompt };
}

/** What the person chose for the fields both sides changed. */
export type ConflictChoice = 'mine' | 'theirs' | 'merged';

/**
 * My edit moved onto `theirs` (the row now): fields only they changed take their value, fields only I
 * changed keep mine, and the fields both changed take what the person chose: mine, theirs, or (for the
 * prompt, when the line merge is clean) the merge; other conflicting fields keep mine under `merged`.
 * Called only on an explicit choice when `rule.conflicts` is not empty.
 */
export function rebaseOnto(base: SiteRecord, mine: Record<SiteField, string>, theirs: SiteRecord, choice: ConflictChoice, rule = siteRule(base, mine, theirs)): Record<SiteField, string> {
  const values: Record<SiteField, string> = { ...formValuesOf(theirs), siteId: theirs.siteId };
  for (const f of rule.mine) values[f] = mine[f];
  for (const f of rule.conflicts) {
    if (choice === 'theirs') continue;
    values[f] = f === 'aiPrompt' && choice === 'merged' && rule.mergedPrompt !== null ? rule.mergedPrompt : mine[f];
  }
  return values;
}
