import type { ConnectionTarget } from '../db/connection.ts';
import { startLiveListener } from '../db/live-listener.ts';
import type { SqlQuery } from '../db/sql-query.ts';
import { createLiveFeed, type LiveFeed } from './live-feed.ts';

/**
 * The console's live feed on its database: a listener on a session connection of its own, whose LISTEN is
 * proven by a NOTIFY sent through the console's ordinary pool (`query`); where that fails, polling. It
 * opens once `after` has settled (the console's ORM session).
 */
export function openLiveFeed(target: ConnectionTarget, query: SqlQuery, after: () => Promise<unknown> = async () => {}): LiveFeed {
  return createLiveFeed(async () => {
    // The connections saves need come first: behind a session pooler with few server connections, the
    // listening connection must not take the one the ORM waits for (it closes there at once, and polls).
    await after().catch(() => {});
    const started = await startLiveListener(target, async (channel, payload) => {
      await query('select pg_notify($1, $2)', [channel, payload]);
    });
    return 'listener' in started ? { source: started.listener } : started;
  });
}
