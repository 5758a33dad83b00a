/**
 * Every string that came from the database (or from a server error echoing a value) passes through here
 * before it reaches the terminal. Control characters would otherwise let data rewrite the admin's screen,
 * set the window title, or write to the clipboard (OSC 52); bidi overrides and zero-width characters
 * would let a value look like another. They are shown escaped and visible instead: `\x1b`, `\u202e`.
 */

// C0 controls except tab/newline handling below, DEL, C1 controls.
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g;
// Bidi embeddings/overrides/isolates, zero-width and invisible formatting characters, BOM, line/para separators.
const INVISIBLE = /[\u061c\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u206f\ufeff\u2028\u2029\ufff9-\ufffb]/g;
// Lone surrogates cannot be encoded and would garble the output.
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

function hex(ch: string): string {
  const code = ch.codePointAt(0) ?? 0;
  return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
}

function escapeInvisible(text: string): string {
  return text.replace(CONTROL, hex).replace(INVISIBLE, hex).replace(LONE_SURROGATE, hex);
}

/** For one-line places (lists, headers, error lines): newlines and tabs are shown escaped too. */
export function sanitizeLine(value: unknown): string {
  if (value === null || value === undefined) return '';
  return escapeInvisible(String(value).replace(/\r\n|\r|\n/g, '\\n').replace(/\t/g, '\\t'));
}

/** For multi-line text (a prompt): newlines stay, tabs become spaces, everything else is escaped. */
export function sanitizeText(value: unknown): string {
  if (value === null || value === undefined) return '';
  return escapeInvisible(String(value).replace(/\r\n?/g, '\n').replace(/\t/g, '  '));
}
