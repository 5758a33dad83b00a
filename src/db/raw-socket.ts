import net from 'node:net';

/**
 * Sockets that read into one buffer of their own (net.Socket's `onread`), for COPY TO: Node then makes
 * no new buffer, stream chunk and event per socket read (a million users' 100 MB arrive in about ten
 * thousand reads, and that machinery cost about 0.2 s of CPU, more than the reads themselves). Whatever
 * reads the bytes in place (a COPY, copy-out.ts) sets RAW_READER; otherwise each read goes to
 * node-postgres as usual, copied, as a 'data' event.
 */
export const RAW_READER = Symbol('cabinet.rawReader');
/** Takes a read's bytes (valid during the call only); false stops reading until `socket.resume()`. */
export type RawReader = (bytes: Buffer) => boolean;
export type RawSocket = net.Socket & { [RAW_READER]: RawReader | null };

const READ_BUFFER = 1 << 18;

export function rawSocket(): RawSocket {
  const socket = new net.Socket({
    onread: {
      buffer: Buffer.allocUnsafe(READ_BUFFER),
      callback: (length: number, buffer: Uint8Array) => {
        const bytes = Buffer.from(buffer.buffer, buffer.byteOffset, length);
        const reader = socket[RAW_READER];
        if (reader) return reader(bytes);
        socket.emit('data', Buffer.from(bytes));
        return true;
      },
    },
  }) as RawSocket;
  socket[RAW_READER] = null;
  return socket;
}

export const isRawSocket = (stream: unknown): stream is RawSocket => typeof stream === 'object' && stream !== null && RAW_READER in stream;
