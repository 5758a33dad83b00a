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
 * users are 200 MB of JSON; a write stream has to keep every buffer until its write is done). A big file
 * goes to disk as it comes, SYNC_EVERY bytes at a time on a worker thread (fdatasync), so the rename
 * has at most that much left to flush: ext4 flushes a file renamed over another inside the rename
 * (auto_da_alloc), and for a million users' 200 MB that took 0.24 s after everything else.
 */
const SYNC_EVERY = 16 << 20;

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
  let unsynced = 0;
  let syncing: Promise<void> | null = null;
  const sync = (at: number) =>
    new Promise<void>((resolve, reject) => fs.fdatasync(at, (error) => (error ? reject(error) : resolve())));
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
      unsynced += bytes.length;
      if (unsynced >= SYNC_EVERY && syncing === null) {
        unsynced = 0;
        // Settled by commit or abort; a failure there is commit's to report.
        const running = sync(fd!).finally(() => {
          if (syncing === running) syncing = null;
        });
        running.catch(() => {});
        syncing = running;
      }
    },
    async commit() {
      try {
        await syncing;
        close();
        await fs.promises.rename(temp, target);
      } catch (error) {
        throw failed(error);
      }
    },
    abort() {
      // A sync still running holds the descriptor's number until it ends: closed after it.
      const closing = syncing;
      syncing = null;
      if (closing) {
        const at = fd;
        fd = null;
        void closing.catch(() => {}).finally(() => at !== null && fs.closeSync(at));
        fs.rmSync(temp, { force: true });
        return;
      }
      try {
        close();
      } catch {
        // the temporary file goes anyway
      }
      fs.rmSync(temp, { force: true });
    },
  };
}
