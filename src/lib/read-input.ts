import fs from 'node:fs';
import { CabinetError, usageError } from './errors.ts';

/**
 * Reads a whole text file, or stdin for `-`, as raw bytes and decodes them as strict UTF-8: a byte
 * sequence that is not UTF-8 is an error, never silently replaced with U+FFFD. A leading BOM is dropped.
 * Stops reading past `maxBytes` so a mistaken 5 GB file cannot exhaust memory.
 */
export async function readUtf8(path: string, stdin: NodeJS.ReadableStream & { isTTY?: boolean }, options: { label: string; maxBytes: number }): Promise<string> {
  const fromStdin = path === '-';
  if (fromStdin && stdin.isTTY) {
    throw usageError(`${options.label}: stdin is a terminal`, `pipe the text in (cabinet ... ${'<'} prompt.md) or give a file name`);
  }
  let source: NodeJS.ReadableStream;
  if (fromStdin) {
    source = stdin;
  } else {
    try {
      const stat = await fs.promises.stat(path);
      if (stat.isDirectory()) throw new CabinetError(`${options.label}: ${path} is a directory`, { code: 'input' });
    } catch (error) {
      if (error instanceof CabinetError) throw error;
      throw new CabinetError(`${options.label}: cannot read ${path}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`, { code: 'input' });
    }
    source = fs.createReadStream(path);
  }
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of source) {
      const buf = typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer);
      size += buf.length;
      if (size > options.maxBytes) {
        (source as NodeJS.ReadableStream & { destroy?: () => void }).destroy?.();
        throw new CabinetError(`${options.label}: ${fromStdin ? 'stdin' : path} is larger than ${options.maxBytes.toLocaleString('en')} bytes`, { code: 'input' });
      }
      chunks.push(buf);
    }
  } catch (error) {
    if (error instanceof CabinetError) throw error;
    throw new CabinetError(`${options.label}: cannot read ${fromStdin ? 'stdin' : path}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`, { code: 'input' });
  }
  return decodeUtf8Strict(Buffer.concat(chunks), `${options.label} (${fromStdin ? 'stdin' : path})`);
}

/** Strict UTF-8 decoding; the error names the byte offset of the first invalid sequence. */
export function decodeUtf8Strict(bytes: Uint8Array, label: string): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new CabinetError(`${label} is not valid UTF-8 (first bad byte at offset ${firstInvalidUtf8(bytes)})`, {
      code: 'input',
      hint: 'convert it first, e.g. iconv -f WINDOWS-1252 -t UTF-8',
    });
  }
}

/** About where the first invalid UTF-8 sequence starts (the longest prefix that decodes without error). */
export function firstInvalidUtf8(bytes: Uint8Array): number {
  const validPrefix = (n: number) => {
    try {
      // stream: an incomplete character at the end of the prefix is not an error yet, so validity is monotone.
      new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(0, n), { stream: true });
      return true;
    } catch {
      return false;
    }
  };
  let lo = 0;
  let hi = bytes.length;
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (validPrefix(mid)) lo = mid;
    else hi = mid - 1;
  }
  // The prefix may end inside a sequence that the next byte breaks: the error starts at its lead byte.
  let start = lo;
  while (start > 0 && start > lo - 3 && (bytes[start - 1]! & 0xc0) === 0x80) start--;
  if (start > 0 && bytes[start - 1]! >= 0xc0 && start - 1 >= lo - 3) return start - 1;
  return lo;
}
