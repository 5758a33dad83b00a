import { Readable, type ReadableOptions } from 'node:stream';
import { isRawSocket, RAW_READER, type RawSocket } from './raw-socket.ts';

/**
 * `COPY … TO STDOUT` as a node-postgres submittable: the data of the CopyData messages, one buffer per socket
 * read. It takes the connection's socket over while the COPY runs, as pg-copy-streams' `to` does, and gives
 * it back at CopyDone or an ErrorResponse (node-postgres then reads CommandComplete, ReadyForQuery or the
 * error itself). Unlike pg-copy-streams 7, it strips the 5-byte message headers in one walk over each socket
 * read, copying the payloads into one buffer: PostgreSQL sends one CopyData message per row, and a sliced
 * buffer per message then a concatenation cost about 0.7 s of CPU per million users (100 MB). A message cut
 * by a socket read waits for the rest (up to 64 KiB), so each buffer ends on a row; the stream is in object
 * mode (one buffer per read(), never joined; `highWaterMark` counts buffers). On a socket that reads into
 * its own buffer (raw-socket.ts) it takes each read there, in place, and stops the socket's reading while
 * its buffers are full.
 */

const COPY_DATA = 0x64; // 'd'
const ERROR_RESPONSE = 0x45; // 'E'
/** CopyData messages up to this size are pushed whole (PostgreSQL sends a row per message). */
const WHOLE_MESSAGE = 1 << 16;
const SLAB = 1 << 20;
/** Messages that may come between CopyOutResponse and CopyDone and that a COPY reader skips. */
const SKIPPED = new Set([0x48 /* H: CopyOutResponse */, 0x4e /* N: notice */, 0x53 /* S: parameter */, 0x41 /* A: notification */]);

interface PgConnection {
  stream: {
    read(): Buffer | null;
    pause(): unknown;
    resume(): unknown;
    listeners(event: 'data'): unknown[];
    on(event: 'readable', listener: () => void): unknown;
    addListener(event: 'data', listener: DataHandler): unknown;
    removeListener(event: string, listener: (...args: never[]) => void): unknown;
  };
  query(text: string): void;
}

type DataHandler = (chunk: Buffer) => void;
interface Walked {
  o: number;
  p: number;
  end: 'done' | 'error' | null;
}

export class CopyOut extends Readable {
  readonly text: string;
  rowCount = 0;
  #connection: PgConnection | null = null;
  #pgData: DataHandler | null = null;
  /** The start of a message whose header (or, for a message that is not CopyData, whose body) is incomplete. */
  #head: Buffer | null = null;
  /** Bytes still to come of the CopyData message being read. */
  #rest = 0;
  #drained = false;
  #slab: Buffer = Buffer.alloc(0);
  #slabUsed = 0;
  #forwarding = false;
  readonly #onReadable = () => this.#forward();

  constructor(text: string, options?: Omit<ReadableOptions, 'objectMode'>) {
    super({ ...options, objectMode: true });
    this.text = text;
  }

  #raw: RawSocket | null = null;

  submit(connection: PgConnection): void {
    this.#connection = connection;
    const stream = connection.stream;
    if (isRawSocket(stream)) {
      this.#raw = stream;
      stream[RAW_READER] = (bytes) => {
        const drained = this.#parse(bytes);
        // Once the COPY has ended the socket is node-postgres's again, and it reads on.
        return drained || this.#connection === null;
      };
      connection.query(this.text);
      return;
    }
    const listeners = stream.listeners('data') as DataHandler[];
    if (listeners.length !== 1) throw new Error('COPY TO: expected one data listener on the connection');
    this.#pgData = listeners[0]!;
    stream.removeListener('data', this.#pgData);
    stream.pause();
    this.#forward();
    stream.on('readable', this.#onReadable);
    connection.query(this.text);
  }

  override _read(): void {
    this.#drained = true;
    if (this.#raw) {
      if (this.#connection) this.#raw.resume();
      return;
    }
    this.#forward();
  }

  #forward(): void {
    if (this.#forwarding || !this.#drained || !this.#connection) return;
    this.#forwarding = true;
    const stream = this.#connection.stream;
    let chunk: Buffer | null;
    while (this.#drained && this.#connection && (chunk = stream.read()) !== null) this.#drained = this.#parse(chunk);
    this.#forwarding = false;
  }

  /** Pushes the CopyData payloads of `chunk`; at CopyDone or an error, hands the rest back to node-postgres. */
  #parse(chunk: Buffer): boolean {
    const out = this.#room(chunk.length + (this.#head?.length ?? 0));
    let o = 0;
    let from = 0;
    let end: Walked['end'] = null;
    let unread: Buffer | null = null;
    if (this.#rest > 0) {
      const n = Math.min(this.#rest, chunk.length);
      o = from = chunk.copy(out, 0, 0, n);
      this.#rest -= n;
    }
    // A message begun in an earlier read: joined with just the bytes it lacks, not the whole read.
    while (this.#head !== null && from < chunk.length && end === null) {
      const head = this.#head;
      this.#head = null;
      const need = head.length < 5 ? 5 - head.length : 1 + head.readUInt32BE(1) - head.length;
      const take = Math.min(need, chunk.length - from);
      const joined = Buffer.concat([head, chunk.subarray(from, from + take)]);
      from += take;
      const walked = this.#walk(joined, 0, out, o);
      o = walked.o;
      end = walked.end;
      if (end !== null) unread = Buffer.concat([joined.subarray(walked.p), chunk.subarray(from)]);
    }
    if (end === null && from < chunk.length) {
      const walked = this.#walk(chunk, from, out, o);
      o = walked.o;
      end = walked.end;
      if (end !== null) unread = chunk.subarray(walked.p);
    }
    this.#slabUsed += o;
    const drained = o > 0 ? this.push(out.subarray(0, o)) : true;
    if (end !== null) this.#detach(unread!, end === 'done');
    return drained;
  }

  /**
   * Where the next read's payloads go: the free end of a 1 MiB slab, so a million rows make a hundred
   * buffers for the collector, not ten thousand. The slab goes once the buffers cut from it are read.
   */
  #room(size: number): Buffer {
    if (this.#slab.length - this.#slabUsed < size) {
      this.#slab = Buffer.allocUnsafe(Math.max(SLAB, size));
      this.#slabUsed = 0;
    }
    return this.#slab.subarray(this.#slabUsed);
  }

  /**
   * Copies the CopyData payloads of the messages in `b` from `p` into `out` at `o`. Stops at the end of the
   * COPY (`end`, with `p` at the first byte not read) or of `b`: a message cut there is kept in #head (up to
   * WHOLE_MESSAGE; a longer one's payload goes out as it comes, #rest counting what is still to come).
   */
  #walk(b: Buffer, p: number, out: Buffer, o: number): Walked {
    while (p < b.length) {
      if (b.length - p < 5) {
        this.#head = Buffer.from(b.subarray(p));
        return { o, p: b.length, end: null };
      }
      const code = b[p]!;
      const length = ((b[p + 1]! << 24) | (b[p + 2]! << 16) | (b[p + 3]! << 8) | b[p + 4]!) - 4;
      if (code === COPY_DATA) {
        const from = p + 5;
        if (from + length > b.length && length <= WHOLE_MESSAGE) {
          // A row's message cut by the socket read waits for the rest, so each buffer pushed ends on a row
          // (the export's encoder then never joins two buffers).
          this.#head = Buffer.from(b.subarray(p));
          return { o, p: b.length, end: null };
        }
        const to = Math.min(b.length, from + length);
        if (to - from < 64) for (let k = from; k < to; k++) out[o++] = b[k]!;
        else o += b.copy(out, o, from, to);
        this.#rest = from + length - to;
        p = to;
        continue;
      }
      if (code === ERROR_RESPONSE) return { o, p, end: 'error' };
      if (b.length - p < 5 + length) {
        this.#head = Buffer.from(b.subarray(p));
        return { o, p: b.length, end: null };
      }
      p += 5 + length;
      // CopyDone ('c'), or anything else (as pg-copy-streams): the COPY's data has ended.
      if (!SKIPPED.has(code)) return { o, p, end: 'done' };
    }
    return { o, p, end: null };
  }

  /** Gives the socket back to node-postgres with what it has not read yet. */
  #detach(unread: Buffer, done: boolean): void {
    const connection = this.#connection!;
    const stream = connection.stream;
    this.#connection = null;
    if (this.#raw) {
      this.#raw[RAW_READER] = null;
      // The read's buffer is read into again: node-postgres gets its own copy of what follows the COPY.
      if (unread.length > 0) this.#raw.emit('data', Buffer.from(unread));
      this.#raw.resume();
      if (done) this.push(null);
      return;
    }
    stream.removeListener('readable', this.#onReadable);
    stream.addListener('data', this.#pgData!);
    if (unread.length > 0) this.#pgData!(unread);
    process.nextTick(() => stream.resume());
    if (done) this.push(null);
  }

  handleError(error: Error): void {
    this.emit('error', error);
  }

  handleCommandComplete(message: { text?: string } | undefined): void {
    const match = /COPY (\d+)/.exec(message?.text ?? '');
    if (match) this.rowCount = Number(match[1]);
  }

  handleReadyForQuery(): void {}
}

export const copyOut = (text: string, options?: Omit<ReadableOptions, 'objectMode'>) => new CopyOut(text, options);
