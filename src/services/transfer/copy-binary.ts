import { escapeJsonUnsafe } from '../../lib/json-text.ts';
import { int32, put, timestampJson, timestampWords } from './binary-timestamp.ts';
import { asciiText, viewOf, WORD_SLACK, wordsOf } from './json-words.ts';

/**
 * Binary COPY rows to the export's JSON text. PostgreSQL sends `COPY (select …) TO STDOUT (FORMAT binary)`:
 * lengths and raw values, which costs the server about half of what text COPY (psql's `\copy`) costs it,
 * since it formats no time and escapes no text. Each row becomes its JSON record exactly as `jsonText`
 * writes the same values: keys in the given order, text escaped by JSON.stringify's rules and characters a
 * terminal would act on escaped too, times in UTC with microseconds (`isoSql`'s form). A row whose text is
 * ASCII (nearly every user row) is written byte by byte into the output buffer, with no string per row;
 * any other row takes the string path, which escapes what the display sanitiser escapes. Several COPY
 * streams may follow one another (one per range of a parallel export): each brings its own header.
 */

/** How a column's value becomes a JSON value. */
export type JsonColumnKind = 'text' | 'integer' | 'timestamptz';
export type JsonColumns = readonly (readonly [key: string, kind: JsonColumnKind])[];

const SIGNATURE = Buffer.from('PGCOPY\n\xff\r\n\0', 'latin1');
/** How much of a chunk completes the tuple the chunk before it cut. */
const PEEK = 4096;
const QUOTE = 34;
const LABEL_WORDS = 4;
const TEXT = 0;
const TIME = 1;
const KIND_CODE: Record<JsonColumnKind, number> = { text: TEXT, timestamptz: TIME, integer: 2 };
const NULL_BYTES = Buffer.from('null');

/** An int2 or int4 in decimal, straight into `out` (an int8 by way of its string): no string per row. */
function integerJson(b: Buffer, at: number, length: number, out: Buffer, o: number): number {
  if (length === 8) return o + out.write(String(b.readBigInt64BE(at)), o, 'latin1');
  let value = length === 2 ? (b[at]! << 24) >> 16 | b[at + 1]! : int32(b, at);
  if (value < 0) {
    out[o++] = 45; // -
    if (value === -0x80000000) return o + out.write('2147483648', o, 'latin1');
    value = -value;
  }
  let digits = 1;
  for (let v = value; v >= 10; v = (v / 10) | 0) digits++;
  for (let k = o + digits - 1; k >= o; k--) {
    const q = (value / 10) | 0;
    out[k] = 48 + value - q * 10;
    value = q;
  }
  return o + digits;
}

function integerText(b: Buffer, at: number, length: number): string {
  if (length === 2) return String(b.readInt16BE(at));
  if (length === 4) return String(b.readInt32BE(at));
  return String(b.readBigInt64BE(at));
}

/** Turns whole binary COPY tuples into JSON text; `total` counts the rows written so far (an array's commas). */
class TupleEncoder {
  readonly #labels: Buffer[];
  /**
   * Each label with a text's or time's opening quote (`,"email":"`) as LABEL_WORDS words from
   * 4 × column, and its length; null when one is longer (pretty-printed): then byte by byte.
   */
  readonly #labelWords: Int32Array | null;
  readonly #labelLengths: Int32Array;
  /** The columns' kinds as TEXT, TIME or INTEGER. */
  readonly #kindCodes: Uint8Array;
  readonly #labelText: string[];
  readonly #kinds: JsonColumnKind[];
  readonly #open: [first: Buffer, next: Buffer] | null;
  readonly #close: Buffer;
  readonly #overhead: number;
  total = 0;
  /** Write every call's text into one buffer (valid until the next call) instead of a new one each time. */
  readonly #reuse: boolean;
  #scratch: Buffer = Buffer.alloc(0);

  constructor(columns: JsonColumns, pretty: boolean, reuse: boolean) {
    this.#reuse = reuse;
    this.#labelText = columns.map(([key], i) => `${i === 0 ? '{' : ','}${pretty ? '\n    ' : ''}${JSON.stringify(key)}:${pretty ? ' ' : ''}`);
    this.#labels = this.#labelText.map((l) => Buffer.from(l));
    this.#kinds = columns.map(([, kind]) => kind);
    this.#kindCodes = Uint8Array.from(this.#kinds, (kind) => KIND_CODE[kind]);
    const quoted = this.#labelText.map((l, c) => Buffer.from(this.#kinds[c] === 'integer' ? l : `${l}"`));
    this.#labelLengths = Int32Array.from(quoted, (l) => l.length);
    this.#labelWords = quoted.every((l) => l.length <= 4 * LABEL_WORDS) ? Int32Array.from(quoted.flatMap((l) => [...wordsOf(l, LABEL_WORDS)])) : null;
    this.#open = pretty ? [Buffer.from('[\n  '), Buffer.from(',\n  ')] : null;
    this.#close = Buffer.from(pretty ? '\n  }' : '}\n');
    // What a row adds beyond 6 bytes per input byte (`\u0001`): labels, brackets, a time's 40 bytes.
    this.#overhead = this.#labels.reduce((n, l) => n + l.length + 48, 16 + WORD_SLACK);
  }

  /**
   * Encodes the tuples of `b` from `at` that are complete. Returns the JSON, the rows, where the first
   * incomplete tuple starts (b.length when none) and whether the stream's trailer was met.
   */
  encode(b: Buffer, at: number): { text: Buffer; rows: number; end: number; trailer: boolean } {
    const size = Math.max(1024, (b.length - at) * 3);
    // Reused: 1 MiB holds the JSON of a socket read (up to 256 KiB, raw-socket.ts); it grows only for longer rows.
    let out = !this.#reuse ? Buffer.allocUnsafe(size) : this.#scratch.length >= size ? this.#scratch : Buffer.allocUnsafe(Math.max(size, 1 << 20));
    let o = 0;
    let rows = 0;
    const n = this.#kinds.length;
    const src = viewOf(b);
    let dst = viewOf(out);
    for (;;) {
      if (b.length - at < 2) return this.#done(out, o, rows, at, false);
      const fields = (b[at]! << 24) >> 16 | b[at + 1]!;
      if (fields === -1) return this.#done(out, o, rows, at + 2, true);
      if (fields !== n) throw new Error(`binary COPY: expected ${n} columns, got ${fields}`);
      // Pass 1: is the tuple complete, and how long is it? (Lengths only: the text is looked at once, below.)
      let p = at + 2;
      let complete = true;
      for (let c = 0; c < n; c++) {
        if (b.length - p < 4) {
          complete = false;
          break;
        }
        const length = int32(b, p);
        p += 4;
        if (length <= 0) continue;
        if (b.length - p < length) {
          complete = false;
          break;
        }
        p += length;
      }
      if (!complete) return this.#done(out, o, rows, at, false);
      const need = (p - at) * 6 + this.#overhead;
      if (out.length - o < need) {
        const bigger = Buffer.allocUnsafe(Math.max(out.length * 2, o + need));
        out.copy(bigger, 0, 0, o);
        out = bigger;
        dst = viewOf(out);
      }
      const start = o;
      if (this.#open) o = put(this.#open[this.total + rows === 0 ? 0 : 1], out, o);
      // ASCII text is written byte by byte; a tuple with any other byte is written again by way of strings.
      const ascii = this.#asciiTuple(b, src, at + 2, out, dst, o);
      if (ascii >= 0) o = ascii;
      else {
        o = start;
        if (this.#open) o = put(this.#open[this.total + rows === 0 ? 0 : 1], out, o);
        const text = escapeJsonUnsafe(this.#stringTuple(b, at + 2));
        const bytes = Buffer.byteLength(text);
        if (out.length - o < bytes + this.#close.length) {
          const bigger = Buffer.allocUnsafe(out.length * 2 + bytes);
          out.copy(bigger, 0, 0, o);
          out = bigger;
          dst = viewOf(out);
        }
        o += out.write(text, o);
      }
      o = put(this.#close, out, o);
      rows++;
      at = p;
    }
  }

  #done(out: Buffer, o: number, rows: number, end: number, trailer: boolean) {
    if (this.#reuse) this.#scratch = out;
    this.total += rows;
    return { text: out.subarray(0, o), rows, end, trailer };
  }

  /** Writes a tuple whose text is ASCII (DEL excepted) and returns where it ends; -1 at the first other byte. */
  #asciiTuple(b: Buffer, src: DataView, p: number, out: Buffer, dst: DataView, o: number): number {
    const kinds = this.#kindCodes;
    const words = this.#labelWords;
    const lengths = this.#labelLengths;
    for (let c = 0; c < kinds.length; c++) {
      const length = src.getInt32(p);
      p += 4;
      if (length < 0) {
        o = put(NULL_BYTES, out, put(this.#labels[c]!, out, o));
        continue;
      }
      if (words !== null) {
        const w = 4 * c;
        dst.setInt32(o, words[w]!, true);
        dst.setInt32(o + 4, words[w + 1]!, true);
        dst.setInt32(o + 8, words[w + 2]!, true);
        dst.setInt32(o + 12, words[w + 3]!, true);
        o += lengths[c]!;
      } else {
        o = put(this.#labels[c]!, out, o);
        if (kinds[c] !== 2) out[o++] = QUOTE;
      }
      const kind = kinds[c];
      if (kind === TEXT) {
        o = asciiText(b, src, p, p + length, out, dst, o);
        if (o < 0) return -1;
        out[o++] = QUOTE;
      } else if (kind === TIME) o = timestampWords(b, src, p, out, dst, o);
      else o = integerJson(b, p, length, out, o);
      p += length;
    }
    return o;
  }

  /** One tuple by way of strings, for rows with non-ASCII text (or DEL): the display sanitiser's escapes apply. */
  #stringTuple(b: Buffer, p: number): string {
    let text = '';
    const scratch = Buffer.allocUnsafe(64);
    for (let c = 0; c < this.#labelText.length; c++) {
      const length = int32(b, p);
      p += 4;
      const kind = this.#kinds[c]!;
      text +=
        this.#labelText[c]! +
        (length < 0
          ? 'null'
          : kind === 'text'
            ? JSON.stringify(b.toString('utf8', p, p + length))
            : kind === 'integer'
              ? integerText(b, p, length)
              : scratch.toString('latin1', 0, timestampJson(b, p, scratch, 0)));
      if (length > 0) p += length;
    }
    return text;
  }
}

/**
 * Turns binary COPY streams (one after another, each with its header and trailer) into the export's JSON
 * text, NDJSON or one array. Chunks end anywhere: a partial tuple waits for the rest. With `reuse`, each
 * text yielded is only valid until the generator is resumed (the consumer writes or copies it first): one
 * output buffer serves the whole export, so a million rows allocate no 200 MB for the collector to free.
 */
export async function* binaryRowsAsJson(
  stream: AsyncIterable<Buffer>,
  columns: JsonColumns,
  format: 'ndjson' | 'array',
  { reuse = false }: { reuse?: boolean } = {},
): AsyncGenerator<{ text: Buffer; rows: number }> {
  const encoder = new TupleEncoder(columns, format === 'array', reuse);
  let pending: Buffer | null = null;
  let inHeader = true;
  /** Encodes what is whole in `b` from `at`; returns where the first cut tuple (or header) starts. */
  function* whole(b: Buffer, at: number): Generator<{ text: Buffer; rows: number }, number> {
    while (at < b.length) {
      if (inHeader) {
        if (b.length - at < SIGNATURE.length + 8) break;
        if (!b.subarray(at, at + SIGNATURE.length).equals(SIGNATURE)) throw new Error('binary COPY: no signature');
        const extension = b.readUInt32BE(at + SIGNATURE.length + 4);
        if (b.length - at < SIGNATURE.length + 8 + extension) break;
        at += SIGNATURE.length + 8 + extension;
        inHeader = false;
        continue;
      }
      const { text, rows, end, trailer } = encoder.encode(b, at);
      if (rows > 0) yield { text, rows };
      if (trailer) inHeader = true;
      else if (end === at) break;
      at = end;
    }
    return at;
  }
  for await (const chunk of stream) {
    let b: Buffer = chunk;
    let at = 0;
    if (pending) {
      // The tuple cut at the last chunk's end is completed from this chunk's first bytes (a tuple is short), not
      // by copying the whole chunk behind it; should it be longer than that, the two are joined whole.
      const head = Buffer.concat([pending, chunk.subarray(0, PEEK)]);
      const end = yield* whole(head, 0);
      if (end > pending.length) at = end - pending.length;
      else if (chunk.length > PEEK) b = Buffer.concat([pending, chunk]);
      else b = head;
      if (b !== chunk) at = end;
      pending = null;
    }
    at = yield* whole(b, at);
    if (at < b.length) pending = b.subarray(at);
  }
  if (pending || !inHeader) throw new Error('binary COPY: the stream ended inside a row');
  if (format === 'array') yield { text: Buffer.from(encoder.total === 0 ? '[]\n' : '\n]\n'), rows: 0 };
}
