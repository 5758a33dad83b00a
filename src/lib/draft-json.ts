import { linesOf } from './text-lines.ts';

/**
 * JSON.stringify for draft files, as UTF-8 bytes, encoding each long text in proportion to what changed:
 * while typing in a 99,000-character prompt the draft is written every 300 ms. Half of it (the base: the
 * row as it was read) is the same string every time, and its bytes are kept (the last few, by the string
 * itself). The typed text was joined from the editor's lines (lib/text-lines.ts): each line's bytes are
 * kept by the line, so a write encodes the line typed into and copies the rest. The bytes are exactly
 * those of JSON.stringify's text.
 */
const LONG = 4096;
const KEPT = 8;
const encoded = new Map<string, Buffer>();
// Per line, keyed by the line itself (unchanged lines are the same strings from key to key): the lines of
// the last write's texts, so what is kept is one copy of the text, not every version of a line typed into.
let lineBytes = new Map<string, Buffer>();
let usedLines: Map<string, Buffer> | null = null;

const QUOTE = Buffer.from('"');
const NEWLINE = Buffer.from('\\n');
// A lone surrogate never appears unescaped in JSON.stringify's text (it writes \udbff), so a placeholder
// made of them cannot be mistaken for anything the value holds.
const MARK = '\udbff';
const PLACEHOLDER = new RegExp(`"${MARK}(\\d+)${MARK}"`);

// JSON.rawJSON (V8 11.4+, Node 21+); where missing, the value is encoded as a whole.
const rawJSON = (JSON as unknown as { rawJSON?: (json: string) => unknown }).rawJSON;

function lineJson(line: string, used: Map<string, Buffer>): Buffer {
  let bytes = used.get(line) ?? lineBytes.get(line);
  if (bytes === undefined) bytes = Buffer.from(JSON.stringify(line).slice(1, -1));
  used.set(line, bytes);
  return bytes;
}

/** A long string's JSON as UTF-8, in pieces. */
function longJson(value: string, out: Buffer[]): void {
  const lines = linesOf(value);
  if (lines !== undefined) {
    // '\n' is escaped on its own, so the text's JSON is its lines' JSON joined with \n.
    usedLines ??= new Map();
    out.push(QUOTE);
    for (let i = 0; i < lines.length; i++) {
      if (i > 0) out.push(NEWLINE);
      out.push(lineJson(lines[i]!, usedLines));
    }
    out.push(QUOTE);
    return;
  }
  let bytes = encoded.get(value);
  if (bytes === undefined) {
    bytes = Buffer.from(JSON.stringify(value));
    if (encoded.size >= KEPT) encoded.delete(encoded.keys().next().value!);
    encoded.set(value, bytes);
  }
  out.push(bytes);
}

/** JSON.stringify(value) as UTF-8 bytes. */
export function draftJsonBytes(value: unknown): Buffer {
  if (rawJSON === undefined) return Buffer.from(JSON.stringify(value));
  const longs: string[] = [];
  const json = JSON.stringify(value, (_key, v: unknown) => {
    if (typeof v !== 'string' || v.length < LONG) return v;
    longs.push(v);
    return rawJSON(`"${MARK}${longs.length - 1}${MARK}"`);
  });
  if (longs.length === 0) return Buffer.from(json);
  const pieces = json.split(PLACEHOLDER);
  const out: Buffer[] = [];
  usedLines = null;
  for (let i = 0; i < pieces.length; i++) {
    // split() with a group: the text between placeholders, then each placeholder's number.
    if (i % 2 === 0) out.push(Buffer.from(pieces[i]!));
    else longJson(longs[Number(pieces[i])]!, out);
  }
  if (usedLines !== null) lineBytes = usedLines;
  usedLines = null;
  return Buffer.concat(out);
}
