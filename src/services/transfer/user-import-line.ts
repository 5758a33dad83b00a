import { exportOrder } from '../../schema/field-spec.ts';
import { USER_SCHEMA, type UserField } from '../../schema/user-schema.ts';
import { validateUserField } from '../validation/user-input.ts';
import { writtenBack } from './records.ts';

/**
 * The import's fast path for a line exactly as `cabinet users export` writes it: every column in export
 * order, no white space, text with nothing to escape and nothing the import would warn about, times that
 * PostgreSQL writes back as given (writtenBack), a plain integer version. Such a line is taken without
 * JSON.parse and without building a record: the scan gives the staging COPY's fields, and the line itself
 * is the new user's revision snapshot (the jsonb userSnapshotSql would build from the row it creates). Any
 * other line, valid or not, gets null and goes the general way (parseUserRecord), with its messages.
 */

const COLUMNS = exportOrder(USER_SCHEMA).map((f) => ({ kind: f.kind, field: f.role === 'bookkeeping' ? undefined : (f.name as UserField), column: f.column }));

/** The text around the values: `{"user_id":"` before the first, `","email":"` between, …, `"}` after the last. */
const SEPARATORS = COLUMNS.map((c, i) => {
  const close = i === 0 ? '{' : COLUMNS[i - 1]!.kind === 'integer' ? ',' : '",';
  return `${close}"${c.column}":${c.kind === 'integer' ? '' : '"'}`;
});
SEPARATORS.push(COLUMNS.at(-1)!.kind === 'integer' ? '}' : '"}');

/** A JSON integer as JSON.stringify writes one: no sign on 0, no leading zero, no fraction or exponent. */
const INTEGER = /^(?:0|-?[1-9][0-9]{0,9})$/;
/** Nothing to unescape in the line, and nothing COPY would need escaped. */
const ESCAPES = /[\u0000-\u001f\\]/;

/**
 * For a line in export's own form: the staging COPY's tab-separated fields (the columns in export order,
 * then the snapshot), with nothing to escape; else null.
 */
export function exportLineFields(text: string): string | null {
  if (!text.startsWith(SEPARATORS[0]!) || ESCAPES.test(text)) return null;
  let at = SEPARATORS[0]!.length;
  let fields = '';
  for (let i = 0; i < COLUMNS.length; i++) {
    const { kind, field } = COLUMNS[i]!;
    const next = SEPARATORS[i + 1]!;
    // A string ends at its quote (no backslash can escape one), a number where the next separator starts.
    const end = text.indexOf(next[0]!, at);
    if (end < 0 || !text.startsWith(next, end)) return null;
    const value = text.slice(at, end);
    if (kind === 'integer') {
      if (!INTEGER.test(value) || Number(value) < -(2 ** 31) || Number(value) > 2 ** 31 - 1) return null;
    } else if (kind === 'timestamp') {
      if (!writtenBack(value)) return null;
    } else {
      // The same check the general way makes, and no warning: stored as given, as cabinet would write it.
      const checked = validateUserField(field!, value);
      if (!checked.ok || checked.value !== value) return null;
    }
    fields += `${value}\t`;
    at = end + next.length;
  }
  return at === text.length ? fields + text : null;
}
