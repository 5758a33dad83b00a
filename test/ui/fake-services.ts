import type { ConnectionInfo, RevisionService, Services, SiteRecord, SiteSummary, UserRecord } from '../../src/services/types.ts';
import { blankSite } from '../../src/schema/site-record.ts';
import { recordFrom } from '../../src/schema/record-mapper.ts';
import { USER_SCHEMA } from '../../src/schema/user-schema.ts';
import type { ConsoleMigrations, ConsoleServices } from '../../src/ui/services-context.tsx';
import { injectFaults, type Faults } from './fault-injection.ts';

/**
 * A read-only data source for console tests of the shell's screens, keys, layout and timing (header,
 * palette, help, resize, read-only gates, paste limits): it hands back the rows it was given, all of them,
 * in the order given, and decides no rule of the services: no filter, sort, paging, validation, conflict or
 * write. Anything that tests behaviour runs on the real services (test/ui/real-console.ts). Calls are
 * recorded and can be delayed or failed by fault-injection.ts, as for the real services.
 */
export type FakeServices = ConsoleServices & Faults;

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

const notHere = (method: string) => async (): Promise<never> => {
  throw new Error(`${method}: the fake is read-only; test writes, filters, sorting, paging and history on the real services (test/ui/real-console.ts)`);
};

export function fakeServices(
  options: { sites?: SiteRecord[]; users?: UserRecord[]; connection?: Partial<ConnectionInfo>; migrations?: Awaited<ReturnType<ConsoleMigrations['status']>> } = {},
): FakeServices {
  const sites = options.sites ?? [];
  const users = options.users ?? [];
  const summary = ({ aiPrompt, ...rest }: SiteRecord): SiteSummary => ({ ...rest, promptChars: [...aiPrompt].length });
  const source = {
    sites: {
      list: async () => ({ rows: sites.map(summary), hasMore: false, total: sites.length }),
      get: async (siteId: string) => sites.find((s) => s.siteId === siteId) ?? null,
      create: notHere('sites.create'),
      update: notHere('sites.update'),
      delete: notHere('sites.delete'),
    } as unknown as Services['sites'],
    users: {
      list: async () => ({ rows: users, hasMore: false }),
      get: async (userId: string) => users.find((u) => u.userId === userId) ?? null,
      create: notHere('users.create'),
      update: notHere('users.update'),
      delete: notHere('users.delete'),
    } as unknown as Services['users'],
    revisions: { history: notHere('revisions.history'), diff: notHere('revisions.diff'), restore: notHere('revisions.restore') } as unknown as RevisionService,
    migrations: {
      status: async () =>
        options.migrations ?? { applied: [{ name: 'Migration20260101000000_initial', executedAt: new Date(BASE_DATE) }], pending: [], unknown: [], edited: [], unrecorded: [] },
    } as ConsoleMigrations,
    connection: {
      label: 'cabinet@socket /run/test/cabinet',
      short: 'cabinet@socket/cabinet',
      embedded: false,
      role: 'cabinet',
      readOnly: false,
      pendingMigrations: 0,
      ...options.connection,
    } as ConnectionInfo,
  };
  return injectFaults(source as ConsoleServices);
}
