import { CabinetError } from './errors.ts';

/** One record of an import: where it is in the input (for error messages) and its parsed value. */
export interface InputRecord {
  /** `line 7` (NDJSON) or `index 3 (line 17)` (a JSON array). */
  where: string;
  line: number;
  /** The array index, for a JSON array. */
  index?: number;
  value?: unknown;
  /** Set instead of `value` when this record is not valid JSON. */
  error?: string;
  /** The record's JSON text as read (trimmed), for a reader that recognises a form it can take without parsing. */
  text?: string;
}

export interface ReadRecordsOptions {
  /** The largest single record accepted (characters); bigger ones end the import. */
  maxRecordChars?: number;
  /** Called with the size of every chunk read, for a progress indicator. */
  onBytes?: (bytes: number) => void;
}

const DEFAULT_MAX_RECORD = 8 * 1024 * 1024;

function fatal(message: string): CabinetError {
  return new CabinetError(message, { code: 'input', hint: 'expected a JSON array of objects, or one JSON object per line (NDJSON)' });
}

/** A record whose JSON is parsed when its value or error is first asked for: an importer may take the text itself. */
class LazyRecord implements InputRecord {
  readonly text: string;
  readonly line: number;
  readonly index?: number;
  #parsed = false;
  #value: unknown;
  #error: string | undefined;
  constructor(text: string, line: number, index?: number) {
    this.text = text;
    this.line = line;
    if (index !== undefined) this.index = index;
  }
  get where(): string {
    return this.index === undefined ? `line ${this.line}` : `index ${this.index} (line ${this.line})`;
  }
  #parse(): void {
    if (this.#parsed) return;
    this.#parsed = true;
    try {
      this.#value = JSON.parse(this.text);
    } catch (error) {
      this.#error = `not valid JSON: ${(error as Error).message}`;
    }
  }
  get value(): unknown {
    this.#parse();
    return this.#value;
  }
  get error(): string | undefined {
    this.#parse();
    return this.#error;
  }
}

function parse(text: string, line: number, index?: number): InputRecord {
  return new LazyRecord(text, line, index);
}

/**
 * Reads records from a stream holding either a JSON array (`[` first) or NDJSON, without holding more
 * than one record in memory: the array is split into its items by a small scanner, each parsed alone,
 * so a 2 GB export imports in flat memory. Bytes are decoded as strict UTF-8.
 */
export async function* readRecords(source: AsyncIterable<Buffer | string>, options: ReadRecordsOptions = {}): AsyncGenerator<InputRecord> {
  const max = options.maxRecordChars ?? DEFAULT_MAX_RECORD;
  const decoder = new TextDecoder('utf-8', { fatal: true });
  let mode: 'ndjson' | 'array' | undefined;
  let line = 1;

  // NDJSON state
  let pending = '';

  // JSON array state
  type State = 'before' | 'first' | 'next' | 'item' | 'after' | 'done';
  let state: State = 'before';
  let parts: string[] = [];
  let partsLength = 0;
  let itemLine = 0;
  let index = 0;
  let depth = 0;
  let inString = false;
  let escaped = false;
  let container = false;

  function* scan(text: string): Generator<InputRecord> {
    let start = -1; // where the current item starts in `text`, while state === 'item'
    if (state === 'item') start = 0;
    const finish = (end: number): InputRecord => {
      parts.push(text.slice(start, end));
      const itemText = parts.join('');
      parts = [];
      partsLength = 0;
      start = -1;
      return parse(itemText, itemLine, index++);
    };
    for (let i = 0; i < text.length; i++) {
      const c = text[i]!;
      if (state === 'item') {
        if (inString) {
          if (escaped) {
            escaped = false;
            continue;
          }
          // Jump to the next quote or backslash: strings are most of the bytes.
          const re = /["\\]/g;
          re.lastIndex = i;
          const m = re.exec(text);
          if (!m) {
            i = text.length;
            break;
          }
          i = m.index;
          if (text[i] === '\\') escaped = true;
          else inString = false;
          continue;
        }
        if (c === '"') {
          inString = true;
          continue;
        }
        if (c === '{' || c === '[') {
          depth++;
          continue;
        }
        if (c === '}' || c === ']') {
          if (depth === 0) {
            // A scalar item ended by the array's closing bracket.
            yield finish(i);
            if (c === ']') state = 'done';
            else throw fatal(`unexpected } at line ${line}`);
            continue;
          }
          depth--;
          if (depth === 0 && container) {
            yield finish(i + 1);
            state = 'after';
          }
          continue;
        }
        if (depth === 0 && (c === ',' || c === ' ' || c === '\t' || c === '\r' || c === '\n')) {
          yield finish(i);
          state = c === ',' ? 'next' : 'after';
          if (c === '\n') line++;
          continue;
        }
        if (c === '\n') line++;
        continue;
      }
      if (c === '\n') {
        line++;
        continue;
      }
      if (c === ' ' || c === '\t' || c === '\r' || c === '\ufeff') continue;
      switch (state) {
        case 'before':
          if (c !== '[') throw fatal(`expected [ at line ${line}`);
          state = 'first';
          break;
        case 'first':
        case 'next':
          if (c === ']') {
            if (state === 'next') throw fatal(`a comma before ] at line ${line} (after index ${index - 1})`);
            state = 'done';
          } else if (c === ',') {
            throw fatal(`an empty item at line ${line} (index ${index})`);
          } else {
            state = 'item';
            start = i;
            itemLine = line;
            depth = 0;
            container = c === '{' || c === '[';
            i--; // let the item branch see its first character
          }
          break;
        case 'after':
          if (c === ',') state = 'next';
          else if (c === ']') state = 'done';
          else throw fatal(`expected , or ] after index ${index - 1} at line ${line}`);
          break;
        case 'done':
          throw fatal(`unexpected text after the closing ] at line ${line}`);
        default:
          break;
      }
    }
    if (state === 'item') {
      parts.push(text.slice(start));
      partsLength += text.length - start;
      if (partsLength > max) throw fatal(`index ${index} (line ${itemLine}) is larger than ${max.toLocaleString('en')} characters`);
    }
  }

  function* lines(text: string, end: boolean): Generator<InputRecord> {
    // The first line completes what the last chunk left; the rest are cut from this chunk by position.
    let from = 0;
    let nl: number;
    while ((nl = text.indexOf('\n', from)) >= 0) {
      const raw = from === 0 && pending !== '' ? pending + text.slice(0, nl) : text.slice(from, nl);
      if (from === 0) pending = '';
      from = nl + 1;
      const trimmed = raw.trim();
      if (trimmed !== '') yield parse(trimmed, line);
      line++;
    }
    pending = from === 0 ? pending + text : text.slice(from);
    if (pending.length > max) throw fatal(`line ${line} is longer than ${max.toLocaleString('en')} characters`);
    if (end && pending.trim() !== '') {
      yield parse(pending.trim(), line);
      pending = '';
    }
  }

  function decode(chunk: Buffer | string | undefined, end: boolean): string {
    if (typeof chunk === 'string') return chunk;
    try {
      return decoder.decode(chunk, { stream: !end });
    } catch {
      throw new CabinetError(`the input is not valid UTF-8 (near line ${line})`, { code: 'input', hint: 'convert it first, e.g. iconv -t UTF-8' });
    }
  }

  function* feed(text: string, end: boolean): Generator<InputRecord> {
    if (mode === undefined) {
      const first = /[^\s\ufeff]/.exec(text);
      if (!first) {
        if (end) return;
        pending += text; // only whitespace so far
        return;
      }
      mode = first[0] === '[' ? 'array' : 'ndjson';
      if (mode === 'array') {
        text = pending + text;
        pending = '';
      }
    }
    if (mode === 'ndjson') yield* lines(text, end);
    else yield* scan(text);
  }

  for await (const chunk of source) {
    options.onBytes?.(typeof chunk === 'string' ? Buffer.byteLength(chunk) : chunk.length);
    yield* feed(decode(chunk, false), false);
  }
  yield* feed(decode(undefined, true), true);
  if (mode === undefined) throw new CabinetError('the input is empty', { code: 'input', hint: 'an empty export is [], not nothing' });
  // `state` is changed inside the scanner; TypeScript cannot see that from here.
  const end = state as State;
  if (mode === 'array' && end !== 'done') {
    throw fatal(end === 'item' || inString ? `the input ended inside index ${index} (line ${itemLine})` : 'the JSON array is not closed with ]');
  }
}
