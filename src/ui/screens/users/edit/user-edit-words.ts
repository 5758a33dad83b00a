import type { FieldSpec } from '../../../../schema/field-spec.ts';
import { USER_EDIT_FIELDS } from './user-edit-values.ts';

/**
 * How the user edit's messages name what it changes, from the table's editable fields: "email" while the
 * form has one field, "email and nickname" once it has two.
 */

/** Labels joined as prose: `email`, `email and nickname`, `email, nickname and phone`. */
export function labelsText(fields: readonly FieldSpec[], conjunction = 'and'): string {
  const labels = fields.map((f) => f.label);
  return labels.length <= 1 ? (labels[0] ?? '') : `${labels.slice(0, -1).join(', ')} ${conjunction} ${labels.at(-1)}`;
}

/** What the form edits, as its keys and messages say it: `email`. */
export const EDIT_NOUN = labelsText(USER_EDIT_FIELDS);

/** `is` for one field, `are` for more (and the like). */
export const forCount = <T>(fields: readonly unknown[], one: T, many: T): T => (fields.length === 1 ? one : many);
