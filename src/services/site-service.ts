import { LockMode, OptimisticLockError } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { SiteSchema, type Site } from '../db/entities/index.ts';
import { toDatabaseError } from '../db/db-errors.ts';
import { againIfNothingRan } from '../db/lost-connection.ts';
import type { SqlQuery } from '../db/sql-query.ts';
import { ormQuery } from './queries/orm-query.ts';
import { getSite, listSites } from './queries/site-queries.ts';
import { CabinetError } from '../lib/errors.ts';
import { sanitizeLine } from '../lib/sanitize.ts';
import { assertWritable, type WriteGate } from './access.ts';
import { changedByText, GoneError, StaleEditError, type ChangedBy } from './edit-errors.ts';
import type { CreateOptions, ListOptions, Page, SiteChange, SiteRecord, SiteService, SiteSortKey, SiteSummary, WriteOptions } from './types.ts';
import { appendRevision, changedFields, EDITABLE_SITE_FIELDS, lastRevision, revisionChangedFields, stateAtVersion, type EditableSiteField } from './site-revisions.ts';
import { checkEncodable } from '../schema/field-rules.ts';
import { validateSite, validateSitePatch } from './validation/site-input.ts';
import type { SiteFields, SiteInput } from '../schema/site-schema.ts';
import { assertDomainScripts } from './validation/domain-scripts.ts';
import { resolvedContext, validateActor, validateExpectedVersion, validateNote, type WriteContext } from './write-context.ts';
import { toWriteError } from './write-errors.ts';
import { threeWay } from './three-way.ts';
import { isLockWaitTimeout, lockedError, rowLockHolder, type LockHolder } from './row-lock.ts';
import { SITE_FIELD_LABELS } from '../schema/site-schema.ts';
import { givenFields, saveSite } from './site-save.ts';
import { siteFromFields } from '../schema/site-record.ts';

export function siteToRecord(site: Site): SiteRecord {
  return siteFromFields(site);
}

function constraintMessages(input: { siteId?: string; domain?: string | null }): Record<string, string> {
  return {
    sites_pkey: `a site with id ${input.siteId ?? '?'} already exists`,
    sites_domain_key: `domain ${input.domain ?? '?'} is already used by another site`,
    sites_ai_prompt_max_chars: 'the prompt is longer than the database allows',
  };
}

/** The values a revision's state gives back to a site (restore), validated as if typed anew. */
export type RestoreValues = Pick<SiteRecord, EditableSiteField>;

/**
 * Sites over MikroORM: every call runs in its own fork of the entity manager; every write runs in one
 * transaction with the site_revisions row that records it (who, what, old and new values, note).
 *
 * Conflicts: with `expectedVersion`, a row whose version moved on is refused with StaleEditError (code
 * `stale`: `details.theirs` is the row now, `details.base` the row at expectedVersion when history has
 * it); `force: true` writes anyway. The row is read FOR UPDATE inside the write's transaction, so a
 * change cannot land between the check and the write; the version is also MikroORM's version property, so
 * a flush of a row that moved on fails (OptimisticLockError) and is reported the same way. A row deleted
 * while edited is GoneError (code `gone`). Nothing is written in either case.
 */
export class OrmSiteService implements SiteService {
  readonly #em: EntityManager;
  readonly #actor: string;
  readonly #gate: WriteGate;

  /** Reads run as plain SQL on the ORM's own pool (the same SQL the light read path runs). */
  readonly #query: SqlQuery;

  constructor(em: EntityManager, context: WriteContext = {}) {
    this.#em = em;
    this.#query = ormQuery(em);
    const { actor, gate } = resolvedContext(context);
    this.#actor = actor;
    this.#gate = gate;
  }

  /** Throws CabinetError code `read-only` when writes are switched off (RevisionService checks before reading). */
  assertWritable(): void {
    assertWritable(this.#gate);
  }

  async list(options: ListOptions<SiteSortKey> = {}): Promise<Page<SiteSummary>> {
    return listSites(this.#query, options);
  }

  async get(siteId: string): Promise<SiteRecord | null> {
    return getSite(this.#query, siteId);
  }

  async create(input: SiteInput, options: CreateOptions = {}): Promise<SiteRecord> {
    assertWritable(this.#gate);
    const fields = validateSite(input);
    assertDomainScripts(fields.domain, options.allowMixedScript);
    const who = { actor: validateActor(options.actor, this.#actor), note: validateNote(options.note) };
    try {
      const { after } = await againIfNothingRan(() => this.#em.fork().transactional(async (em) => this.#insert(em, fields, 'create', who)));
      return after;
    } catch (error) {
      throw toWriteError(error, constraintMessages(fields));
    }
  }

  /**
   * An edit: one round trip when it saves (site-save.ts); a refusal (stale, gone, a new mixed-script domain
   * not confirmed) is told from the row the same round trip locked, and a stale or gone one reads its
   * explanation from the history in one more.
   */
  async update(siteId: string, patch: Partial<SiteInput>, options: WriteOptions = {}): Promise<SiteChange> {
    assertWritable(this.#gate);
    validateExpectedVersion(options.expectedVersion);
    const fields = validateSitePatch(patch);
    const who = { actor: validateActor(options.actor, this.#actor), note: validateNote(options.note) };
    if (checkEncodable(siteId)) throw notFound(siteId);
    if (givenFields(fields).length === 0) {
      const site = await this.get(siteId);
      if (!site) throw options.expectedVersion === undefined ? notFound(siteId) : await this.#gone(this.#em.fork(), siteId);
      if (options.expectedVersion !== undefined && !options.force && site.version !== options.expectedVersion) throw await this.#stale(this.#em.fork(), siteId, options.expectedVersion, site, fields);
      return { before: site, after: site, changed: [] };
    }
    // Only a domain being changed needs the confirmation; the one the row already has was accepted before.
    const keepDomain = fields.domain !== undefined && !domainAccepted(fields.domain, options.allowMixedScript) ? fields.domain : null;
    const expectedVersion = options.force ? undefined : options.expectedVersion;
    const messages = constraintMessages({ siteId, domain: fields.domain ?? null });
    const { before, after, rev } = await saveSite(this.#em, { siteId, fields, expectedVersion, keepDomain, action: 'update', ...who }, messages);
    if (!before) throw options.expectedVersion === undefined ? notFound(siteId) : await this.#gone(this.#em.fork(), siteId);
    if (expectedVersion !== undefined && before.version !== expectedVersion) throw await this.#stale(this.#em.fork(), siteId, expectedVersion, before, fields);
    if (keepDomain !== null && before.domain !== keepDomain) assertDomainScripts(keepDomain, options.allowMixedScript);
    const changed = givenFields(fields).filter((k) => fields[k] !== before[k]);
    if (changed.length === 0) return { before, after: before, changed };
    // The row matched the version and the fields differ, yet no row was updated: reported stale, never lost.
    if (!after || rev === null) throw await this.#staleAfterRace(siteId, expectedVersion ?? before.version, fields);
    return { before, after, changed, rev };
  }

  async delete(siteId: string, options: WriteOptions = {}): Promise<SiteRecord> {
    assertWritable(this.#gate);
    validateExpectedVersion(options.expectedVersion);
    const who = { actor: validateActor(options.actor, this.#actor), note: validateNote(options.note) };
    const change = await this.#write(siteId, options, {}, async (em, site) => {
      const before = siteToRecord(site);
      // Only the version read: a change since then fails like a stale flush.
      const removed = await em.nativeDelete(SiteSchema, { siteId, version: before.version });
      if (removed === 0) throw OptimisticLockError.lockFailed(site);
      const rev = await appendRevision(em, { siteId, action: 'delete', before, after: null, ...who });
      return { before, after: null, changed: [], rev };
    });
    return change.before!;
  }

  /**
   * Restores a site to `values` (RevisionService.restore): an update of the live row, or, when the site is
   * gone, its re-creation; recorded with action `restore`. Same conflict rules as update.
   */
  async restoreValues(siteId: string, values: RestoreValues, options: WriteOptions & { fromRev: number }): Promise<SiteChange> {
    assertWritable(this.#gate);
    validateExpectedVersion(options.expectedVersion);
    const fields = validateSite({ ...values, siteId } as SiteInput);
    const note = validateNote(options.note);
    const who = { actor: validateActor(options.actor, this.#actor), note: `restored rev ${options.fromRev}${note ? `: ${note}` : ''}` };
    const messages = constraintMessages({ siteId, domain: fields.domain });
    const exists = await this.get(siteId);
    if (!exists) {
      if (options.expectedVersion !== undefined && !options.force) {
        // The person expected a live row: restoring over a deletion they did not see is a conflict too.
        throw await this.#gone(this.#em.fork(), siteId);
      }
      try {
        const { after, rev, changed } = await againIfNothingRan(() => this.#em.fork().transactional(async (em) => this.#insert(em, fields, 'restore', who)));
        return { before: null, after, changed, rev };
      } catch (error) {
        throw toWriteError(error, messages);
      }
    }
    const { siteId: _id, ...patch } = fields;
    return this.#write(siteId, { ...options, mine: patch }, messages, (em, site) => this.#apply(em, site, patch, 'restore', who));
  }

  async #insert(
    em: EntityManager,
    fields: SiteFields,
    action: 'create' | 'restore',
    who: { actor: string; note: string | null },
  ): Promise<{ after: SiteRecord; rev: number; changed: EditableSiteField[] }> {
    const site = em.create(SiteSchema, { ...fields, aiPrompt: fields.aiPrompt ?? '' } as never);
    await em.flush();
    // created_at, version and updated_at come from the database.
    await em.refresh(site);
    const after = siteToRecord(site);
    const rev = await appendRevision(em, { siteId: after.siteId, action, before: null, after, ...who });
    return { after, rev, changed: revisionChangedFields(null, after) };
  }

  async #apply(
    em: EntityManager,
    site: Site,
    fields: Partial<SiteFields>,
    action: 'update' | 'restore',
    who: { actor: string; note: string | null },
  ): Promise<SiteChange> {
    const before = siteToRecord(site);
    const changed = EDITABLE_SITE_FIELDS.filter((k) => k in fields && fields[k] !== before[k]);
    if (changed.length === 0) return { before, after: before, changed };
    em.assign(site, Object.fromEntries(changed.map((k) => [k, fields[k]])) as never);
    await em.flush();
    // The trigger set version and updated_at.
    await em.refresh(site);
    const after = siteToRecord(site);
    const rev = await appendRevision(em, { siteId: site.siteId, action, before, after, ...who });
    return { before, after, changed, rev };
  }

  /**
   * Runs `fn` on the live row in one transaction after the conflict checks. The row is read FOR UPDATE, so
   * concurrent writers queue up and each one checks the version the one before it left (a forced or
   * unversioned write then simply lands last). MikroORM's version check on the flush stays as the net
   * under that: should it ever fire, the write is reported stale, never lost.
   */
  async #write(
    siteId: string,
    options: WriteOptions & { mine?: Partial<SiteFields> },
    messages: Record<string, string>,
    fn: (em: EntityManager, site: Site) => Promise<SiteChange>,
  ): Promise<SiteChange> {
    if (checkEncodable(siteId)) throw notFound(siteId);
    let readVersion: number | undefined;
    let holder: LockHolder | null = null;
    try {
      return await againIfNothingRan(() =>
        this.#em.fork().transactional(async (em) => {
          // Who holds the row, if anyone, before waiting for it: a wait that times out then says so.
          holder = await rowLockHolder(em, 'sites', siteId);
          const site = await em.findOne(SiteSchema, { siteId }, { lockMode: LockMode.PESSIMISTIC_WRITE });
          if (!site) throw options.expectedVersion === undefined ? notFound(siteId) : await this.#gone(em, siteId);
          readVersion = site.version;
          if (options.expectedVersion !== undefined && !options.force && site.version !== options.expectedVersion) {
            throw await this.#stale(em, siteId, options.expectedVersion, siteToRecord(site), options.mine);
          }
          return fn(em, site);
        }),
      );
    } catch (error) {
      if (holder && isLockWaitTimeout(error)) throw lockedError('site', siteId, holder, error);
      if (!(error instanceof OptimisticLockError)) throw toWriteError(error, messages);
      throw await this.#staleAfterRace(siteId, options.expectedVersion ?? readVersion!, options.mine);
    }
  }

  async #staleAfterRace(siteId: string, expectedVersion: number, mine: Partial<SiteFields> | undefined): Promise<CabinetError> {
    const em = this.#em.fork();
    try {
      const site = await em.findOne(SiteSchema, { siteId });
      return site ? await this.#stale(em, siteId, expectedVersion, siteToRecord(site), mine) : await this.#gone(em, siteId);
    } catch (error) {
      return toDatabaseError(error);
    }
  }

  /** The refusal, built once with everything the person needs: who, when, what moved, which fields conflict. */
  async #stale(em: EntityManager, siteId: string, expectedVersion: number, theirs: SiteRecord, mine?: Partial<SiteFields>): Promise<StaleEditError<SiteRecord>> {
    // Outside a transaction (the one-round-trip edit) both reads go out at once, on connections of their own.
    const [base, last] = em.isInTransaction()
      ? [await stateAtVersion(em, siteId, expectedVersion, theirs.createdAt), await lastRevision(em, siteId)]
      : await Promise.all([stateAtVersion(em.fork(), siteId, expectedVersion, theirs.createdAt), lastRevision(em.fork(), siteId)]);
    const changedBy: ChangedBy = last && last.version === theirs.version && last.after?.createdAt.getTime() === theirs.createdAt.getTime() ? { actor: last.actor } : 'outside';
    const rule = threeWay(EDITABLE_SITE_FIELDS, base, theirs, mine ?? {});
    const labels = (fields: readonly EditableSiteField[]) => fields.map((f) => SITE_FIELD_LABELS[f]).join(', ');
    const what =
      rule.conflicts.length > 0
        ? `; changed on both sides: ${labels(rule.conflicts)}`
        : base
          ? `; they changed ${rule.theirs.length > 0 ? labels(rule.theirs) : 'no field (only the version moved)'}${mine ? ', none of the fields you set' : ''}`
          : '';
    return new StaleEditError<SiteRecord>(
      `site ${sanitizeLine(siteId)} was changed ${changedByText(changedBy)} at ${theirs.updatedAt.toISOString()} since your edit began (version ${expectedVersion}, now ${theirs.version})${what}; nothing was saved`,
      { entity: 'site', id: siteId, expectedVersion, theirs, changedBy, base, changedUnderneath: base ? changedFields(base, theirs) : null, conflicts: rule.conflicts },
    );
  }

  async #gone(em: EntityManager, siteId: string): Promise<GoneError> {
    const last = await lastRevision(em, siteId);
    if (last?.action === 'delete') return new GoneError({ entity: 'site', id: siteId, deletedBy: last.actor, deletedAt: last.at, rev: last.rev });
    // No delete in the history: psql or n8n deleted a row cabinet knew, or cabinet never had it.
    return new GoneError({ entity: 'site', id: siteId, history: last ? 'outside' : 'never' });
  }
}

/** Whether a domain passes the mixed-script check (or was confirmed). */
function domainAccepted(domain: string, allowMixedScript: boolean | undefined): boolean {
  try {
    assertDomainScripts(domain, allowMixedScript);
    return true;
  } catch {
    return false;
  }
}

function notFound(siteId: string): CabinetError {
  return new CabinetError(`no site with id ${sanitizeLine(siteId)}`, { code: 'not-found' });
}
