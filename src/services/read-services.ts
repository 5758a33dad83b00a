import type { SqlQuery } from '../db/sql-query.ts';
import { getSite, listSites } from './queries/site-queries.ts';
import { getUser, listUsers } from './queries/user-queries.ts';
import type { SiteService, UserService } from './types.ts';

/** The read half of the data services, over any SqlQuery (the light read pool, for scripted listings). */
export interface ReadServices {
  sites: Pick<SiteService, 'list' | 'get'>;
  users: Pick<UserService, 'list' | 'get'>;
}

export function readServices(query: SqlQuery): ReadServices {
  return {
    sites: { list: (options) => listSites(query, options), get: (siteId) => getSite(query, siteId) },
    users: { list: (options) => listUsers(query, options), get: (userId) => getUser(query, userId) },
  };
}
