import type { DatabaseIdentity } from './database-identity.ts';
import type { SiteInput, SiteRecord } from '../schema/site-schema.ts';
import type { UserInput, UserRecord, UserSnapshot, UserSortKey } from '../schema/user-schema.ts';

export type { SiteInput, SiteRecord, UserInput, UserRecord, UserSnapshot, UserSortKey };

/*
 * What the console and the commands see of the data: plain objects and service interfaces, no ORM types.
 * UI components receive implementations through context (src/ui/services-context.tsx). A site's record and
 * input derive from its schema table (src/schema/site-table.ts), a user's from src/schema/user-table.ts.
 */

/** A row of the sites list: everything but the prompt, plus its size. */
export interface SiteSummary extends Omit<SiteRecord, 'aiPrompt'> {
  promptChars: number;
}

export type SiteSortKey = 'siteId' | 'domain' | 'brandName' | 'language' | 'promptChars' | 'createdAt';

export interface ListOptions<K extends string> {
  /** Case-insensitive substring filter; plain text, never SQL. */
  filter?: string;
  sort?: K;
  descending?: boolean;
  limit?: number;
  offset?: number;
  /**
   * Keyset paging (users): the `nextCursor` of the previous page. Unlike `offset`, the cost does not grow
   * with the page number, so scrolling deep into a million users stays as fast as the first page.
   */
  after?: string;
  /** Aborting cancels the query on the server (a newer filter keystroke supersedes an older one). */
  signal?: AbortSignal;
}

export interface Page<T> {
  rows: T[];
  /** Rows matching the filter, when cheap to know (sites); undefined for large tables. */
  total?: number;
  hasMore: boolean;
  /** Pass as `after` to get the next page (keyset-paged lists only). */
  nextCursor?: string;
  /**
   * Keyset-paged lists: the `after` cursor that continues right after `row` (a row of this listing). The
   * console refreshes just the rows on screen with it (issue #14), from the row above the first one shown.
   */
  cursorOf?(row: T): string;
}

/** The result of a write: the row before and after, and which fields changed. */
export interface SiteChange {
  before: SiteRecord | null;
  after: SiteRecord | null;
  changed: (keyof SiteRecord)[];
  /** The history revision this write recorded (site_revisions.rev); undefined when nothing changed. */
  rev?: number;
}

/**
 * Options of a write. The console always passes `expectedVersion` (the `version` of the row the edit
 * started from); scripts that mean "last writer wins" leave it out.
 */
export interface WriteOptions {
  /** Refuse the write (StaleEditError, code `stale`) if the row's version is no longer this one. */
  expectedVersion?: number;
  /** Write even if the row changed since `expectedVersion`: the person chose to overwrite knowingly. */
  force?: boolean;
  /** A note kept with the revision ("why"), one line, up to 500 characters. */
  note?: string;
  /** Who, instead of the services' actor (see src/services/actor.ts). */
  actor?: string;
  /**
   * Sites: a new domain whose label mixes scripts (Cyrillic а in аpple.com, UTS 39) is written only with
   * this; without it the write is refused (CabinetError, code `mixed-script`).
   */
  allowMixedScript?: boolean;
}

/** Options of a create: there is no version to expect yet. */
export type CreateOptions = Pick<WriteOptions, 'note' | 'actor' | 'allowMixedScript'>;

/**
 * Sites. Every write runs in one transaction with its site_revisions row (src/services/site-service.ts).
 * Errors are CabinetErrors; their `code`: `validation` (with `fields`), `conflict` (id or domain taken),
 * `not-found`, `stale` (StaleEditError, with base / theirs), `gone` (GoneError: deleted while edited, only
 * when `expectedVersion` was given), `read-only`, and the `db-*` codes of src/db/db-errors.ts.
 */
export interface SiteService {
  list(options?: ListOptions<SiteSortKey>): Promise<Page<SiteSummary>>;
  /** The page `list(options)` would answer, when the console already holds it (its first page, once). */
  firstPage?(options: ListOptions<SiteSortKey>): Page<SiteSummary> | undefined;
  get(siteId: string): Promise<SiteRecord | null>;
  /** Validates and inserts; a taken site id or domain is a CabinetError (code `conflict`). */
  create(input: SiteInput, options?: CreateOptions): Promise<SiteRecord>;
  /** Validates the fields present and updates them; unknown site: CabinetError (code `not-found`). */
  update(siteId: string, patch: Partial<SiteInput>, options?: WriteOptions): Promise<SiteChange>;
  delete(siteId: string, options?: WriteOptions): Promise<SiteRecord>;
}

export interface UserChange {
  before: UserRecord | null;
  after: UserRecord | null;
  changed: (keyof UserRecord)[];
  /** The revision this write recorded (user_revisions.rev); undefined when nothing changed. */
  rev?: number;
}

/**
 * Users. Conflict detection as for sites (`expectedVersion`, `force`; codes `stale`, `gone`). Every write is
 * recorded in user_revisions in its transaction (who, from where, old and new values, `note`). A
 * StaleEditError's `base` is always null. Note that whatever updates `last_seen` on sign-in bumps the
 * version too (the history shows that as a change made outside cabinet).
 */
export interface UserService {
  list(options?: ListOptions<UserSortKey>): Promise<Page<UserRecord>>;
  get(userId: string): Promise<UserRecord | null>;
  create(input: UserInput, options?: CreateOptions): Promise<UserRecord>;
  update(userId: string, patch: Partial<UserInput>, options?: WriteOptions): Promise<UserChange>;
  delete(userId: string, options?: WriteOptions): Promise<UserRecord>;
  /**
   * A user's changes, newest first: cabinet's revisions (user_revisions) and, between them, the changes made
   * outside cabinet as `outside` entries. At most `limit` revisions; `before: N` pages to older ones.
   */
  history(userId: string, options?: { limit?: number; before?: number }): Promise<UserHistoryEntry[]>;
}

export type RevisionAction = 'create' | 'update' | 'delete' | 'restore';

/** A change cabinet made and recorded in site_revisions. */
export interface RevisionEntry {
  kind: 'revision';
  /** The site's revision number: 1, 2, 3… (what `restore(siteId, rev)` and `cabinet sites restore --to` name). */
  rev: number;
  action: RevisionAction;
  /** The row's version after the change (for a delete: the version deleted). */
  version: number | null;
  /** The fields this change touched (cabinet's names, e.g. `aiPrompt`). */
  changed: (keyof SiteRecord)[];
  /** The whole row before and after (null before a create, after a delete). */
  before: SiteRecord | null;
  after: SiteRecord | null;
  actor: string;
  note: string | null;
  at: Date;
}

/**
 * Changes made outside cabinet (psql, n8n, an admin panel), inferred from row versions: a gap between two
 * revisions, or between the last revision and the row as it is now. `before`/`after` are the known states
 * around the gap; `writes` counts the row writes in it when the versions tell.
 */
export interface OutsideChangeEntry {
  kind: 'outside';
  /** `create`: the site existed before its first revision; `delete`: it is gone without a delete revision. */
  action: 'create' | 'update' | 'delete';
  fromVersion: number | null;
  toVersion: number | null;
  writes: number | null;
  changed: (keyof SiteRecord)[];
  before: SiteRecord | null;
  after: SiteRecord | null;
  /** The trigger's updated_at of the last write in the gap; null when unknown (a delete). */
  at: Date | null;
}

export type HistoryEntry = RevisionEntry | OutsideChangeEntry;

/** One side of a diff: a revision (the row after it; for a delete revision, the row it deleted) or the row now. */
export interface DiffSide {
  rev: number | 'current';
  version: number | null;
  at: Date | null;
  /** null: the site did not exist (the current row of a deleted site). */
  record: SiteRecord | null;
}

export interface FieldDiff {
  field: keyof SiteRecord;
  before: string | null;
  after: string | null;
}

export interface RevisionDiff {
  siteId: string;
  from: DiffSide;
  to: DiffSide;
  /** Editable fields that differ, in form order (aiPrompt included when it differs). */
  fields: FieldDiff[];
  /** A unified diff of the prompt (`diff` package); '' when the prompts are equal. */
  promptPatch: string;
}

/**
 * A site's history. Reads need no write rights; `restore` is a write like SiteService.update (same options
 * and error codes) and records a revision with action `restore`.
 */
export interface RevisionService {
  /** Newest first, changes made outside cabinet included as `outside` entries. */
  /**
   * Newest first, at most `limit` revisions (with the gaps between them); `before: N` gives the page of
   * revisions older than N (the next page starts before the oldest revision of this one).
   */
  history(siteId: string, options?: { limit?: number; before?: number }): Promise<HistoryEntry[]>;
  /** Field-level and prompt diff from `from` to `to`; unknown rev: CabinetError code `not-found`. */
  diff(siteId: string, from: number | 'current', to: number | 'current'): Promise<RevisionDiff>;
  /**
   * Writes the site's values as of revision `rev` back (for a delete revision: the values it deleted, which
   * re-creates the site). Nothing to change: `changed` is empty and no revision is recorded.
   */
  restore(siteId: string, rev: number, options?: WriteOptions): Promise<SiteChange>;
}

/** What the console's header shows about the connection. */
export interface ConnectionInfo {
  /** The long form, with the socket directory or data directory: for messages that need it. */
  label: string;
  /** The header's one short form: `embedded · cabinet` or `user@host/db`; absent only in test fakes (label then). */
  short?: string;
  embedded: boolean;
  role: string;
  /** No data can be changed (--read-only, or the role may not write sites); data-changing keys are disabled. */
  readOnly: boolean;
  /** Why, one line (e.g. "read-only mode (--read-only)", "role reader may not insert, update and delete sites"). */
  readOnlyReason?: string;
  /** Users may not be changed (the flag, or the role's rights on `users`); absent: as `readOnly`. */
  usersReadOnly?: boolean;
  usersReadOnlyReason?: string;
  pendingMigrations: number;
  /** Set when --allow-non-tailnet let a non-tailnet target through. */
  guardWarning?: string;
  /** Which database this is (drafts are kept per database); absent only where nothing could ask (test fakes). */
  database?: DatabaseIdentity;
}

export interface Services {
  sites: SiteService;
  users: UserService;
  revisions: RevisionService;
  connection: ConnectionInfo;
}

/** A change cabinet made to a user and recorded in user_revisions. */
export interface UserRevisionEntry {
  kind: 'revision';
  /** The user's revision number: 1, 2, 3… */
  rev: number;
  action: 'create' | 'update' | 'delete';
  /** The row's version after the change (for a delete: the version deleted). */
  version: number | null;
  /** The columns this change touched: those of the table's editable fields (src/schema/user-table.ts) whose values differ. */
  changed: string[];
  before: UserSnapshot | null;
  after: UserSnapshot | null;
  /** Who, and from where (`alice (sudo as root) from 100.101.102.103`). */
  actor: string;
  note: string | null;
  at: Date;
}

/** A change to a user made outside cabinet (a sign-in moving last_seen, psql), inferred from row versions. */
export interface UserOutsideEntry {
  kind: 'outside';
  action: 'create' | 'update' | 'delete';
  fromVersion: number | null;
  toVersion: number | null;
  writes: number | null;
  changed: string[];
  before: UserSnapshot | null;
  after: UserSnapshot | null;
  /** The trigger's updated_at of the last write in the gap; null when unknown (a delete). */
  at: Date | null;
}

export type UserHistoryEntry = UserRevisionEntry | UserOutsideEntry;
