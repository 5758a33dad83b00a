import { escapeJsonUnsafe } from '../../lib/json-text.ts';

/**
 * COPY text rows to the export's JSON text. PostgreSQL sends `COPY (select …) TO STDOUT` rows (text format,
 * the session's TimeZone UTC and DateStyle ISO); each row becomes its JSON record exactly as `jsonText`
 * writes the same values: keys in the given order, values escaped by JSON.stringify's rules, characters a
 * terminal would act on escaped too. A row of ASCII bytes (nearly every user row) is transcoded byte to
 * byte into the output buffer, with no string, object or UTF-8 round trip per row; any other row takes the
 * string path, which escapes what the display sanitiser escapes.
 */

/** How a column's COPY text becomes a JSON value. */
export type JsonColumnKind = 'text' | 'integer' | 'timestamptz';
export type JsonColumns = readonly (readonly [key: string, kind: JsonColumnKind])[];

const COPY_ESCAPES: Record<string, string> = { b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v' };

/** Undoes COPY text format's escaping of a field (PostgreSQL writes only these escapes for UTF-8 text). */
function uncopyText(text: string): string {
  return text.includes('\\') ? text.replace(/\\(.)/gs, (_, c: string) => COPY_ESCAPES[c] ?? c) : text;
}

const ZEROS = '000000';

/**
 * A timestamptz from COPY (`2026-01-02 03:04:05.5+00`) the way export writes times: UTC, microseconds, `Z`
 * (what `isoSql` gives). Years past 9999, BC and infinite times keep the same form, so an import takes
 * every value back.
 */
function isoFromCopy(text: string): string {
  const m = /^(\d{4,}-\d{2}-\d{2}) (\d{2}:\d{2}:\d{2})(?:\.(\d+))?\+00( BC)?$/.exec(text);
  if (m) return `${m[1]}T${m[2]}.${(m[3] ?? '') + ZEROS.slice((m[3] ?? '').length)}Z${m[4] ?? ''}`;
  return text; // infinity, -infinity
}

/** JSON.stringify's escape of a control character (C0 and the two it names). */
const CONTROL_ESCAPES = Array.from({ length: 32 }, (_, c) => Buffer.from(JSON.stringify(String.fromCharCode(c)).slice(1, -1), 'latin1'));
/** The byte a COPY escape `\x` stands for, by x (undefined: the character itself). */
const COPY_ESCAPE_BYTE = new Int16Array(128).fill(-1);
for (const [k, v] of Object.entries(COPY_ESCAPES)) COPY_ESCAPE_BYTE[k.charCodeAt(0)] = v.charCodeAt(0);

const TAB = 9;
const NEWLINE = 10;
const QUOTE = 34;
const BACKSLASH = 92;
const NULL_BYTES = Buffer.from('null');

/** Copies a few bytes into `out` at `o`; returns the new end. */
function put(bytes: Buffer, out: Buffer, o: number): number {
  for (let k = 0; k < bytes.length; k++) out[o++] = bytes[k]!;
  return o;
}

/** Turns whole COPY lines into JSON text; `total` counts the rows written so far (an array's commas). */
class RowEncoder {
  readonly #labels: Buffer[];
  readonly #labelText: string[];
  readonly #kinds: JsonColumnKind[];
  readonly #open: [first: Buffer, next: Buffer] | null;
  readonly #close: Buffer;
  readonly #overhead: number;
  total = 0;

  constructor(columns: JsonColumns, pretty: boolean) {
    this.#labelText = columns.map(([key], i) => `${i === 0 ? '{' : ','}${pretty ? '\n    ' : ''}${JSON.stringify(key)}:${pretty ? ' ' : ''}`);
    this.#labels = this.#labelText.map((l) => Buffer.from(l));
    this.#kinds = columns.map(([, kind]) => kind);
    this.#open = pretty ? [Buffer.from('[\n  '), Buffer.from(',\n  ')] : null;
    this.#close = Buffer.from(pretty ? '\n  }' : '}\n');
    // What a row adds beyond 6 bytes per input byte (`\u0001`): labels, quotes, nulls, a time's T…Z.
    this.#overhead = this.#labels.reduce((n, l) => n + l.length + 12, 16);
  }

  /** The JSON of `lines` (COPY rows separated by newlines, the last one without its newline). */
  encode(lines: Buffer): { text: Buffer; rows: number } {
    let out = Buffer.allocUnsafe(lines.length * 2 + 1024);
    let o = 0;
    let rows = 0;
    const length = lines.length;
    for (let start = 0; start <= length; rows++) {
      // Byte loops rather than indexOf/copy: a call into C++ per field costs more than the field.
      let end = start;
      let ascii = true;
      for (; end < length; end++) {
        const x = lines[end]!;
        if (x === NEWLINE) break;
        if (x >= 0x7f) ascii = false;
      }
      if (out.length - o < (end - start) * 6 + this.#overhead) {
        const bigger = Buffer.allocUnsafe(Math.max(out.length * 2, o + (end - start) * 6 + this.#overhead));
        out.copy(bigger, 0, 0, o);
        out = bigger;
      }
      if (this.#open) o = put(this.#open[this.total + rows === 0 ? 0 : 1], out, o);
      if (ascii) o = this.#asciiRow(lines, start, end, out, o);
      else {
        const text = escapeJsonUnsafe(this.#stringRow(lines.toString('utf8', start, end)));
        const need = Buffer.byteLength(text);
        if (out.length - o < need + this.#close.length) {
          const bigger = Buffer.allocUnsafe(out.length * 2 + need);
          out.copy(bigger, 0, 0, o);
          out = bigger;
        }
        o += out.write(text, o);
      }
      o = put(this.#close, out, o);
      start = end + 1;
    }
    this.total += rows;
    return { text: out.subarray(0, o), rows };
  }

  #asciiRow(b: Buffer, start: number, end: number, out: Buffer, o: number): number {
    let i = start;
    for (let c = 0; c < this.#labels.length; c++) {
      o = put(this.#labels[c]!, out, o);
      if (i > end || (b[i] === BACKSLASH && b[i + 1] === 78 && (i + 2 === end || b[i + 2] === TAB)) /* \N */) {
        o = put(NULL_BYTES, out, o);
        i += 3;
        continue;
      }
      const kind = this.#kinds[c];
      if (kind === 'text') {
        // One pass: copy, unescape COPY and escape JSON up to the tab.
        out[o++] = QUOTE;
        for (; i < end; i++) {
          let x = b[i]!;
          if (x === TAB) break;
          if (x === BACKSLASH && i + 1 < end) {
            const e = b[++i]!;
            const v = COPY_ESCAPE_BYTE[e]!;
            x = v < 0 ? e : v;
          }
          if (x < 32) o = put(CONTROL_ESCAPES[x]!, out, o);
          else if (x === QUOTE || x === BACKSLASH) {
            out[o++] = BACKSLASH;
            out[o++] = x;
          } else out[o++] = x;
        }
        out[o++] = QUOTE;
      } else {
        let to = i;
        while (to < end && b[to] !== TAB) to++;
        if (kind === 'integer') for (let k = i; k < to; k++) out[o++] = b[k]!;
        else o = timestampJson(b, i, to, out, o);
        i = to;
      }
      i++;
    }
    return o;
  }

  /** One row by way of strings, for rows with non-ASCII text (or DEL): the display sanitiser's escapes apply. */
  #stringRow(line: string): string {
    let text = '';
    let from = 0;
    for (let i = 0; i < this.#labelText.length; i++) {
      let to = from > line.length ? line.length : line.indexOf('\t', from);
      if (to < 0) to = line.length;
      const field = from > line.length ? '\\N' : line.slice(from, to);
      const kind = this.#kinds[i]!;
      text +=
        this.#labelText[i]! +
        (field === '\\N' ? 'null' : kind === 'integer' ? field : kind === 'timestamptz' ? `"${isoFromCopy(field)}"` : JSON.stringify(uncopyText(field)));
      from = to + 1;
    }
    return text;
  }
}

/**
 * A COPY timestamptz as `"YYYY-MM-DDTHH:MM:SS.ffffffZ"`, byte by byte for the common form (four-digit year,
 * `+00`, up to six fraction digits); other forms through isoFromCopy.
 */
function timestampJson(b: Buffer, from: number, to: number, out: Buffer, o: number): number {
  const n = to - from;
  out[o++] = QUOTE;
  if (n >= 22 && n <= 29 && b[from + 4] === 45 && b[from + 10] === 32 && b[to - 3] === 43 && b[to - 2] === 48 && b[to - 1] === 48 && (n === 22 || b[from + 19] === 46)) {
    for (let k = 0; k < 19; k++) out[o + k] = b[from + k]!;
    out[o + 10] = 84; // T
    out[o + 19] = 46; // .
    o += 20;
    const digits = n === 22 ? 0 : n - 23;
    for (let k = 0; k < digits; k++) out[o++] = b[from + 20 + k]!;
    for (let k = digits; k < 6; k++) out[o++] = 48;
    out[o++] = 90; // Z
  } else o += out.write(isoFromCopy(b.toString('latin1', from, to)), o, 'latin1');
  out[o++] = QUOTE;
  return o;
}

/**
 * Turns the rows of `COPY (select <columns>) TO STDOUT` into the export's JSON text, NDJSON or one array.
 * Chunks end anywhere: a partial line waits for the rest.
 */
export async function* copyRowsAsJson(stream: AsyncIterable<Buffer>, columns: JsonColumns, format: 'ndjson' | 'array'): AsyncGenerator<{ text: Buffer; rows: number }> {
  const encoder = new RowEncoder(columns, format === 'array');
  let pending: Buffer | null = null;
  for await (const chunk of stream) {
    const last = chunk.lastIndexOf(NEWLINE);
    if (last < 0) {
      pending = pending ? Buffer.concat([pending, chunk]) : chunk;
      continue;
    }
    const lines = pending ? Buffer.concat([pending, chunk.subarray(0, last)]) : chunk.subarray(0, last);
    pending = last + 1 < chunk.length ? chunk.subarray(last + 1) : null;
    yield encoder.encode(lines);
  }
  if (pending) yield encoder.encode(pending);
  if (format === 'array') yield { text: Buffer.from(encoder.total === 0 ? '[]\n' : '\n]\n'), rows: 0 };
}
