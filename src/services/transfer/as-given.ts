import type { FieldResult } from '../../schema/field-rules.ts';
import { checkEncodable } from '../../schema/field-rules.ts';

/**
 * Import is a restore: it stores the bytes it is given, whoever wrote them (psql, n8n, an older cabinet).
 * It refuses only what the database cannot hold (NUL, text that is not Unicode) and what n8n cannot use
 * (a prompt over the size the CHECK allows); everything cabinet's own validation would write differently
 * (trimmed, lower-cased, CRLF → LF) or refuse in the console becomes a warning, and the value goes in as it is.
 */

/** Why a text value cannot be stored at all, or undefined. */
export function refusalOf(key: string, raw: string): string | undefined {
  const bad = checkEncodable(raw);
  return bad ? `${key} ${bad}` : undefined;
}

/** The warning for a value kept as given that the validator `result` refused or would have written otherwise. */
export function asGivenWarning(key: string, raw: string, result: FieldResult<unknown>): string | undefined {
  if (!result.ok) return `${result.error}; imported as given`;
  if (result.value === raw) return undefined;
  return `${key} ${difference(raw, result.value)}; imported as given`;
}

function difference(raw: string, normalised: unknown): string {
  if (typeof normalised === 'string') {
    if (/\r/.test(raw) && raw.replace(/\r\n?/g, '\n') === normalised) return 'has CR line ends (cabinet writes LF)';
    if (raw.trim() === normalised) return 'has leading or trailing white space';
    if (raw.trim().toLowerCase() === normalised) return `is not lower-case (cabinet writes ${JSON.stringify(normalised)})`;
    return `is not in the form cabinet writes (${JSON.stringify(normalised)})`;
  }
  if (normalised === null) return 'is blank (cabinet writes null)';
  return 'is not in the form cabinet writes';
}
