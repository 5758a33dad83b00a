import fs from 'node:fs';
import { CabinetError } from '../lib/errors.ts';
import { firstInvalidUtf8 } from '../lib/read-input.ts';

/**
 * Node decodes the command line as UTF-8 and silently turns bytes that are not UTF-8 (a Latin-1 "ä", or
 * a lone surrogate written as ED A0 80) into U+FFFD, so `--brand-name` would store "�" in place of what
 * was typed. Where the kernel shows the raw arguments (/proc/self/cmdline), an argument that is not valid
 * UTF-8 is refused instead, before anything connects. Elsewhere the check is skipped.
 */
export function assertArgvIsUtf8(argv: readonly string[], cmdline: () => Buffer | undefined = readCmdline): void {
  if (!argv.some((arg) => arg.includes('\ufffd'))) return;
  const raw = cmdline();
  if (!raw) return;
  const parts = splitNul(raw);
  // The user's arguments are the last ones (after node, its flags and the script).
  if (parts.length < argv.length) return;
  const own = parts.slice(parts.length - argv.length);
  own.forEach((bytes, i) => {
    if (!argv[i]!.includes('\ufffd')) return;
    try {
      new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    } catch {
      const previous = argv[i - 1];
      const which = previous?.startsWith('--') && !previous.includes('=') ? `the value of ${previous}` : `argument ${i + 1}`;
      throw new CabinetError(`${which} is not valid UTF-8 (first bad byte at offset ${firstInvalidUtf8(bytes)}); nothing was done`, {
        code: 'input',
        hint: 'pass text as UTF-8; a lone surrogate or a Latin-1 byte cannot be stored',
      });
    }
  });
}

function readCmdline(): Buffer | undefined {
  try {
    return fs.readFileSync('/proc/self/cmdline');
  } catch {
    return undefined;
  }
}

function splitNul(buf: Buffer): Buffer[] {
  const parts: Buffer[] = [];
  let start = 0;
  for (let i = 0; i < buf.length; i++) {
    if (buf[i] === 0) {
      parts.push(buf.subarray(start, i));
      start = i + 1;
    }
  }
  if (start < buf.length) parts.push(buf.subarray(start));
  return parts;
}
