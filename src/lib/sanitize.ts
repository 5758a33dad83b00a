/**
 * Every string that came from the database (or from a server error echoing a value) passes through here
 * before it reaches the terminal. Control characters would otherwise let data rewrite the admin's screen,
 * set the window title, or write to the clipboard (OSC 52); bidi overrides and zero-width characters
 * would let a value look like another; and Unicode's invisible characters (tag characters U+E0000–E007F,
 * which can spell a whole instruction a language model reads but a person does not see, soft hyphens,
 * Hangul fillers, stray variation selectors) would hide text. They are shown escaped and visible instead:
 * `\x1b`, `\u202e`, `\u{E0049}`.
 *
 * The set is Unicode's own data, read through the regex engine: Default_Ignorable_Code_Point, every format
 * character (General_Category Cf: bidi controls, interlinear annotations), the line and paragraph
 * separators, C0/C1 controls and lone surrogates. Emoji stay readable: a sequence Unicode recommends
 * (RGI_Emoji: ZWJ families, keycaps, skin tones, the England/Scotland/Wales flags, which are tag
 * sequences), a ZWJ between two pictographs, and a variation selector right after an emoji character are
 * drawn as they are. A tag sequence that is not an RGI flag is escaped, since it draws as a plain black flag
 * while carrying any text.
 */

// One alternation, tried left to right at each position: a kept emoji sequence first, then one character
// to escape. The `v` flag gives RGI_Emoji (a property of strings) and makes lone surrogates single matches.
const PICTO = String.raw`\p{Extended_Pictographic}(?:\p{Emoji_Modifier}|\u{FE0F})?`;
const EMOJI = String.raw`\p{RGI_Emoji}|${PICTO}(?:\u{200D}${PICTO})+|[\p{Emoji}--[0-9#*]][\u{FE0E}\u{FE0F}]`;
// Newline is the one control character left alone: sanitizeText keeps lines, sanitizeLine escapes it first.
const HIDDEN = String.raw`[[\p{Default_Ignorable_Code_Point}\p{Cf}\p{Zl}\p{Zp}\p{Cc}\p{Cs}]--[\n]]`;
// The emoji alternative is tried only where a joiner, variation selector or tag follows (the RGI set is
// large, and an emoji without one has nothing to escape anyway).
const SEQUENCE_START = String.raw`[\p{Emoji}\p{Extended_Pictographic}]\p{Emoji_Modifier}?[\u{200D}\u{FE0E}\u{FE0F}\u{E0020}-\u{E007F}]`;
/** The whole expression: group 1 is a kept emoji sequence, anything else matched is a character to escape. */
export const PASS_SOURCE = `((?=${SEQUENCE_START})(?:${EMOJI}))|${HIDDEN}`;
// Building RGI_Emoji's set costs 50–90 ms of CPU (V8 expands thousands of sequences from ICU's data), which
// every start paid when this module loaded. A text in which no emoji is followed by a joiner, a variation
// selector or a tag gives the emoji alternative no place to start, so there the expression matches exactly
// what HIDDEN alone matches; the full one is built the first time a text has such a sequence.
const HAS_SEQUENCE = new RegExp(SEQUENCE_START, 'v');
let withEmoji: RegExp | undefined;
let hiddenOnly: RegExp | undefined;
/** The expression for `text`; group 1 (a kept emoji sequence) can match only in the full one. */
function passFor(text: string): RegExp {
  if (HAS_SEQUENCE.test(text)) return (withEmoji ??= new RegExp(PASS_SOURCE, 'gv'));
  return (hiddenOnly ??= new RegExp(HIDDEN, 'gv'));
}
/**
 * A fast first look, for long texts (exports stream megabytes of JSON through here): the BMP blocks that
 * hold a character of the set, C0 controls, and every surrogate (any astral character, and lone ones).
 * Only text it matches goes through the exact expression above. test/lib/sanitize.test.ts checks that it
 * covers every BMP code point of the set as this engine's Unicode data defines it.
 */
export const MAYBE_HIDDEN =
  /[\x00-\x08\x0b-\x1f\x7f-\x9f\xad\u034f\u061c\u0600-\u0605\u06dd\u070f\u0890\u0891\u08e2\u115f\u1160\u17b4\u17b5\u180b-\u180f\u200b-\u200f\u2028-\u202e\u2060-\u206f\u3164\ufe00-\ufe0f\ufeff\uffa0\ufff0-\ufffb\ud800-\udfff]/;
// Printable ASCII, newline and tab: nothing to do (the common case, kept fast).
const PLAIN = /^[\x20-\x7e\n\t]*$/;

/** The escaped form of one code point: `\x1b` up to U+00FF, `\u202e` in the BMP, `\u{E0049}` above it. */
export function escapeCodePoint(ch: string): string {
  const code = ch.codePointAt(0) ?? 0;
  if (code <= 0xff) return `\\x${code.toString(16).padStart(2, '0')}`;
  if (code <= 0xffff) return `\\u${code.toString(16).padStart(4, '0')}`;
  return `\\u{${code.toString(16).toUpperCase()}}`;
}

/**
 * `text` cut so that each character that will be escaped stands alone: a person's cursor steps over
 * `\u{E0049}` as one character, where a grapheme segmenter would glue a run of tag characters (or a soft
 * hyphen, a ZWJ between letters) to the letter before it as one cluster.
 */
export function splitHidden(text: string): string[] {
  if (PLAIN.test(text) || !MAYBE_HIDDEN.test(text)) return [text];
  const out: string[] = [];
  let last = 0;
  for (const m of text.matchAll(passFor(text))) {
    if (m[1] !== undefined) continue;
    if (m.index > last) out.push(text.slice(last, m.index));
    out.push(m[0]);
    last = m.index + m[0].length;
  }
  if (last < text.length || out.length === 0) out.push(text.slice(last));
  return out;
}

/** Every character of `text` that is drawn escaped, with its offset (tab and carriage return, which hide nothing, left out). */
export function hiddenCharacters(text: string): { char: string; index: number }[] {
  if (PLAIN.test(text) || !MAYBE_HIDDEN.test(text)) return [];
  const out: { char: string; index: number }[] = [];
  for (const m of text.matchAll(passFor(text))) if (m[1] === undefined && m[0] !== '\t' && m[0] !== '\r') out.push({ char: m[0], index: m.index });
  return out;
}

/** `text` with each character that hides or acts on the terminal replaced (emoji sequences kept whole). */
export function replaceHidden(text: string, replace: (ch: string) => string): string {
  if (PLAIN.test(text) || !MAYBE_HIDDEN.test(text)) return text;
  const pass = passFor(text);
  if (pass === hiddenOnly) return text.replace(pass, (match: string) => replace(match));
  return text.replace(pass, (match: string, emoji: string | undefined) => (emoji !== undefined ? match : replace(match)));
}

function escapeInvisible(text: string): string {
  return replaceHidden(text, escapeCodePoint);
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
