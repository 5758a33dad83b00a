/** What a draft is (lib/drafts.ts stores them): the shapes the store, the console and the files share. */

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

/**
 * Where a draft stands, as a value that compares by content (for useSyncExternalStore): `saved` (on disk;
 * a newer change may be in memory for up to `debounceMs`), `pending` (not on disk yet), `failed` (the last
 * write failed, `reason` says why; retried every second), `none` (no draft).
 */
export type DraftState = 'none' | 'saved' | 'pending' | `failed:${string}`;

export interface DraftStoreOptions {
  dir?: string;
  /** Longest time a change stays only in memory (default 300 ms). */
  debounceMs?: number;
}
