import fs from 'node:fs';
import path from 'node:path';
import { CabinetError } from '../lib/errors.ts';
import type { CommandIO } from './command.ts';
import { put } from './output.ts';

/** Where an export's text goes. */
export interface ExportOutput {
  /** Writes `text`; once it returns (or its promise settles) the bytes are written and `text` may be reused. */
  write(text: string | Uint8Array): void | Promise<void>;
  commit(): Promise<void>;
  abort(): void;
}

/**
 * Where an export goes: stdout, or a file written under a temporary name and renamed into place only when
 * complete, so an interrupted export never leaves a truncated backup that looks whole. Files are 0600:
 * exports hold e-mail addresses. A file is written with plain `write(2)` calls as the text comes: no
 * stream buffering and no callbacks, and the export may hand over the same buffer each time (a million
 * users are 200 MB of JSON; a write stream has to keep every buffer until its write is done).
 */
export function openExportOutput(io: CommandIO, file: string | undefined): ExportOutput {
  if (file === undefined || file === '-') {
    return { write: (text) => put(io.stdout, text), async commit() {}, abort() {} };
  }
  const target = path.resolve(file);
  const temp = path.join(path.dirname(target), `.${path.basename(target)}.${process.pid}.tmp`);
  const failed = (error: unknown) => new CabinetError(`cannot write ${file}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`, { code: 'output' });
  let fd: number | null;
  try {
    fd = fs.openSync(temp, 'wx', 0o600);
  } catch (error) {
    throw failed(error);
  }
  const close = () => {
    if (fd !== null) fs.closeSync(fd);
    fd = null;
  };
  return {
    write(text) {
      const bytes = typeof text === 'string' ? Buffer.from(text) : text;
      try {
        for (let at = 0; at < bytes.length; ) at += fs.writeSync(fd!, bytes, at, bytes.length - at);
      } catch (error) {
        throw failed(error);
      }
    },
    async commit() {
      try {
        close();
        await fs.promises.rename(temp, target);
      } catch (error) {
        throw failed(error);
      }
    },
    abort() {
      try {
        close();
      } catch {
        // the temporary file goes anyway
      }
      fs.rmSync(temp, { force: true });
    },
  };
}
