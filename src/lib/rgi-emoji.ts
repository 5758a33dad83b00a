/**
 * Whether one grapheme cluster is an emoji sequence Unicode recommends (`/^\p{RGI_Emoji}$/v`), without
 * building that set unless the cluster can be one. V8 spends ~30 ms of CPU expanding RGI_Emoji's thousands
 * of sequences and ~40 ms more compiling each expression that holds it; string-width (Ink's and ours) did
 * both for the first non-ASCII text of every start. scripts/build.ts makes the bundled string-width call
 * this instead; test/lib/rgi-emoji.test.ts checks it against the full expression.
 *
 * A single code point is RGI exactly when it has Emoji_Presentation and is not a regional indicator (a
 * lone one is half a flag). Every longer RGI sequence (UTS #51: keycap, modifier, flag, tag, ZWJ and
 * presentation sequences) begins with an Emoji character; only such a cluster meets the full set.
 */
const EMOJI_PRESENTATION = /^\p{Emoji_Presentation}$/u;
const REGIONAL_INDICATOR = /^\p{Regional_Indicator}$/u;
const EMOJI_FIRST = /^\p{Emoji}/u;
let rgi: RegExp | undefined;

export function isRgiEmoji(cluster: string): boolean {
  const first = cluster.codePointAt(0);
  if (first === undefined) return false;
  if (cluster.length === (first > 0xffff ? 2 : 1)) return EMOJI_PRESENTATION.test(cluster) && !REGIONAL_INDICATOR.test(cluster);
  if (!EMOJI_FIRST.test(cluster)) return false;
  return (rgi ??= new RegExp('^\\p{RGI_Emoji}$', 'v')).test(cluster);
}
