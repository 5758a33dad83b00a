/**
 * A long text remembered with the lines it was joined from (the prompt editor keeps its text as lines and
 * joins them once per change). Whoever encodes the text later (a draft file, every 300 ms while typing)
 * can then work line by line and reuse what it did for the lines that did not change, instead of passing
 * over all 100,000 characters again. Only the last few texts are kept.
 */
const KEPT = 4;
const known: { text: string; lines: readonly string[] }[] = [];

/** Remembers that `text` is `lines` joined with '\n'. */
export function rememberLines(text: string, lines: readonly string[]): void {
  if (known[0]?.text === text && known[0].lines === lines) return;
  known.unshift({ text, lines });
  if (known.length > KEPT) known.length = KEPT;
}

/**
 * The lines `text` was joined from, when it is one of the texts remembered. A remembered text is usually
 * the very same string (compared by reference); another string is compared only when its length matches,
 * and equal text means the same lines.
 */
export function linesOf(text: string): readonly string[] | undefined {
  for (const k of known) if (k.text.length === text.length && k.text === text) return k.lines;
  return undefined;
}
