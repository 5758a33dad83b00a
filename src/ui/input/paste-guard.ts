/**
 * A guard in front of Ink's input parser for huge bracketed pastes. Ink re-scans everything it has
 * buffered for the paste's end marker on every chunk the terminal delivers (a few KB each), so a 50 MB
 * paste costs quadratic time and the console freezes. The guard sits on the stream's `read()`: it holds a
 * paste back until its end marker (linear work), then hands Ink the whole paste in one piece, or, past
 * `limit` characters, a short refusal marker in its place that the shell turns into a message. Nothing is
 * done to input outside pastes, so keys (a lone Esc included) pass straight through.
 */
export const PASTE_START = '\u001b[200~';
export const PASTE_END = '\u001b[201~';
const REFUSED_OPEN = '\u{F8FF}cabinet-paste-refused:';
const REFUSED_CLOSE = '\u{F8FF}';

/** Far above any field's limit (the prompt's is 100,000 characters): smaller pastes get the field's own message. */
export const PASTE_GUARD_LIMIT = 1_000_000;

/** The size of a paste the guard refused (in UTF-16 code units), or null for an ordinary paste. */
export function pasteRefusal(text: string): number | null {
  if (!text.startsWith(REFUSED_OPEN) || !text.endsWith(REFUSED_CLOSE)) return null;
  const n = Number(text.slice(REFUSED_OPEN.length, -REFUSED_CLOSE.length));
  return Number.isFinite(n) ? n : null;
}

export function createPasteGuard(limit = PASTE_GUARD_LIMIT): (chunk: string) => string {
  let inPaste = false;
  let parts: string[] = [];
  let size = 0;
  // The last characters of a chunk inside a paste: they may be the start of the end marker.
  let tail = '';
  const add = (text: string) => {
    size += text.length;
    if (size <= limit) parts.push(text);
    else parts = [];
  };
  return (chunk) => {
    let out = '';
    let rest = chunk;
    while (rest.length > 0) {
      if (!inPaste) {
        const start = rest.indexOf(PASTE_START);
        if (start === -1) {
          out += rest;
          break;
        }
        out += rest.slice(0, start);
        rest = rest.slice(start + PASTE_START.length);
        inPaste = true;
        parts = [];
        size = 0;
        tail = '';
        continue;
      }
      const scan = tail + rest;
      const end = scan.indexOf(PASTE_END);
      if (end === -1) {
        const keep = Math.min(scan.length, PASTE_END.length - 1);
        add(scan.slice(0, scan.length - keep));
        tail = scan.slice(scan.length - keep);
        break;
      }
      add(scan.slice(0, end));
      out += PASTE_START + (size > limit ? `${REFUSED_OPEN}${size}${REFUSED_CLOSE}` : parts.join('')) + PASTE_END;
      inPaste = false;
      parts = [];
      tail = '';
      rest = scan.slice(end + PASTE_END.length);
    }
    return out;
  };
}

interface Readable {
  read(...args: unknown[]): unknown;
}

/** Puts the guard on `stream.read` (what Ink calls); returns the function that takes it off again. */
export function guardPastes(stream: Readable, limit = PASTE_GUARD_LIMIT): () => void {
  const original = stream.read;
  const guard = createPasteGuard(limit);
  stream.read = function guardedRead(this: unknown, ...args: unknown[]) {
    const chunk = original.apply(stream, args);
    // Before Ink sets the encoding a chunk can be a Buffer: not a paste Ink would parse yet.
    return typeof chunk === 'string' ? guard(chunk) : chunk;
  };
  return () => {
    stream.read = original;
  };
}
