import fs from 'node:fs';
import path from 'node:path';
import type { Draft, DraftDatabase } from './draft-types.ts';
import { draftBody, ensureDraftDir, withEditorText } from './draft-files.ts';

/**
 * The same atomic write as writeDraftFile (temp file, fsync, rename), with the disk work off the main
 * thread: while typing, a key must not wait for a 100 KB write and its fsync. Only JSON.stringify and the
 * rename run on the main thread. `current()` is asked on the main thread right before the rename: when a
 * newer write (a synchronous flush on SIGHUP, a discard) has superseded this one, the temp file is removed
 * and the draft on disk stays the newer one. Resolves true when the file was renamed into place.
 */
export async function writeDraftFileAsync(
  dir: string,
  file: string,
  draft: Draft,
  database: DraftDatabase | null,
  tempTag: number,
  current: () => boolean,
): Promise<boolean> {
  ensureDraftDir(dir);
  const temp = path.join(dir, `.${path.basename(file)}.${process.pid}.${tempTag}.tmp`);
  const body = draftBody(draft, database);
  const handle = await fs.promises.open(temp, 'wx', 0o600);
  try {
    await handle.writeFile(body);
    await handle.sync();
  } catch (error) {
    await handle.close();
    fs.rmSync(temp, { force: true });
    throw error;
  }
  await handle.close();
  if (!current()) {
    fs.rmSync(temp, { force: true });
    return false;
  }
  try {
    fs.renameSync(temp, file);
  } catch (error) {
    fs.rmSync(temp, { force: true });
    throw error;
  }
  // The rename is durable once the directory is synced (a kill -9 does not need it; a power cut does).
  void fs.promises
    .open(dir, 'r')
    .then((d) => d.sync().finally(() => d.close()))
    .catch(() => {});
  return true;
}

/** Starts writeDraftFileAsync for `draft` (with its editor file's newer text); `done` hears how it ended, unless superseded. */
export function startDraftWrite(
  dir: string,
  file: string,
  draft: Draft,
  database: DraftDatabase | null,
  tag: number,
  current: () => boolean,
  done: (error?: unknown) => void,
): void {
  let text: Draft;
  try {
    text = withEditorText(dir, draft);
  } catch (error) {
    return done(error);
  }
  writeDraftFileAsync(dir, file, text, database, tag, current).then(
    (renamed) => (renamed ? done() : undefined),
    (error: unknown) => done(error ?? new Error('write failed')),
  );
}
