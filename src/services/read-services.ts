import type { TransactionRunner } from '../db/sql-client.ts';
import type { SqlQuery } from '../db/sql-query.ts';
import { getSite, listSites } from './queries/site-queries.ts';
import { getUser, listUsers } from './queries/user-queries.ts';
import { userHistory } from './user-revisions.ts';
import type { SiteRow } from './transfer/site-columns.ts';
import type { ExportOptions } from './transfer/user-export.ts';
import type { SiteService, UserService } from './types.ts';

/** The read half of the data services, over any SqlQuery (the light read pool, for scripted listings). */
export interface ReadServices {
  sites: Pick<SiteService, 'list' | 'get'>;
  users: Pick<UserService, 'list' | 'get' | 'history'>;
  /** Whole-table exports (read-only; COPY for users). */
  exports: {
    sites(write: (row: SiteRow) => void | Promise<void>): Promise<number>;
    users(format: 'ndjson' | 'array', write: (text: string | Uint8Array, rows: number) => void | Promise<void>, options?: ExportOptions): Promise<number>;
  };
}

/** The exports over a pool's transactions (the light read pool's or the ORM's), loaded when used. */
export function exportServices(transaction: TransactionRunner): ReadServices['exports'] {
  return {
    sites: async (write) => (await import('./transfer/site-transfer.ts')).exportSites(transaction, write),
    users: async (format, write, options) => (await import('./transfer/user-export.ts')).exportUsersJson(transaction, format, write, options),
  };
}

export function readServices(query: SqlQuery, transaction: TransactionRunner): ReadServices {
  return {
    exports: exportServices(transaction),
    sites: { list: (options) => listSites(query, options), get: (siteId) => getSite(query, siteId) },
    users: { list: (options) => listUsers(query, options), get: (userId) => getUser(query, userId), history: (userId, options) => userHistory(query, userId, options) },
  };
}
