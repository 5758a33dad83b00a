import { createTwoFilesPatch } from 'diff';
import type { EntityManager } from '@mikro-orm/postgresql';
import { SiteRevisionSchema } from '../db/entities/index.ts';
import { toDatabaseError } from '../db/db-errors.ts';
import { CabinetError } from '../lib/errors.ts';
import { sanitizeLine } from '../lib/sanitize.ts';
import { weaveHistory } from './history-weave.ts';
import type { OrmSiteService } from './site-service.ts';
import { checkEncodable } from '../schema/field-rules.ts';
import { changedFields, EDITABLE_SITE_FIELDS, toRevisionEntry } from './site-revisions.ts';
import type {
  DiffSide,
  HistoryEntry,
  OutsideChangeEntry,
  RevisionDiff,
  RevisionEntry,
  RevisionService,
  SiteChange,
  SiteRecord,
  WriteOptions,
} from './types.ts';

/**
 * A site's history, diffs and restore over site_revisions.
 *
 * Changes made outside cabinet leave no revision but do bump the row's version (trigger), and every
 * revision keeps the whole row before and after. So wherever one known state does not lead to the next
 * (a revision's "before" is not the previous revision's "after", or the live row is past the last
 * revision), the history shows an `outside` entry with the versions and the trigger's updated_at.
 *
 * Integration: `history(id)` for the list; `diff(id, a, b)` with revision numbers or 'current'
 * (recovering a draft: diff against 'current'); `restore(id, rev, { expectedVersion: row.version, note })`
 * with the same errors as SiteService.update (code `stale`, `gone`, `conflict`, `read-only`…).
 */
export class OrmRevisionService implements RevisionService {
  readonly #em: EntityManager;
  readonly #sites: OrmSiteService;

  constructor(em: EntityManager, sites: OrmSiteService) {
    this.#em = em;
    this.#sites = sites;
  }

  async history(siteId: string, options: { limit?: number; before?: number } = {}): Promise<HistoryEntry[]> {
    const limit = Math.max(1, Math.min(options.limit ?? 100, 1000));
    if (checkEncodable(siteId)) throw new CabinetError(`no site with id ${sanitizeLine(siteId)} and no history of one`, { code: 'not-found' });
    if (options.before !== undefined && (!Number.isSafeInteger(options.before) || options.before < 1)) {
      throw new CabinetError(`a revision is a whole number ≥ 1, not ${String(options.before)}`, { code: 'usage', exitCode: 2 });
    }
    const em = this.#em.fork();
    let revisions: RevisionEntry[];
    /** What follows the page: the row now (first page), or the revision the page stops before. */
    let next: { state: SiteRecord | null } | undefined;
    try {
      if (options.before === undefined) {
        const rows = await em.find(SiteRevisionSchema, { siteId }, { orderBy: { rev: 'desc' }, limit });
        revisions = rows.map(toRevisionEntry).reverse();
        next = { state: await this.#sites.get(siteId) };
        if (revisions.length === 0 && !next.state) throw new CabinetError(`no site with id ${sanitizeLine(siteId)} and no history of one`, { code: 'not-found' });
      } else {
        // An older page: the revisions before `before`, and that revision itself to find a gap after the page.
        const rows = await em.find(SiteRevisionSchema, { siteId, rev: { $lt: options.before } }, { orderBy: { rev: 'desc' }, limit });
        revisions = rows.map(toRevisionEntry).reverse();
        const boundary = await em.findOne(SiteRevisionSchema, { siteId, rev: options.before });
        next = boundary ? { state: toRevisionEntry(boundary).before } : undefined;
      }
    } catch (error) {
      if (error instanceof CabinetError) throw error;
      throw toDatabaseError(error);
    }

    return weaveHistory(revisions, next, options.before !== undefined, gap);
  }

  async diff(siteId: string, from: number | 'current', to: number | 'current'): Promise<RevisionDiff> {
    const [a, b] = [await this.#side(siteId, from), await this.#side(siteId, to)];
    const fields = changedFields(a.record, b.record).map((field) => ({
      field,
      before: a.record ? a.record[field] : null,
      after: b.record ? b.record[field] : null,
    }));
    const promptA = a.record?.aiPrompt ?? '';
    const promptB = b.record?.aiPrompt ?? '';
    const promptPatch = promptA === promptB ? '' : createTwoFilesPatch(`prompt (${label(a)})`, `prompt (${label(b)})`, promptA, promptB, undefined, undefined, { context: 3 });
    return { siteId, from: a, to: b, fields, promptPatch };
  }

  async restore(siteId: string, rev: number, options: WriteOptions = {}): Promise<SiteChange> {
    this.#sites.assertWritable();
    const side = await this.#side(siteId, rev);
    const values = side.record!;
    const pick = Object.fromEntries(EDITABLE_SITE_FIELDS.map((f) => [f, values[f]])) as Pick<SiteRecord, (typeof EDITABLE_SITE_FIELDS)[number]>;
    return this.#sites.restoreValues(siteId, pick, { ...options, fromRev: rev });
  }

  async #side(siteId: string, rev: number | 'current'): Promise<DiffSide> {
    if (rev === 'current') {
      const record = await this.#sites.get(siteId);
      return { rev, version: record?.version ?? null, at: record?.updatedAt ?? null, record };
    }
    if (!Number.isInteger(rev) || rev < 1) throw new CabinetError(`a revision is a whole number ≥ 1, not ${String(rev)}`, { code: 'usage', exitCode: 2 });
    if (checkEncodable(siteId)) throw new CabinetError(`site ${sanitizeLine(siteId)} has no revision ${rev}`, { code: 'not-found' });
    let row;
    try {
      row = await this.#em.fork().findOne(SiteRevisionSchema, { siteId, rev });
    } catch (error) {
      throw toDatabaseError(error);
    }
    if (!row) throw new CabinetError(`site ${sanitizeLine(siteId)} has no revision ${rev}`, { code: 'not-found', hint: 'see its history' });
    const entry = toRevisionEntry(row);
    // A delete revision stands for the values it deleted (what restoring it brings back).
    return { rev, version: entry.version, at: entry.at, record: entry.after ?? entry.before };
  }
}

function label(side: DiffSide): string {
  return side.rev === 'current' ? 'current' : `rev ${side.rev}`;
}

/** The outside-cabinet entries between a known state and the next one (none when one leads to the other). */
function gap(from: SiteRecord | null, to: SiteRecord | null): OutsideChangeEntry[] {
  if (!from && !to) return [];
  if (!from) return [outside('create', null, to, to!.version, to!.createdAt)];
  if (!to) return [outside('delete', from, null, null, null)];
  if (from.createdAt.getTime() !== to.createdAt.getTime()) {
    // Deleted and created again outside cabinet (a new row starts at version 1).
    return [outside('delete', from, null, null, null), outside('create', null, to, to.version, to.createdAt)];
  }
  if (to.version > from.version) return [outside('update', from, to, to.version - from.version, to.updatedAt)];
  return [];
}

function outside(
  action: OutsideChangeEntry['action'],
  before: SiteRecord | null,
  after: SiteRecord | null,
  writes: number | null,
  at: Date | null,
): OutsideChangeEntry {
  return {
    kind: 'outside',
    action,
    fromVersion: before?.version ?? null,
    toVersion: after?.version ?? null,
    writes,
    changed: changedFields(before, after),
    before,
    after,
    at,
  };
}
