import { CabinetError } from '../../src/lib/errors.ts';
import type { ConnectionInfo, ListOptions, Page, Services, SiteChange, SiteInput, SiteRecord, SiteSortKey, SiteSummary, UserChange, UserInput, UserRecord, UserSortKey } from '../../src/services/types.ts';
import { validateSite, validateSitePatch } from '../../src/services/validation/site-input.ts';
import { validateUser, validateUserPatch } from '../../src/services/validation/user-input.ts';
import type { ConsoleServices, MigrationReader } from '../../src/ui/services-context.tsx';

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
  usersById: Map<string, UserRecord>;
  /** Names of calls (e.g. 'sites.list') mapped to a delay in ms, or to an error to throw. */
  delay: Map<string, number | ((call: Call) => number)>;
  fail: Map<string, Error>;
  /** The calls to one method, in order. */
  callsTo(method: string): Call[];
}

const BASE_DATE = Date.UTC(2026, 0, 1);

/** A stored site with defaults; cast because the record grows bookkeeping fields (version, updatedAt). */
export function site(fields: Partial<SiteRecord> & Pick<SiteRecord, 'siteId' | 'domain'>, day = 1): SiteRecord {
  return {
    aiScriptId: null,
    aiPrompt: '',
    brandName: fields.siteId.toUpperCase(),
    language: 'en',
    hubspotPipeline: null,
    hubspotStage: null,
    createdAt: new Date(BASE_DATE + day * 86_400_000),
    updatedAt: new Date(BASE_DATE + day * 86_400_000),
    version: 1,
    ...fields,
  } as SiteRecord;
}

export function user(fields: Partial<UserRecord> & Pick<UserRecord, 'userId' | 'email'>, day = 1): UserRecord {
  return {
    firstSeen: new Date(BASE_DATE + day * 86_400_000),
    lastSeen: new Date(BASE_DATE + day * 86_400_000),
    version: 1,
    updatedAt: new Date(BASE_DATE + day * 86_400_000),
    ...fields,
  } as UserRecord;
}

const contains = (value: string | null, filter: string) => (value ?? '').toLowerCase().includes(filter.toLowerCase());

function compare(a: unknown, b: unknown): number {
  if (a instanceof Date && b instanceof Date) return a.getTime() - b.getTime();
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  return String(a).localeCompare(String(b));
}

function page<T>(rows: T[], options: ListOptions<string>, key: (row: T) => unknown, id: (row: T) => string, withTotal: boolean, defaultDescending = false): Page<T> {
  const descending = options.descending ?? defaultDescending;
  const sorted = [...rows].sort((a, b) => {
    const c = compare(key(a), key(b));
    return (descending ? -c : c) || id(a).localeCompare(id(b));
  });
  const offset = options.offset ?? 0;
  const limit = options.limit ?? 500;
  const slice = sorted.slice(offset, offset + limit);
  return { rows: slice, hasMore: offset + limit < sorted.length, ...(withTotal ? { total: sorted.length } : {}) };
}

export function fakeServices(
  options: { sites?: SiteRecord[]; users?: UserRecord[]; connection?: Partial<ConnectionInfo>; migrations?: Awaited<ReturnType<MigrationReader['status']>> } = {},
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
      return created;
    },
    async update(siteId: string, patch: Partial<SiteInput>, ...rest: unknown[]): Promise<SiteChange> {
      await record('sites.update', [siteId, patch, ...rest]);
      const fields = validateSitePatch(patch);
      const before = sitesById.get(siteId);
      if (!before) throw new CabinetError(`no site with id ${siteId}`, { code: 'not-found' });
      const changed = (Object.keys(fields) as (keyof SiteRecord)[]).filter((k) => fields[k as keyof typeof fields] !== before[k]);
      const after = { ...before, ...fields, version: ((before as { version?: number }).version ?? 1) + 1 } as SiteRecord;
      sitesById.set(siteId, after);
      return { before, after, changed };
    },
    async delete(siteId: string, ...rest: unknown[]) {
      await record('sites.delete', [siteId, ...rest]);
      const before = sitesById.get(siteId);
      if (!before) throw new CabinetError(`no site with id ${siteId}`, { code: 'not-found' });
      sitesById.delete(siteId);
      return before;
    },
  } as Services['sites'];

  const users: Services['users'] = {
    async list(o: ListOptions<UserSortKey> = {}) {
      await record('users.list', [o]);
      const f = o.filter?.trim() ?? '';
      const rows = [...usersById.values()].filter((u) => !f || contains(u.email, f) || contains(u.userId, f));
      const sort = o.sort ?? 'lastSeen';
      const p = page(rows, o, (r) => r[sort], (r) => r.userId, false, sort === 'lastSeen');
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
      if (!before) throw new CabinetError(`no user with id ${userId}`, { code: 'not-found' });
      const after = { ...before, ...fields } as UserRecord;
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

  const migrations: MigrationReader = {
    async status() {
      await record('migrations.status', []);
      return options.migrations ?? { applied: [{ name: 'Migration20260101000000_initial', executedAt: new Date(BASE_DATE) }], pending: [], unknown: [], edited: [] };
    },
  };

  const connection: ConnectionInfo = {
    label: 'cabinet@socket /run/test/cabinet',
    embedded: false,
    role: 'cabinet',
    readOnly: false,
    pendingMigrations: 0,
    ...options.connection,
  };

  // Services added by other issues (history…) exist and fail loudly if a screen under test uses them.
  const unexpected = new Proxy(
    {},
    {
      get: (_t, prop) => (typeof prop === 'symbol' || prop === 'then' ? undefined : async () => Promise.reject(new Error(`unexpected service call ${String(prop)}`))),
    },
  );

  return {
    sites,
    users,
    migrations,
    revisions: unexpected,
    connection,
    calls,
    sitesById,
    usersById,
    delay,
    fail,
    callsTo: (method: string) => calls.filter((c) => c.method === method),
  } as unknown as FakeServices;
}
