import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Draft, DraftDatabase, DraftValues, StoredDraft } from './draft-types.ts';
import { draftJsonBytes } from './draft-json.ts';

/**
 * A draft on disk (lib/drafts.ts keeps them): one `<name>.draft.json` per draft id, mode 0600, in a 0700
 * directory, written atomically (temp file, fsync, rename, fsync of the directory), so a crash mid-write
 * leaves the previous draft whole. Reading never throws: an unreadable or foreign file is no draft.
 */

export const DRAFT_SUFFIX = '.draft.json';
const FORMAT = 1;

/** Why a write failed, in a few words (the errno's meaning, not a stack). */
export function writeFailureReason(error: unknown): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  const known: Record<string, string> = {
    ENOSPC: 'no space left on device',
    EDQUOT: 'disk quota exceeded',
    EROFS: 'read-only file system',
    EACCES: 'permission denied',
    EPERM: 'operation not permitted',
    EIO: 'input/output error',
    ENOTDIR: 'not a directory',
  };
  if (code && known[code]) return known[code];
  const message = error instanceof Error ? error.message : String(error);
  return message.replace(/^E[A-Z]+: /, '').split('\n')[0]!;
}

export const sha256 = (text: string) => crypto.createHash('sha256').update(text).digest('hex');

/** Creates the drafts directory (0700), or says why it cannot be; tightens one made with a looser umask. */
export function ensureDraftDir(dir: string): void {
  try {
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') throw Object.assign(new Error(`${dir} is not a directory`), { code: 'ENOTDIR' });
    // A recursive mkdir says ENOENT when a parent cannot be made; the nearest existing parent says why.
    let parent = path.dirname(dir);
    while (!fs.existsSync(parent) && parent !== path.dirname(parent)) parent = path.dirname(parent);
    fs.accessSync(parent, fs.constants.W_OK);
    throw error;
  }
  const stat = fs.lstatSync(dir);
  if (!stat.isDirectory()) throw new Error(`${dir} is not a directory`);
  // An existing directory created with a looser umask is tightened: drafts hold business data.
  if ((stat.mode & 0o777) !== 0o700) fs.chmodSync(dir, 0o700);
}

/** The file of draft `id`: per database, so staging's draft of a site and production's are two files. */
export function draftFile(dir: string, id: string, database: DraftDatabase | null): string {
  const slug = id.replace(/[^A-Za-z0-9._-]+/g, '-').slice(0, 48);
  const hash = crypto.createHash('sha256').update(database ? `${database.key}\n${id}` : id).digest('hex').slice(0, 12);
  return path.join(dir, `${slug}-${hash}${DRAFT_SUFFIX}`);
}

/** `file` sits directly in the drafts directory (nothing else is ever removed). */
export function isInside(dir: string, file: string): boolean {
  return path.dirname(path.resolve(file)) === path.resolve(dir);
}

/** A new name in the drafts directory for an `$EDITOR` temp file of draft `id`. */
export function newEditorFile(dir: string, id: string, extension: string): string {
  const slug = id.replace(/[^A-Za-z0-9._-]+/g, '-').slice(0, 48);
  return path.join(dir, `${slug}-${crypto.randomBytes(4).toString('hex')}${extension}`);
}

/** Removes a draft's file and its editor temp file (only files inside the drafts directory). */
export function removeDraftFiles(dir: string, file: string, editorFile: string | undefined): void {
  if (editorFile && isInside(dir, editorFile)) fs.rmSync(editorFile, { force: true });
  if (isInside(dir, file)) fs.rmSync(file, { force: true });
}

/** What the editor saved into the draft's editor file, byte for byte; null when it saved nothing (or the file is gone). */
export function savedByEditor(dir: string, draft: Draft, savedAt?: Date): string | null {
  if (!draft.editor || !isInside(dir, draft.editor.file)) return null;
  try {
    const text = fs.readFileSync(draft.editor.file, 'utf8');
    if (draft.editor.written !== undefined) return sha256(text) === draft.editor.written ? null : text;
    // A draft from before `written` was recorded: the file counts when it is newer than the draft.
    if (savedAt && fs.statSync(draft.editor.file).mtimeMs <= savedAt.getTime()) return null;
    return text;
  } catch {
    return null;
  }
}

/** The draft with its editor temp file's text, when the editor saved one newer than the draft in memory. */
export function withEditorText(dir: string, draft: Draft): Draft {
  const text = savedByEditor(dir, draft);
  return text === null ? draft : { ...draft, fields: { ...draft.fields, [draft.editor!.field]: text } };
}

/** A draft file's contents (UTF-8 JSON). */
export function draftBody(draft: Draft, database: DraftDatabase | null): Buffer {
  return draftJsonBytes({ format: FORMAT, savedAt: new Date().toISOString(), host: os.hostname(), pid: process.pid, ...draft, ...(database ? { database } : {}) });
}

/** Writes `draft` atomically as `file`; `tempTag` makes the temp file's name unique within this process. */
export function writeDraftFile(dir: string, file: string, draft: Draft, database: DraftDatabase | null, tempTag: number): void {
  ensureDraftDir(dir);
  const temp = path.join(dir, `.${path.basename(file)}.${process.pid}.${tempTag}.tmp`);
  const body = draftBody(draft, database);
  const fd = fs.openSync(temp, 'wx', 0o600);
  try {
    fs.writeFileSync(fd, body);
    fs.fsyncSync(fd);
  } catch (error) {
    // A full disk: no empty temp file is left behind to look like a draft.
    fs.closeSync(fd);
    fs.rmSync(temp, { force: true });
    throw error;
  }
  fs.closeSync(fd);
  try {
    fs.renameSync(temp, file);
  } catch (error) {
    fs.rmSync(temp, { force: true });
    throw error;
  }
  // The rename itself is durable only once the directory is synced.
  const dirFd = fs.openSync(dir, 'r');
  try {
    fs.fsyncSync(dirFd);
  } catch {
    // Some filesystems refuse fsync on a directory; the rename is still atomic.
  } finally {
    fs.closeSync(dirFd);
  }
}

/** Every draft in `dir`, newest first; unreadable or foreign files are skipped, never thrown. */
export function listDraftFiles(dir: string): StoredDraft[] {
  let all: string[];
  try {
    all = fs.readdirSync(dir);
  } catch {
    return [];
  }
  removeAbandonedTemps(dir, all);
  const names = all.filter((n) => n.endsWith(DRAFT_SUFFIX));
  const drafts = names.map((n) => readDraftFile(dir, path.join(dir, n))).filter((d): d is StoredDraft => d !== null);
  return drafts.sort((a, b) => b.savedAt.getTime() - a.savedAt.getTime());
}

/** Writes `$EDITOR`'s temp file (0600, new), then runs `then` (the draft pointing at it); when either fails the file goes. */
export function writeEditorFile(file: string, text: string, then: () => void): void {
  try {
    fs.writeFileSync(file, text, { mode: 0o600, flag: 'wx' });
    then();
  } catch (error) {
    try {
      fs.rmSync(file, { force: true });
    } catch {
      // Read-only: nothing was written there either.
    }
    throw error;
  }
}

/** A draft the caller can no longer change: not a deep copy of the text on every key (strings do not change). */
export function copyDraft(draft: Draft): Draft {
  const { base, fields, ui, editor } = draft;
  return { ...draft, base: { ...base }, fields: { ...fields }, ...(ui ? { ui: structuredClone(ui) } : {}), ...(editor ? { editor: { ...editor } } : {}) };
}

/** Temp files of writes cut short by kill -9 (never renamed); anything a minute old is abandoned. */
export function removeAbandonedTemps(dir: string, names: string[]): void {
  for (const name of names.filter((n) => n.startsWith('.') && n.endsWith('.tmp'))) {
    const file = path.join(dir, name);
    try {
      if (Date.now() - fs.statSync(file).mtimeMs > 60_000) fs.rmSync(file, { force: true });
    } catch {
      // Gone already, or not ours to remove.
    }
  }
}

/** The draft in `file`, or null when it is unreadable or not a draft. */
export function readDraftFile(dir: string, file: string): StoredDraft | null {
  let raw: unknown;
  try {
    raw = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch {
    return null;
  }
  if (!isDraftJson(raw)) return null;
  const { format: _format, host: _host, pid: _pid, savedAt, ...draft } = raw;
  const stored: StoredDraft = { ...(draft as Draft), savedAt: new Date(savedAt), file };
  // Killed while the editor ran: what the editor saved wins, byte for byte.
  const fromEditor = savedByEditor(dir, stored, stored.savedAt);
  if (fromEditor !== null) {
    stored.fields = { ...stored.fields, [stored.editor!.field]: fromEditor };
    stored.fromEditorFile = true;
  }
  return stored;
}

function isValues(value: unknown): value is DraftValues {
  return (
    typeof value === 'object' &&
    value !== null &&
    !Array.isArray(value) &&
    Object.values(value).every((v) => v === null || typeof v === 'string')
  );
}

function isDraftJson(value: unknown): value is Draft & { format: number; savedAt: string; host?: string; pid?: number; database?: DraftDatabase } {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return (
    v.format === FORMAT &&
    typeof v.id === 'string' &&
    (v.entity === 'site' || v.entity === 'user') &&
    (v.recordId === null || typeof v.recordId === 'string') &&
    (v.baseVersion === null || (typeof v.baseVersion === 'number' && Number.isInteger(v.baseVersion))) &&
    typeof v.savedAt === 'string' &&
    !Number.isNaN(Date.parse(v.savedAt)) &&
    isValues(v.base) &&
    isValues(v.fields) &&
    (v.database === undefined ||
      (typeof v.database === 'object' && v.database !== null && typeof (v.database as Record<string, unknown>).key === 'string' && typeof (v.database as Record<string, unknown>).label === 'string')) &&
    (v.editor === undefined ||
      (typeof v.editor === 'object' && v.editor !== null && typeof (v.editor as Record<string, unknown>).field === 'string' && typeof (v.editor as Record<string, unknown>).file === 'string'))
  );
}
