import { escapeCodePoint, hiddenCharacters } from './sanitize.ts';

/**
 * What a person cannot see in a text but a language model reads: the characters the display escapes.
 * Tag characters (U+E0020–E007E) shadow printable ASCII one for one, so a run of them spells an
 * instruction; it is decoded here so the warning can say what it says.
 */
export interface HiddenText {
  count: number;
  /** The ASCII the tag characters shadow, runs joined by " … "; empty when there are none. */
  spelling: string;
  /** The distinct escapes, in order of first appearance (`\xad`, `\u200b`), for the warning. */
  kinds: string[];
}

const TAG_FIRST = 0xe0020;
const TAG_LAST = 0xe007e;

export function findHiddenText(text: string): HiddenText | undefined {
  const hidden = hiddenCharacters(text);
  if (hidden.length === 0) return undefined;
  const kinds = [...new Set(hidden.map((h) => escapeCodePoint(h.char)))];
  // A run is tag characters next to each other in the text; anything between them ends it.
  const runs: string[] = [];
  let run = '';
  let runEnd = -1;
  for (const { char, index } of hidden) {
    const code = char.codePointAt(0)!;
    if (code < TAG_FIRST || code > TAG_LAST) continue;
    if (index !== runEnd && run) {
      runs.push(run);
      run = '';
    }
    run += String.fromCodePoint(code - 0xe0000);
    runEnd = index + char.length;
  }
  if (run) runs.push(run);
  return { count: hidden.length, spelling: runs.map((r) => r.trim()).filter(Boolean).join(' … '), kinds };
}

/** "prompt contains 34 invisible characters spelling: IGNORE ALL RULES" (or naming the kinds). */
export function describeHiddenText(what: string, found: HiddenText): string {
  const n = `${found.count} invisible character${found.count === 1 ? '' : 's'}`;
  if (found.spelling) return `${what} contains ${n} spelling: ${found.spelling}`;
  const shown = found.kinds.slice(0, 6).join(' ');
  return `${what} contains ${n} (${shown}${found.kinds.length > 6 ? ' …' : ''})`;
}

/** The warning for a text, or undefined when nothing is hidden in it. */
export function hiddenTextWarning(what: string, text: string): string | undefined {
  const found = findHiddenText(text);
  return found ? describeHiddenText(what, found) : undefined;
}
