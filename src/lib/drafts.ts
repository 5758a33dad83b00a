import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { draftsDir } from './paths.ts';

/**
 * Drafts: what someone is typing into a form or a prompt, kept on disk so that a dropped SSH link, a
 * closed terminal or a crash loses at most a fraction of a second of it. No Ink here: the console calls
 * the store, and the store knows nothing about screens.
 *
 * How the console uses it:
 *   const drafts = new DraftStore();                        // $XDG_STATE_HOME/cabinet/drafts
 *   const uninstall = flushDraftsOnSignals(drafts);         // SIGHUP/SIGTERM: flush, exit 128+n
 *   drafts.save({ id: `site:${row.siteId}`, entity: 'site', recordId: row.siteId,
 *                 baseVersion: row.version, base: { aiPrompt: row.aiPrompt }, fields: { aiPrompt: text } });
 *   // on every change; writes at most every `debounceMs` (the draft on disk is never older than that)
 *   await sites.update(row.siteId, patch, { expectedVersion: row.version });
 *   drafts.discard(`site:${row.siteId}`);                   // ONLY after the save committed
 *   // on the next start: drafts.list() → offer recover (diff draft.fields against sites.get(recordId),
 *   // compareDraft() helps), discard, or keep for later.
 *
 * Files: one `<name>.draft.json` per draft id, mode 0600, in a 0700 directory, written atomically (temp
 * file, fsync, rename, fsync of the directory), so a crash mid-write leaves the previous draft whole.
 * Writes are synchronous: a draft is small, ordering stays trivial, and the signal path (which must be
 * synchronous) is the same code as the normal one. `$EDITOR` temp files live in the same directory; a
 * draft can point at one (attachEditorFile) so what the editor saved is recovered too.
 */

export type DraftValues = Record<string, string | null>;

export interface Draft {
  /** One draft per edited thing; e.g. `site:acme-de`, `site-new`, `user:1234`. Saving the same id replaces it. */
  id: string;
  entity: 'site' | 'user';
  /** The id of the row being edited; null for a new one not saved yet. */
  recordId: string | null;
  /** The row version the edit started from (pass it as `expectedVersion`); null for a new row. */
  baseVersion: number | null;
  /** The edited fields as they were when the edit began: the base of a base / theirs / mine comparison. */
  base: DraftValues;
  /** The edited fields as typed so far (mine). */
  fields: DraftValues;
  /** Anything else the screen needs to resume (cursor, focused field); kept as given, JSON-serialisable. */
  ui?: Record<string, unknown>;
  /**
   * An `$EDITOR` temp file holding the newest text of `field` while the editor runs; `written` is the sha256
   * of what cabinet wrote into it: a file that differs was saved by the editor and is taken byte for byte.
   */
  editor?: { field: string; file: string; written?: string };
}

/** The database a draft was made on (services/database-identity.ts): its key, and how to name it. */
export interface DraftDatabase {
  key: string;
  label: string;
}

export interface StoredDraft extends Draft {
  /** When the draft was last written. */
  savedAt: Date;
  /** The database it was made on; absent in drafts written before cabinet recorded it. */
  database?: DraftDatabase;
  file: string;
  /** Set when `fields[editor.field]` came from the editor's temp file, newer than the draft itself. */
  fromEditorFile?: boolean;
}

export interface DraftStoreOptions {
  dir?: string;
  /** Longest time a change stays only in memory (default 300 ms). */
  debounceMs?: number;
}

const SUFFIX = '.draft.json';
const FORMAT = 1;
/** After a failed write (a full disk, a read-only directory), how soon the store tries again. */
const RETRY_MS = 1000;

/**
 * Where a draft stands, as a value that compares by content (for useSyncExternalStore): `saved` (on disk;
 * a newer change may be in memory for up to `debounceMs`), `pending` (not on disk yet), `failed` (the last
 * write failed, `reason` says why; retried every second), `none` (no draft).
 */
export type DraftState = 'none' | 'saved' | 'pending' | `failed:${string}`;

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

export class DraftStore {
  readonly dir: string;
  readonly debounceMs: number;
  readonly #pending = new Map<string, Draft>();
  /** Drafts whose last write failed, with why. */
  readonly #failed = new Map<string, string>();
  /** Drafts this process has on disk (written and not discarded since). */
  readonly #written = new Set<string>();
  readonly #listeners = new Set<() => void>();
  #database: DraftDatabase | null = null;
  #timer: NodeJS.Timeout | undefined;
  #counter = 0;

  constructor(options: DraftStoreOptions = {}) {
    this.dir = options.dir ?? draftsDir();
    this.debounceMs = options.debounceMs ?? 300;
  }

  /**
   * Remembers the draft and writes it within `debounceMs`. The timer starts at the first unsaved change
   * and is not pushed back by later ones, so steady typing still reaches the disk every `debounceMs`.
   */
  save(draft: Draft): void {
    const fresh = !this.#pending.has(draft.id);
    this.#pending.set(draft.id, structuredClone(draft));
    this.#schedule(this.debounceMs);
    if (fresh) this.#notify();
  }

  /**
   * Writes every pending draft now, synchronously (for SIGHUP/SIGTERM handlers and before exit). A draft
   * that cannot be written stays pending, is retried every second, and its state says why; the first
   * such error is thrown after every draft was tried.
   */
  flushSync(): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
    let first: unknown;
    for (const draft of [...this.#pending.values()]) {
      try {
        this.#writeSync(this.#withEditorText(draft));
        this.#pending.delete(draft.id);
        this.#stored(draft.id);
      } catch (error) {
        this.#failed.set(draft.id, writeFailureReason(error));
        first ??= error;
      }
    }
    if (this.#pending.size > 0) this.#schedule(RETRY_MS);
    this.#notify();
    if (first !== undefined) throw first;
  }

  /**
   * The database the console is on. From now on drafts are written for it (their file names and their
   * contents carry its key), and get() finds only its drafts: one made on another database is never taken
   * for this one's. list() still shows them all; belongsHere() tells them apart.
   */
  setDatabase(database: DraftDatabase): void {
    this.#database = { key: database.key, label: database.label };
  }

  get database(): DraftDatabase | null {
    return this.#database;
  }

  /** The draft was made on this database (always true while no database is set). */
  belongsHere(draft: StoredDraft): boolean {
    return this.#database === null || draft.database?.key === this.#database.key;
  }

  /**
   * Takes a draft from another database (or one from before databases were recorded) for this one, after
   * the person said so: `next` is written as this database's draft, and only then is the other file removed.
   */
  adopt(from: StoredDraft, next: Draft): void {
    const { editor: _editor, ...rest } = next;
    this.#writeSync(rest);
    this.#pending.delete(next.id);
    this.#stored(next.id);
    this.#removeStored(from);
    this.#notify();
  }

  /** Removes a listed draft's file (and its editor file), whichever database it belongs to. */
  discardStored(draft: StoredDraft): void {
    if (this.belongsHere(draft)) return this.discard(draft.id);
    this.#removeStored(draft);
    this.#notify();
  }

  #removeStored(draft: StoredDraft): void {
    try {
      if (draft.editor && this.#inside(draft.editor.file)) fs.rmSync(draft.editor.file, { force: true });
      if (this.#inside(draft.file)) fs.rmSync(draft.file, { force: true });
    } catch {
      // A read-only directory: it stays, and is offered again.
    }
  }

  /** Where draft `id` stands (see DraftState). */
  state(id: string): DraftState {
    const failed = this.#failed.get(id);
    if (failed !== undefined) return `failed:${failed}`;
    if (this.#pending.has(id)) return this.#written.has(id) ? 'saved' : 'pending';
    return this.#written.has(id) ? 'saved' : 'none';
  }

  /** Calls `listener` whenever a draft's state may have changed; returns the function that stops it. */
  subscribe(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** What this process leaves behind: drafts on disk, and drafts that could not be written (with why). */
  report(): { kept: string[]; failed: { id: string; reason: string; olderKept: boolean }[] } {
    return {
      kept: [...this.#written].filter((id) => !this.#failed.has(id)),
      failed: [...this.#failed].map(([id, reason]) => ({ id, reason, olderKept: this.#written.has(id) })),
    };
  }

  #schedule(ms: number): void {
    this.#timer ??= setTimeout(() => {
      this.#timer = undefined;
      try {
        this.flushSync();
      } catch {
        // A full disk must not crash the console: the state says so, and the store tries again.
      }
    }, ms);
    // Retrying must not hold a process that is done.
    if (ms === RETRY_MS) this.#timer.unref?.();
  }

  #stored(id: string): void {
    this.#written.add(id);
    this.#failed.delete(id);
  }

  #notify(): void {
    for (const listener of this.#listeners) listener();
  }

  /** True while some draft is only in memory. */
  get hasPending(): boolean {
    return this.#pending.size > 0;
  }

  /** Every draft on disk, newest first; unreadable or foreign files are skipped, never thrown. */
  list(): StoredDraft[] {
    let all: string[];
    try {
      all = fs.readdirSync(this.dir);
    } catch {
      return [];
    }
    this.#removeAbandonedTemps(all);
    const names = all.filter((n) => n.endsWith(SUFFIX));
    const drafts = names.map((n) => this.#read(path.join(this.dir, n))).filter((d): d is StoredDraft => d !== null);
    return drafts.sort((a, b) => b.savedAt.getTime() - a.savedAt.getTime());
  }

  /** This database's draft `id`, if any. */
  get(id: string): StoredDraft | null {
    const stored = this.#read(this.#fileOf(id));
    return stored && this.belongsHere(stored) ? stored : null;
  }

  /**
   * Forgets a draft: pending writes, its file and its editor temp file. Call it only after the save that
   * used the draft committed (or when the person chose to throw it away).
   */
  discard(id: string): void {
    this.#pending.delete(id);
    this.#failed.delete(id);
    this.#written.delete(id);
    const stored = this.get(id);
    try {
      if (stored?.editor && this.#inside(stored.editor.file)) fs.rmSync(stored.editor.file, { force: true });
      fs.rmSync(this.#fileOf(id), { force: true });
    } catch {
      // A read-only directory: the draft stays on disk, and the next start offers it (against the row then).
    }
    this.#notify();
  }

  /**
   * A new 0600 temp file for `$EDITOR` in the drafts directory, holding `text`, recorded in the draft (which
   * is written at once), so a SIGHUP or crash while the editor runs keeps what the editor saved. Remove it
   * with detachEditorFile when the editor has exited and its text was taken into the draft.
   */
  attachEditorFile(draft: Draft, field: string, text: string, extension = '.md'): string {
    this.#ensureDir();
    const slug = draft.id.replace(/[^A-Za-z0-9._-]+/g, '-').slice(0, 48);
    const file = path.join(this.dir, `${slug}-${crypto.randomBytes(4).toString('hex')}${extension}`);
    const next = { ...structuredClone(draft), editor: { field, file, written: sha256(text) } };
    try {
      fs.writeFileSync(file, text, { mode: 0o600, flag: 'wx' });
      this.#writeSync(next);
    } catch (error) {
      try {
        fs.rmSync(file, { force: true });
      } catch {
        // Read-only: nothing was written there either.
      }
      throw error;
    }
    this.#pending.delete(draft.id);
    this.#stored(draft.id);
    this.#notify();
    return file;
  }

  /** Removes the draft's editor temp file and the pointer to it; `draft` is the state to keep (with the editor's text). */
  detachEditorFile(draft: Draft): void {
    const editor = draft.editor ?? this.#pending.get(draft.id)?.editor ?? this.get(draft.id)?.editor;
    const { editor: _editor, ...rest } = draft;
    // The draft first: when it cannot be written, the editor's file (which the draft on disk points at) stays.
    this.#put(rest);
    if (!this.#failed.has(draft.id) && editor && this.#inside(editor.file)) fs.rmSync(editor.file, { force: true });
  }

  /**
   * The editor was ended by a signal (or exited while the console closes): `text`, its file byte for byte,
   * becomes the draft's `field`, and the file goes only once the draft on disk holds it. Throws when the
   * draft cannot be written; the draft then still points at the file, which stays.
   */
  keepEditorText(draft: Draft, field: string, text: string): void {
    const editor = draft.editor ?? this.#pending.get(draft.id)?.editor ?? this.get(draft.id)?.editor;
    const { editor: _editor, ...rest } = draft;
    this.#writeSync({ ...rest, fields: { ...rest.fields, [field]: text } });
    this.#pending.delete(draft.id);
    this.#stored(draft.id);
    this.#notify();
    if (editor && this.#inside(editor.file)) fs.rmSync(editor.file, { force: true });
  }

  /** Stops the timer after writing what is pending (the console calls it on a normal exit). */
  close(): void {
    this.flushSync();
  }

  /** Writes `draft` now; when that fails it stays pending (retried) and its state says why. */
  #put(draft: Draft): void {
    this.#pending.delete(draft.id);
    try {
      this.#writeSync(draft);
      this.#stored(draft.id);
    } catch (error) {
      this.#pending.set(draft.id, draft);
      this.#failed.set(draft.id, writeFailureReason(error));
      this.#schedule(RETRY_MS);
    }
    this.#notify();
  }

  #ensureDir(): void {
    try {
      fs.mkdirSync(this.dir, { recursive: true, mode: 0o700 });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EEXIST') throw Object.assign(new Error(`${this.dir} is not a directory`), { code: 'ENOTDIR' });
      // A recursive mkdir says ENOENT when a parent cannot be made; the nearest existing parent says why.
      let parent = path.dirname(this.dir);
      while (!fs.existsSync(parent) && parent !== path.dirname(parent)) parent = path.dirname(parent);
      fs.accessSync(parent, fs.constants.W_OK);
      throw error;
    }
    const stat = fs.lstatSync(this.dir);
    if (!stat.isDirectory()) throw new Error(`${this.dir} is not a directory`);
    // An existing directory created with a looser umask is tightened: drafts hold business data.
    if ((stat.mode & 0o777) !== 0o700) fs.chmodSync(this.dir, 0o700);
  }

  #fileOf(id: string): string {
    const slug = id.replace(/[^A-Za-z0-9._-]+/g, '-').slice(0, 48);
    // Per database: staging's draft of a site and production's are two files.
    const hash = crypto.createHash('sha256').update(this.#database ? `${this.#database.key}\n${id}` : id).digest('hex').slice(0, 12);
    return path.join(this.dir, `${slug}-${hash}${SUFFIX}`);
  }

  #inside(file: string): boolean {
    const resolved = path.resolve(file);
    return path.dirname(resolved) === path.resolve(this.dir);
  }

  /** The editor's temp file is newer than the draft in memory: take its text. */
  #withEditorText(draft: Draft): Draft {
    const text = this.#savedByEditor(draft);
    return text === null ? draft : { ...draft, fields: { ...draft.fields, [draft.editor!.field]: text } };
  }

  /** What the editor saved into the draft's editor file, byte for byte; null when it saved nothing (or the file is gone). */
  #savedByEditor(draft: Draft, savedAt?: Date): string | null {
    if (!draft.editor || !this.#inside(draft.editor.file)) return null;
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

  #writeSync(draft: Draft): void {
    this.#ensureDir();
    const file = this.#fileOf(draft.id);
    const temp = path.join(this.dir, `.${path.basename(file)}.${process.pid}.${++this.#counter}.tmp`);
    const body = JSON.stringify({
      format: FORMAT,
      savedAt: new Date().toISOString(),
      host: os.hostname(),
      pid: process.pid,
      ...draft,
      ...(this.#database ? { database: this.#database } : {}),
    });
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
    const dirFd = fs.openSync(this.dir, 'r');
    try {
      fs.fsyncSync(dirFd);
    } catch {
      // Some filesystems refuse fsync on a directory; the rename is still atomic.
    } finally {
      fs.closeSync(dirFd);
    }
  }

  /** Temp files of writes cut short by kill -9 (never renamed); anything a minute old is abandoned. */
  #removeAbandonedTemps(names: string[]): void {
    for (const name of names.filter((n) => n.startsWith('.') && n.endsWith('.tmp'))) {
      const file = path.join(this.dir, name);
      try {
        if (Date.now() - fs.statSync(file).mtimeMs > 60_000) fs.rmSync(file, { force: true });
      } catch {
        // Gone already, or not ours to remove.
      }
    }
  }

  #read(file: string): StoredDraft | null {
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
    const fromEditor = this.#savedByEditor(stored, stored.savedAt);
    if (fromEditor !== null) {
      stored.fields = { ...stored.fields, [stored.editor!.field]: fromEditor };
      stored.fromEditorFile = true;
    }
    return stored;
  }
}

/** A draft id as a person reads it: `site:acme-de` → `site acme-de`, `site-new` → `the new site`. */
export function draftName(id: string): string {
  if (id === 'site-new') return 'the new site';
  const colon = id.indexOf(':');
  return colon > 0 ? `${id.slice(0, colon)} ${id.slice(colon + 1)}` : id;
}

const sha256 = (text: string) => crypto.createHash('sha256').update(text).digest('hex');

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

/** One edited field of a recovered draft, compared with the row as it is now. */
export interface DraftFieldState {
  field: string;
  base: string | null;
  /** The current row's value; undefined when the row is gone. */
  theirs: string | null | undefined;
  mine: string | null;
  /** The row's value moved on since the draft began (and differs from mine). */
  conflict: boolean;
}

export interface DraftComparison {
  /** `gone`: the row was deleted; `moved`: its version is past the draft's base; `current`: nothing changed underneath. */
  status: 'new' | 'gone' | 'moved' | 'current';
  fields: DraftFieldState[];
}

/**
 * Compares a recovered draft with the row as it is now (`current`: the row's values by field name plus its
 * `version`, or null when it no longer exists). Pure; the console shows it as base / theirs / mine.
 */
export function compareDraft(draft: Draft, current: (Record<string, unknown> & { version: number }) | null): DraftComparison {
  const norm = (v: unknown): string | null => (v === null || v === undefined ? null : v instanceof Date ? v.toISOString() : String(v));
  const status: DraftComparison['status'] =
    draft.recordId === null ? 'new' : current === null ? 'gone' : current.version !== draft.baseVersion ? 'moved' : 'current';
  const fields = Object.entries(draft.fields).map(([field, mine]): DraftFieldState => {
    const base = draft.base[field] ?? null;
    const theirs = current === null ? undefined : norm(current[field]);
    return { field, base, theirs, mine, conflict: theirs !== undefined && theirs !== base && theirs !== mine };
  });
  return { status, fields };
}

/**
 * On SIGHUP (the SSH link dropped, the terminal closed) and SIGTERM: write pending drafts synchronously,
 * let `settle` finish what must be saved before exiting (an `$EDITOR` still running: its text goes into its
 * draft), write again, run `beforeExit` (e.g. leave the alternate screen), and exit with 128 + the signal
 * number (129, 143). Further signals while this runs change nothing. Returns a function that removes the
 * handlers.
 */
export function flushDraftsOnSignals(
  store: Pick<DraftStore, 'flushSync'>,
  options: {
    signals?: NodeJS.Signals[];
    settle?: (signal: NodeJS.Signals) => Promise<void>;
    beforeExit?: (signal: NodeJS.Signals) => void;
    exit?: (code: number) => void;
  } = {},
): () => void {
  const signals = options.signals ?? ['SIGHUP', 'SIGTERM'];
  const exit = options.exit ?? ((code: number) => process.exit(code));
  let handling = false;
  const flush = () => {
    try {
      store.flushSync();
    } catch {
      // Nothing more can be done for the draft here; exit anyway.
    }
  };
  const finish = (signal: NodeJS.Signals) => {
    flush();
    try {
      options.beforeExit?.(signal);
    } finally {
      exit(128 + (os.constants.signals[signal] ?? 0));
    }
  };
  const handler = (signal: NodeJS.Signals) => {
    if (handling) return;
    handling = true;
    if (!options.settle) return finish(signal);
    flush();
    options.settle(signal).then(
      () => finish(signal),
      () => finish(signal),
    );
  };
  for (const signal of signals) process.on(signal, handler);
  return () => {
    for (const signal of signals) process.off(signal, handler);
  };
}
