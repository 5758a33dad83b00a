import { CabinetError } from '../../src/lib/errors.ts';
import { GoneError } from '../../src/services/edit-errors.ts';
import type {
  ConnectionInfo,
  ListOptions,
  Page,
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
import { blankSite } from '../../src/schema/site-record.ts';
import { recordFrom } from '../../src/schema/record-mapper.ts';
import { USER_SCHEMA } from '../../src/schema/user-schema.ts';
import { validateUser, validateUserPatch } from '../../src/services/validation/user-input.ts';
import type { ConsoleMigrations, ConsoleServices } from '../../src/ui/services-context.tsx';

/**
 * In-memory services for console tests of screens, keys, layout and timing: the same interfaces and
 * validation as the real ones, no database, and no conflict rules (no stale checks, revisions or history):
 * tests of those run on the real services (test/ui/real-console.ts, wrapped by fault-injection.ts).
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

  /** The row to write, or not found / gone (the conflict rules live in the real services: test/ui/real-console.ts). */
  function checkWrite(siteId: string, options: WriteOptions): SiteRecord {
    const before = sitesById.get(siteId);
    if (before) return before;
    if (options.expectedVersion === undefined) throw new CabinetError(`no site with id ${siteId}`, { code: 'not-found' });
    throw new GoneError({ entity: 'site', id: siteId });
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
      return { before, after, changed };
    },
    async delete(siteId: string, ...rest: unknown[]) {
      await record('sites.delete', [siteId, ...rest]);
      const before = checkWrite(siteId, (rest[0] ?? {}) as WriteOptions);
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

  // History, diffs and restores are tested on the real services (test/ui/real-console.ts); the fake has none.
  const unsupported = async (method: string): Promise<never> => {
    throw new Error(`${method}: not in the fake; test history on the real services (test/ui/real-console.ts)`);
  };
  const revisions: RevisionService = {
    history: () => unsupported('revisions.history'),
    diff: () => unsupported('revisions.diff'),
    restore: () => unsupported('revisions.restore'),
  };

  return {
    sites,
    users,
    migrations,
    revisions,
    connection,
    calls,
    sitesById,
    usersById,
    delay,
    fail,
    callsTo: (method: string) => calls.filter((c) => c.method === method),
  } as unknown as FakeServices;
}
