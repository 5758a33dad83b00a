import { replaceHidden } from './sanitize.ts';

/**
 * Characters that are valid in JSON strings but would act on a terminal or hide text (C1 controls, bidi
 * controls, zero-width characters, tag characters, the rest of Default_Ignorable_Code_Point: the set the
 * display sanitiser escapes) are written as JSON escapes (`\u200b`, `\udb40\udc49`): a person paging through
 * the JSON sees them, and it still decodes to exactly the stored text. Newlines stay (they are structure
 * between pretty-printed lines; inside strings JSON.stringify has escaped them already).
 */
function jsonEscape(ch: string): string {
  let out = '';
  for (let i = 0; i < ch.length; i++) out += `\\u${ch.charCodeAt(i).toString(16).padStart(4, '0')}`;
  return out;
}

/** Escapes, in JSON text, the characters JSON.stringify leaves raw that a terminal would act on or hide. */
export function escapeJsonUnsafe(json: string): string {
  return replaceHidden(json, jsonEscape);
}

/** JSON.stringify, with terminal-unsafe characters escaped (C0 controls and lone surrogates it escapes itself). */
export function jsonText(value: unknown, space?: number): string {
  return escapeJsonUnsafe(JSON.stringify(value, null, space));
}
