/**
 * JSON.stringify for draft files, encoding each long text value once: while typing in a 99,000-character
 * prompt the draft is written every 300 ms, and half of it (the base: the row as it was read) is the same
 * string every time. A long string's JSON is kept (the last few, by the string itself) and spliced in as
 * raw JSON, so the text is identical to JSON.stringify's and each write encodes only the text typed into.
 */
const LONG = 4096;
const KEPT = 8;
const encoded = new Map<string, unknown>();

// JSON.rawJSON (V8 11.4+, Node 21+); where missing, every value is encoded as usual.
const rawJSON = (JSON as unknown as { rawJSON?: (json: string) => unknown }).rawJSON;

function encodeLongStrings(_key: string, value: unknown): unknown {
  if (rawJSON === undefined || typeof value !== 'string' || value.length < LONG) return value;
  let raw = encoded.get(value);
  if (raw === undefined) {
    raw = rawJSON(JSON.stringify(value));
    if (encoded.size >= KEPT) encoded.delete(encoded.keys().next().value!);
    encoded.set(value, raw);
  }
  return raw;
}

export function draftJson(value: unknown): string {
  return JSON.stringify(value, encodeLongStrings);
}
