/**
 * Word-wide writes for the export's encoder (copy-binary.ts): four bytes at a time through DataViews
 * instead of one, for the JSON the export writes most, its constant labels and ASCII text. A word may
 * write up to three bytes past what it means to write, and a label up to its 16 bytes (the next write
 * overwrites them; the caller keeps WORD_SLACK bytes free at the end): a row's 200 bytes then take about
 * 60 stores, not 200.
 */

export const WORD_SLACK = 24;
const QUOTE = 34;
const BACKSLASH = 92;
/** What each byte of a text value is: written as it is, escaped (C0, `"`, `\`), or not ASCII (DEL too). */
const AS_IS = 0;
const OTHER = 2;
const TEXT_BYTE = Uint8Array.from({ length: 256 }, (_, x) => (x >= 0x7f ? OTHER : x < 32 || x === QUOTE || x === BACKSLASH ? 1 : AS_IS));
/** JSON.stringify's escape of a control character (C0 and the short forms it names). */
const CONTROL_ESCAPES = Array.from({ length: 32 }, (_, c) => Buffer.from(JSON.stringify(String.fromCharCode(c)).slice(1, -1), 'latin1'));
/** The bytes of a word (little-endian) that belong to a text's last 1 to 3 bytes; the others read as `A`. */
const TAIL_MASK = [0, 0xff, 0xffff, 0xffffff];

/** A DataView over exactly the bytes of `b`. */
export const viewOf = (b: Uint8Array) => new DataView(b.buffer, b.byteOffset, b.byteLength);

/** `bytes` as little-endian words, padded to `count` words (at least as many as it takes). */
export function wordsOf(bytes: Uint8Array, count = Math.ceil(bytes.length / 4)): Int32Array {
  const padded = new Uint8Array(Math.max(count, Math.ceil(bytes.length / 4)) * 4);
  padded.set(bytes);
  const view = viewOf(padded);
  return Int32Array.from({ length: padded.length / 4 }, (_, i) => view.getInt32(4 * i, true));
}

/** Whether a word (four bytes) holds a byte of 0x80 or more, below 0x20, `"`, `\` or DEL. */
function odd(x: number): boolean {
  const quote = x ^ 0x22222222;
  const backslash = x ^ 0x5c5c5c5c;
  const del = x ^ 0x7f7f7f7f;
  // Each term sets a byte's top bit where that byte is what it looks for (exact for the word as a whole).
  return ((x | ((x - 0x20202020) & ~x) | ((quote - 0x01010101) & ~quote) | ((backslash - 0x01010101) & ~backslash) | ((del - 0x01010101) & ~del)) & 0x80808080) !== 0;
}

/**
 * Writes text b[p, end) at `o` as the inside of a JSON string (escaped as JSON.stringify does), a word at a
 * time while it is printable ASCII other than `"` and `\` (the usual case), the text's last bytes too when
 * `b` goes on past them; returns where it ends, or -1 at the first byte that is not ASCII (or is DEL): such
 * a row goes the string way.
 */
export function asciiText(b: Uint8Array, src: DataView, p: number, end: number, out: Uint8Array, dst: DataView, o: number): number {
  while (p < end) {
    const left = end - p;
    if (left >= 4) {
      const x = src.getInt32(p, true);
      if (!odd(x)) {
        dst.setInt32(o, x, true);
        o += 4;
        p += 4;
        continue;
      }
    } else if (p + 4 <= b.length) {
      const mask = TAIL_MASK[left]!;
      const x = (src.getInt32(p, true) & mask) | (0x41414141 & ~mask);
      if (!odd(x)) {
        dst.setInt32(o, x, true);
        return o + left;
      }
    }
    const x = b[p++]!;
    const kind = TEXT_BYTE[x]!;
    if (kind === AS_IS) out[o++] = x;
    else if (kind === OTHER) return -1;
    else if (x < 32) {
      const escape = CONTROL_ESCAPES[x]!;
      for (let k = 0; k < escape.length; k++) out[o++] = escape[k]!;
    } else {
      out[o++] = BACKSLASH;
      out[o++] = x;
    }
  }
  return o;
}
