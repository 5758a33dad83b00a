import { CabinetError } from '../lib/errors.ts';
import { sanitizeLine } from '../lib/sanitize.ts';

/**
 * The errors an edit can end in besides validation, each a CabinetError with a stable `code` the console
 * and the commands switch on. In every case nothing was written, and the caller keeps its draft.
 */

/** What every row carries: its version and when it was last written (`updated_at`). */
export interface RowStamp {
  version: number;
  updatedAt: Date;
}

/**
 * Who wrote the version now in the database, as cabinet's history tells it: an actor when the newest
 * revision is that version, `outside` when the version was written outside cabinet (psql, n8n).
 */
export type ChangedBy = { actor: string } | 'outside';

/**
 * What the save was based on and what the database holds now, for a base / theirs / mine view: built
 * once by the service that refused the write, with who and when, so callers only format it.
 */
export interface StaleDetails<T extends RowStamp = RowStamp> {
  entity: 'site' | 'user';
  id: string;
  /** The version the edit started from (the `expectedVersion` passed in). */
  expectedVersion: number;
  /** The row as it is now (its `version` is the one to pass as `expectedVersion` when re-applying; `updatedAt` is when). */
  theirs: T;
  /** Who wrote `theirs` (sites, from their history); absent when the service cannot tell (users). */
  changedBy?: ChangedBy;
  /**
   * The row as it was at `expectedVersion`, when cabinet's history has it (sites only; null otherwise:
   * the caller's own copy of the original, e.g. the draft's `base`, is then the base).
   */
  base: T | null;
  /** Fields that differ between base and theirs (what changed underneath); null when base is unknown. */
  changedUnderneath: string[] | null;
  /**
   * Fields both sides changed to different values (src/services/three-way.ts, the one rule), for the
   * fields the refused write set; with no base, every field it set that differs from theirs.
   */
  conflicts?: string[];
}

/**
 * code `stale`: the row changed since the edit began. Choices for the person: reload and re-apply
 * (`theirs.version` as the new expectedVersion), overwrite knowingly (`force: true`), or keep editing.
 */
export class StaleEditError<T extends RowStamp = RowStamp> extends CabinetError {
  readonly details: StaleDetails<T>;
  constructor(message: string, details: StaleDetails<T>) {
    super(message, {
      code: 'stale',
      hint: 'reload and re-apply your edit, or overwrite knowingly',
    });
    this.name = 'StaleEditError';
    this.details = details;
  }
}

export interface GoneDetails {
  entity: 'site' | 'user';
  id: string;
  /** From the history, when cabinet deleted it; absent when it was deleted outside cabinet. */
  deletedBy?: string;
  deletedAt?: Date;
  /** The delete's revision number (sites): `restore(id, rev)` brings it back. */
  rev?: number;
  /**
   * With no `deletedBy`, what cabinet's history knows of the row (sites): `outside` when it has the row's
   * revisions but no delete (deleted by psql or n8n), `never` when it never had the row. Absent when the
   * service cannot tell (users).
   */
  history?: 'outside' | 'never';
}

/** code `gone`: the row was deleted while it was being edited. The draft is the caller's to keep. */
export class GoneError extends CabinetError {
  readonly details: GoneDetails;
  constructor(details: GoneDetails) {
    const by = details.deletedBy ? ` by ${sanitizeLine(details.deletedBy)}` : '';
    const at = details.deletedAt ? ` at ${details.deletedAt.toISOString()}` : '';
    super(`${details.entity} ${sanitizeLine(details.id)} was deleted${by}${at} while you were editing it; nothing was saved`, {
      code: 'gone',
      hint: details.rev ? `your draft is kept; restoring revision ${details.rev} brings the ${details.entity} back` : 'your draft is kept',
    });
    this.name = 'GoneError';
    this.details = details;
  }
}

/** A refused stale write; `T` is the record the service deals in (SiteService: SiteRecord, UserService: UserRecord). */
export function isStaleEditError<T extends RowStamp = RowStamp>(error: unknown): error is StaleEditError<T> {
  return error instanceof StaleEditError;
}

/** "by alice" or "outside cabinet", for messages; undefined when nobody knows. */
export function changedByText(changedBy: ChangedBy | undefined): string | undefined {
  if (changedBy === undefined) return undefined;
  return changedBy === 'outside' ? 'outside cabinet' : `by ${sanitizeLine(changedBy.actor)}`;
}

export function isGoneError(error: unknown): error is GoneError {
  return error instanceof GoneError;
}
