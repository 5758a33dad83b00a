import fs from 'node:fs';
import { draftsDir } from './paths.ts';
import { copyDraft, draftFile, ensureDraftDir, isInside, listDraftFiles, newEditorFile, readDraftFile, removeDraftFiles } from './draft-files.ts';
import { sha256, withEditorText, writeDraftFile, writeEditorFile, writeFailureReason } from './draft-files.ts';
import { startDraftWrite } from './draft-file-async.ts';
import type { Draft, DraftDatabase, DraftState, DraftStoreOptions, StoredDraft } from './draft-types.ts';

export type { Draft, DraftDatabase, DraftState, DraftValues, StoredDraft } from './draft-types.ts';
export { compareDraft, draftName } from './draft-compare.ts';
export { flushDraftsOnSignals } from './draft-signals.ts';

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
 * Files: lib/draft-files.ts (atomic, 0600, one per draft id and database). The debounced writes while
 * typing do their disk work off the main thread (lib/draft-file-async.ts), so a key never waits for a
 * 100 KB write and its fsync; flushSync (signals, exit) and the explicit writes are synchronous and
 * supersede a write under way. `$EDITOR` temp files live in the same directory; a
 * draft can point at one (attachEditorFile) so what the editor saved is recovered too.
 */

/** After a failed write (a full disk, a read-only directory), how soon the store tries again. */
const RETRY_MS = 1000;

export class DraftStore {
  readonly dir: string;
  readonly debounceMs: number;
  readonly #pending = new Map<string, Draft>();
  /** Drafts whose last write failed, with why. */
  readonly #failed = new Map<string, string>();
  /** Drafts this process has on disk (written and not discarded since). */
  readonly #written = new Set<string>();
  readonly #listeners = new Set<() => void>();
  /** Background writes under way: draft id → the write's tag (a synchronous write or a discard drops it). */
  readonly #inflight = new Map<string, number>();
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
    this.#pending.set(draft.id, copyDraft(draft));
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
        this.#writeSync(withEditorText(this.dir, draft));
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
      removeDraftFiles(this.dir, draft.file, draft.editor?.file);
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
      this.#writeBehind();
    }, ms);
    // Retrying must not hold a process that is done.
    if (ms === RETRY_MS) this.#timer.unref?.();
  }

  /** The debounced write: each pending draft off the main thread, one write at a time per draft. */
  #writeBehind(): void {
    for (const draft of [...this.#pending.values()]) {
      if (this.#inflight.has(draft.id)) continue;
      const tag = ++this.#counter;
      this.#inflight.set(draft.id, tag);
      const mine = () => this.#inflight.get(draft.id) === tag;
      startDraftWrite(this.dir, draftFile(this.dir, draft.id, this.#database), draft, this.#database, tag, mine, (error) => {
        if (!mine()) return;
        this.#inflight.delete(draft.id);
        if (error !== undefined) this.#failed.set(draft.id, writeFailureReason(error));
        else this.#stored(draft.id);
        // Failed: retried; a newer change came while this one was written: it goes out within debounceMs.
        if (error !== undefined) this.#schedule(RETRY_MS);
        else if (this.#pending.get(draft.id) === draft) this.#pending.delete(draft.id);
        else this.#schedule(this.debounceMs);
        this.#notify();
      });
    }
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
    return listDraftFiles(this.dir);
  }

  /** This database's draft `id`, if any. */
  get(id: string): StoredDraft | null {
    const stored = readDraftFile(this.dir, draftFile(this.dir, id, this.#database));
    return stored && this.belongsHere(stored) ? stored : null;
  }

  /**
   * Forgets a draft: pending writes, its file and its editor temp file. Call it only after the save that
   * used the draft committed (or when the person chose to throw it away).
   */
  discard(id: string): void {
    this.#pending.delete(id);
    this.#inflight.delete(id);
    this.#failed.delete(id);
    this.#written.delete(id);
    const stored = this.get(id);
    try {
      removeDraftFiles(this.dir, draftFile(this.dir, id, this.#database), stored?.editor?.file);
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
    ensureDraftDir(this.dir);
    const file = newEditorFile(this.dir, draft.id, extension);
    const next = { ...structuredClone(draft), editor: { field, file, written: sha256(text) } };
    writeEditorFile(file, text, () => this.#writeSync(next));
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
    if (!this.#failed.has(draft.id) && editor && isInside(this.dir, editor.file)) fs.rmSync(editor.file, { force: true });
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
    if (editor && isInside(this.dir, editor.file)) fs.rmSync(editor.file, { force: true });
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

  #writeSync(draft: Draft): void {
    this.#inflight.delete(draft.id);
    writeDraftFile(this.dir, draftFile(this.dir, draft.id, this.#database), draft, this.#database, ++this.#counter);
  }
}
