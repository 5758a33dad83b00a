import { createTwoFilesPatch } from 'diff';
import { CabinetError } from '../../src/lib/errors.ts';
import { GoneError, StaleEditError } from '../../src/services/edit-errors.ts';
import type {
  ConnectionInfo,
  HistoryEntry,
  ListOptions,
  Page,
  RevisionEntry,
  RevisionService,
  Services,
  SiteChange,
  SiteInput,
  SiteRecord,
  SiteSortKey,
  SiteSummary,
  UserChange,
  UserInput,
  UserRecord,
  UserSortKey,
  WriteOptions,
} from '../../src/services/types.ts';
import { validateSite, validateSitePatch } from '../../src/services/validation/site-input.ts';
import { EDITABLE_SITE_FIELDS } from '../../src/schema/site-schema.ts';
import { blankSite } from '../../src/schema/site-record.ts';
import { recordFrom } from '../../src/schema/record-mapper.ts';
import { USER_SCHEMA } from '../../src/schema/user-schema.ts';
import { validateUser, validateUserPatch } from '../../src/services/validation/user-input.ts';
import type { ConsoleMigrations, ConsoleServices } from '../../src/ui/services-context.tsx';

/**
 * In-memory services for console tests: the same interfaces and validation as the real ones, no database.
 * Every call is recorded (method and arguments) so a test can assert what the console asked for, and any
 * call can be made slow or made to fail.
 */
export interface Call {
  method: string;
  args: unknown[];
}

export interface FakeServices extends ConsoleServices {
  calls: Call[];
  sitesById: Map<string, SiteRecord>;
  /** What cabinet's history holds: the revisions the fake's writes recorded, oldest first. */
  revisionLog: RevisionEntry[];
  /** Replaces what `revisions.history` answers for a site (e.g. to add outside-cabinet gaps). */
  historyById: Map<string, HistoryEntry[]>;
  /** A change made outside cabinet (psql, n8n): the row's version moves on, no revision is recorded. */
  changeOutside(siteId: string, patch: Partial<SiteRecord>): SiteRecord;
  /** A delete made by someone else through cabinet (recorded, so GoneError names who and when). */
  deleteAs(siteId: string, actor: string): void;
  /** A change to a user made elsewhere (a sign-in bumping last_seen, psql): its version moves on. */
  changeUserOutside(userId: string, patch: Partial<UserRecord>): UserRecord;
  usersById: Map<string, UserRecord>;
  /** Names of calls (e.g. 'sites.list') mapped to a delay in ms, or to an error to throw. */
  delay: Map<string, number | ((call: Call) => number)>;
  fail: Map<string, Error>;
  /** The calls to one method, in order. */
  callsTo(method: string): Call[];
}

const BASE_DATE = Date.UTC(2026, 0, 1);

/** A stored site: the schema's defaults (src/schema/site-table.ts), a brand name from the id, created on `day`. */
export function site(fields: Partial<SiteRecord> & Pick<SiteRecord, 'siteId' | 'domain'>, day = 1): SiteRecord {
  return {
    ...blankSite(fields.siteId),
    brandName: fields.siteId.toUpperCase(),
    createdAt: new Date(BASE_DATE + day * 86_400_000),
    updatedAt: new Date(BASE_DATE + day * 86_400_000),
    version: 1,
    ...fields,
  };
}

/** A stored user: every field from the schema table (src/schema/user-table.ts), its times on `day`, version 1. */
export function user(fields: Partial<UserRecord> & Pick<UserRecord, 'userId' | 'email'>, day = 1): UserRecord {
  const defaults = recordFrom<UserRecord>(USER_SCHEMA, (f) => (f.kind === 'timestamp' ? BASE_DATE + day * 86_400_000 : f.kind === 'integer' ? 1 : null));
  return { ...defaults, ...fields };
}

const contains = (value: string | null, filter: string) => (value ?? '').toLowerCase().includes(filter.toLowerCase());

function compare(a: unknown, b: unknown): number {
  if (a instanceof Date && b instanceof Date) return a.getTime() - b.getTime();
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  return String(a).localeCompare(String(b));
}

function page<T>(rows: T[], options: ListOptions<string>, key: (row: T) => unknown, id: (row: T) => string, withTotal: boolean, defaultDescending = false, keyset = false): Page<T> {
  const descending = options.descending ?? defaultDescending;
  const sorted = [...rows].sort((a, b) => {
    const c = compare(key(a), key(b));
    return (descending ? -c : c) || id(a).localeCompare(id(b));
  });
  const offset = options.after !== undefined ? Number(Buffer.from(options.after, 'base64url').toString('utf8')) : (options.offset ?? 0);
  const limit = options.limit ?? 500;
  const slice = sorted.slice(offset, offset + limit);
  const hasMore = offset + limit < sorted.length;
  // Keyset-paged lists (users) hand out an opaque cursor, as the real service does.
  const cursor = keyset && hasMore ? { nextCursor: Buffer.from(String(offset + limit)).toString('base64url') } : {};
  return { rows: slice, hasMore, ...cursor, ...(withTotal ? { total: sorted.length } : {}) };
}

export function fakeServices(
  options: { sites?: SiteRecord[]; users?: UserRecord[]; connection?: Partial<ConnectionInfo>; migrations?: Awaited<ReturnType<ConsoleMigrations['status']>> } = {},
): FakeServices {
  const calls: Call[] = [];
  const sitesById = new Map((options.sites ?? []).map((s) => [s.siteId, s]));
  const usersById = new Map((options.users ?? []).map((u) => [u.userId, u]));
  const delay = new Map<string, number | ((call: Call) => number)>();
  const fail = new Map<string, Error>();

  async function record(method: string, args: unknown[]): Promise<void> {
    const call = { method, args };
    calls.push(call);
    const d = delay.get(method);
    const ms = typeof d === 'function' ? d(call) : d;
    if (ms) await new Promise((resolve) => setTimeout(resolve, ms));
    const error = fail.get(method);
    if (error) throw error;
  }

  const summary = ({ aiPrompt, ...rest }: SiteRecord): SiteSummary => ({ ...rest, promptChars: [...aiPrompt].length });

  // Every state a site has had, by version: what the real service finds in site_revisions for a stale edit's base.
  const states = new Map<string, SiteRecord>([...sitesById.values()].map((s) => [`${s.siteId}@${s.version}`, s]));
  const revisionLog: RevisionEntry[] = [];
  const historyById = new Map<string, HistoryEntry[]>();
  const EDITABLE = EDITABLE_SITE_FIELDS;
  const differing = (a: SiteRecord | null, b: SiteRecord | null) => EDITABLE.filter((f) => (a?.[f] ?? null) !== (b?.[f] ?? null));

  function log(action: RevisionEntry['action'], before: SiteRecord | null, after: SiteRecord | null, changed: (keyof SiteRecord)[], options: WriteOptions, actor = 'tester'): number {
    const siteId = (after ?? before)!.siteId;
    const rev = revisionsOf(siteId).length + 1;
    revisionLog.push({ kind: 'revision', siteId, rev, action, version: (after ?? before)!.version, changed, before, after, actor: options.actor ?? actor, note: options.note ?? null, at: new Date() } as RevisionEntry & { siteId: string });
    return rev;
  }
  const revisionsOf = (siteId: string) => revisionLog.filter((r) => (r as RevisionEntry & { siteId: string }).siteId === siteId);

  /** The conflict checks of the real service: gone, stale (with base / theirs), or the row to write. */
  function checkWrite(siteId: string, options: WriteOptions): SiteRecord {
    const before = sitesById.get(siteId);
    if (!before) {
      if (options.expectedVersion === undefined) throw new CabinetError(`no site with id ${siteId}`, { code: 'not-found' });
      const last = revisionsOf(siteId).at(-1);
      throw new GoneError(last?.action === 'delete' ? { entity: 'site', id: siteId, deletedBy: last.actor, deletedAt: last.at, rev: last.rev } : { entity: 'site', id: siteId });
    }
    if (options.expectedVersion !== undefined && !options.force && before.version !== options.expectedVersion) {
      const base = states.get(`${siteId}@${options.expectedVersion}`) ?? null;
      throw new StaleEditError<SiteRecord>(
        `site ${siteId} was changed outside cabinet at ${before.updatedAt.toISOString()} since your edit began (version ${options.expectedVersion}, now ${before.version}); nothing was saved`,
        { entity: 'site', id: siteId, expectedVersion: options.expectedVersion, theirs: before, base, changedUnderneath: base ? differing(base, before) : null },
      );
    }
    return before;
  }

  const sites: Services['sites'] = {
    async list(o: ListOptions<SiteSortKey> = {}) {
      await record('sites.list', [o]);
      const f = o.filter?.trim() ?? '';
      const rows = [...sitesById.values()].filter((s) => !f || contains(s.siteId, f) || contains(s.domain, f) || contains(s.brandName, f)).map(summary);
      const sort = o.sort ?? 'siteId';
      return page(rows, o, (r) => r[sort], (r) => r.siteId, true);
    },
    async get(siteId: string) {
      await record('sites.get', [siteId]);
      return sitesById.get(siteId) ?? null;
    },
    async create(input: SiteInput, ...rest: unknown[]) {
      await record('sites.create', [input, ...rest]);
      const fields = validateSite(input);
      if (sitesById.has(fields.siteId)) throw new CabinetError(`a site with id ${fields.siteId} already exists`, { code: 'conflict' });
      if ([...sitesById.values()].some((s) => s.domain === fields.domain)) {
        throw new CabinetError(`domain ${fields.domain} is already used by another site`, { code: 'conflict' });
      }
      const created = site({ ...fields, aiPrompt: fields.aiPrompt ?? '', createdAt: new Date(), updatedAt: new Date() } as SiteRecord);
      sitesById.set(created.siteId, created);
      states.set(`${created.siteId}@${created.version}`, created);
      log('create', null, created, [], (rest[0] ?? {}) as WriteOptions);
      return created;
    },
    async update(siteId: string, patch: Partial<SiteInput>, ...rest: unknown[]): Promise<SiteChange> {
      await record('sites.update', [siteId, patch, ...rest]);
      const options = (rest[0] ?? {}) as WriteOptions;
      const fields = validateSitePatch(patch);
      const before = checkWrite(siteId, options);
      const changed = (Object.keys(fields) as (keyof SiteRecord)[]).filter((k) => fields[k as keyof typeof fields] !== before[k]);
      if (changed.length === 0) return { before, after: before, changed };
      const after = { ...before, ...fields, version: before.version + 1, updatedAt: new Date() } as SiteRecord;
      sitesById.set(siteId, after);
      states.set(`${siteId}@${after.version}`, after);
      const rev = log('update', before, after, changed, options);
      return { before, after, changed, rev };
    },
    async delete(siteId: string, ...rest: unknown[]) {
      await record('sites.delete', [siteId, ...rest]);
      const before = checkWrite(siteId, (rest[0] ?? {}) as WriteOptions);
      sitesById.delete(siteId);
      log('delete', before, null, [], (rest[0] ?? {}) as WriteOptions);
      return before;
    },
  } as Services['sites'];

  const users: Services['users'] = {
    async list(o: ListOptions<UserSortKey> = {}) {
      await record('users.list', [o]);
      const f = o.filter?.trim() ?? '';
      const rows = [...usersById.values()].filter((u) => !f || contains(u.email, f) || contains(u.userId, f));
      const sort = o.sort ?? 'lastSeen';
      const p = page(rows, o, (r) => r[sort], (r) => r.userId, false, sort === 'lastSeen', true);
      return p;
    },
    async get(userId: string) {
      await record('users.get', [userId]);
      return usersById.get(userId) ?? null;
    },
    async create(input: UserInput) {
      await record('users.create', [input]);
      const rec = validateUser(input);
      if (usersById.has(rec.userId)) throw new CabinetError(`a user with id ${rec.userId} already exists`, { code: 'conflict' });
      const created = user(rec);
      usersById.set(created.userId, created);
      return created;
    },
    async update(userId: string, patch: Partial<UserInput>, ...rest: unknown[]): Promise<UserChange> {
      await record('users.update', [userId, patch, ...rest]);
      const fields = validateUserPatch(patch);
      const before = usersById.get(userId);
      const o = (rest[0] ?? {}) as WriteOptions;
      if (!before) {
        if (o.expectedVersion === undefined) throw new CabinetError(`no user with id ${userId}`, { code: 'not-found' });
        throw new GoneError({ entity: 'user', id: userId });
      }
      // The real service's check: a row at another version than the edit began from is not overwritten.
      if (o.expectedVersion !== undefined && !o.force && before.version !== o.expectedVersion) {
        throw new StaleEditError<UserRecord>(`user ${userId} was changed since your edit began (version ${o.expectedVersion}, now ${before.version}); nothing was saved`, {
          entity: 'user',
          id: userId,
          expectedVersion: o.expectedVersion,
          theirs: before,
          base: null,
          changedUnderneath: null,
        });
      }
      const after = { ...before, ...fields, version: before.version + 1, updatedAt: new Date() } as UserRecord;
      usersById.set(userId, after);
      const changed = Object.keys(fields).filter((k) => String((fields as Record<string, unknown>)[k]) !== String((before as unknown as Record<string, unknown>)[k])) as (keyof UserRecord)[];
      return { before, after, changed };
    },
    async delete(userId: string, ...rest: unknown[]) {
      await record('users.delete', [userId, ...rest]);
      const before = usersById.get(userId);
      if (!before) throw new CabinetError(`no user with id ${userId}`, { code: 'not-found' });
      usersById.delete(userId);
      return before;
    },
  } as Services['users'];

  const migrations: ConsoleMigrations = {
    async status() {
      await record('migrations.status', []);
      return options.migrations ?? { applied: [{ name: 'Migration20260101000000_initial', executedAt: new Date(BASE_DATE) }], pending: [], unknown: [], edited: [], unrecorded: [] };
    },
  };

  const connection: ConnectionInfo = {
    label: 'cabinet@socket /run/test/cabinet',
    short: 'cabinet@socket/cabinet',
    embedded: false,
    role: 'cabinet',
    readOnly: false,
    pendingMigrations: 0,
    ...options.connection,
  };

  const sideOf = (siteId: string, rev: number | 'current') => {
    if (rev === 'current') {
      const record = sitesById.get(siteId) ?? null;
      return { rev, version: record?.version ?? null, at: record?.updatedAt ?? null, record };
    }
    const entry = revisionsOf(siteId).find((r) => r.rev === rev);
    if (!entry) throw new CabinetError(`site ${siteId} has no revision ${rev}`, { code: 'not-found' });
    return { rev, version: entry.version, at: entry.at, record: entry.after ?? entry.before };
  };

  const revisions: RevisionService = {
    async history(siteId: string, o: { limit?: number; before?: number } = {}) {
      await record('revisions.history', [siteId, o]);
      let entries = historyById.get(siteId) ?? [...revisionsOf(siteId)].reverse();
      if (entries.length === 0 && !sitesById.has(siteId)) throw new CabinetError(`no site with id ${siteId} and no history of one`, { code: 'not-found' });
      // A page: `limit` revisions (with the gaps among them) older than `before`.
      if (o.before !== undefined) {
        const start = entries.findIndex((e) => e.kind === 'revision' && e.rev < o.before!);
        entries = start < 0 ? [] : entries.slice(start);
      }
      const out: HistoryEntry[] = [];
      let revs = 0;
      for (const e of entries) {
        if (e.kind === 'revision' && revs === (o.limit ?? 100)) break;
        if (e.kind === 'revision') revs++;
        out.push(e);
      }
      return out;
    },
    async diff(siteId: string, from: number | 'current', to: number | 'current') {
      await record('revisions.diff', [siteId, from, to]);
      const a = sideOf(siteId, from);
      const b = sideOf(siteId, to);
      const fields = differing(a.record, b.record).map((field) => ({ field, before: a.record?.[field] ?? null, after: b.record?.[field] ?? null }));
      const pa = a.record?.aiPrompt ?? '';
      const pb = b.record?.aiPrompt ?? '';
      const name = (r: number | 'current') => (r === 'current' ? 'current' : `rev ${r}`);
      return { siteId, from: a, to: b, fields, promptPatch: pa === pb ? '' : createTwoFilesPatch(`prompt (${name(from)})`, `prompt (${name(to)})`, pa, pb, undefined, undefined, { context: 3 }) };
    },
    async restore(siteId: string, rev: number, o: WriteOptions = {}) {
      await record('revisions.restore', [siteId, rev, o]);
      if (connection.readOnly) throw new CabinetError(`cannot change anything: ${connection.readOnlyReason ?? 'read-only'}`, { code: 'read-only' });
      const values = sideOf(siteId, rev).record!;
      const live = sitesById.get(siteId);
      if (!live) {
        if (o.expectedVersion !== undefined) checkWrite(siteId, o);
        const recreated = { ...values, version: 1, updatedAt: new Date(), createdAt: new Date() };
        sitesById.set(siteId, recreated);
        const r = log('restore', null, recreated, [...EDITABLE], { ...o, note: `restored rev ${rev}` });
        return { before: null, after: recreated, changed: [...EDITABLE], rev: r };
      }
      const before = checkWrite(siteId, o);
      const changed = differing(before, values);
      if (changed.length === 0) return { before, after: before, changed };
      const after = { ...before, ...Object.fromEntries(EDITABLE.map((f) => [f, values[f]])), version: before.version + 1, updatedAt: new Date() } as SiteRecord;
      sitesById.set(siteId, after);
      states.set(`${siteId}@${after.version}`, after);
      const r = log('restore', before, after, changed, { ...o, note: `restored rev ${rev}${o.note ? `: ${o.note}` : ''}` });
      return { before, after, changed, rev: r };
    },
  };

  return {
    sites,
    users,
    migrations,
    revisions,
    connection,
    calls,
    sitesById,
    revisionLog,
    historyById,
    changeOutside(siteId: string, patch: Partial<SiteRecord>) {
      const before = sitesById.get(siteId)!;
      const after = { ...before, ...patch, version: before.version + 1, updatedAt: new Date() };
      sitesById.set(siteId, after);
      states.set(`${siteId}@${after.version}`, after);
      return after;
    },
    changeUserOutside(userId: string, patch: Partial<UserRecord>) {
      const before = usersById.get(userId)!;
      const after = { ...before, ...patch, version: before.version + 1, updatedAt: new Date() };
      usersById.set(userId, after);
      return after;
    },
    deleteAs(siteId: string, actor: string) {
      const before = sitesById.get(siteId)!;
      sitesById.delete(siteId);
      log('delete', before, null, [], {}, actor);
    },
    usersById,
    delay,
    fail,
    callsTo: (method: string) => calls.filter((c) => c.method === method),
  } as unknown as FakeServices;
}
