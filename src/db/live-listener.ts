import crypto from 'node:crypto';
import type { ConnectionTarget } from './connection.ts';
import { LIVE_CHANNEL } from './entities/live-notify.ts';
import { openSessionConnection, type SessionConnection } from './session-connection.ts';

/** What the notify triggers send (entities/live-notify.ts): id and version null for "some rows of this table". */
export interface LiveNotice {
  table: 'sites' | 'users';
  id: string | null;
  version: number | null;
}

export interface LiveListener {
  onNotice(fn: (notice: LiveNotice) => void): () => void;
  /** The listening connection ended (not by close()): notices may be missed from now on. */
  onLost(fn: (reason: string) => void): () => void;
  close(): Promise<void>;
}

/** How long the self-test NOTIFY may take to arrive before LISTEN is judged not to hold. */
export const PROBE_MS = 1500;
/** How long the listening connection may take to open. */
const OPEN_MS = 5000;

/**
 * LISTENs on a session connection of its own (db/session-connection.ts; not presence's: that one holds a
 * transaction open while a record is edited, and PostgreSQL delivers notifications only between transactions) and proves that it works: a NOTIFY sent from *another*
 * connection (`sendNotify`, the console's read pool) must come back within PROBE_MS. Through PgBouncer in
 * transaction mode the LISTEN stays on whichever server connection ran it and the probe never arrives,
 * so this answers with the reason instead of a listener, and the console polls. Also a reason: a pooler
 * is in between at all (the session connection's `pooled`: the backend's pid is not the handshake's), the
 * notify triggers are not there (the live_notify migration is pending), or the role may not connect again.
 */
export async function startLiveListener(
  target: ConnectionTarget,
  sendNotify: (channel: string, payload: string) => Promise<void>,
  options: { probeMs?: number; openMs?: number } = {},
): Promise<{ listener: LiveListener } | { reason: string }> {
  let session: SessionConnection;
  const opening = openSessionConnection(target, { applicationName: 'cabinet live' });
  try {
    // A pooler with no server connection free queues the connection: the screens poll meanwhile.
    const timedOut = Symbol('timeout');
    let timer: NodeJS.Timeout | undefined;
    const first = await Promise.race([opening, new Promise<typeof timedOut>((resolve) => (timer = setTimeout(() => resolve(timedOut), options.openMs ?? OPEN_MS)))]);
    clearTimeout(timer);
    if (first === timedOut) {
      opening.then((late) => late.close(), () => {});
      return { reason: 'no listening connection within 5 s' };
    }
    session = first;
  } catch (error) {
    return { reason: `no listening connection: ${error instanceof Error ? error.message : String(error)}` };
  }
  // Behind a pooler (PgBouncer) a listening connection would hold a server connection for as long as the
  // console runs (session pooling), or not hold the LISTEN at all (transaction pooling): poll instead.
  if (session.pooled) {
    await session.close();
    return { reason: 'behind a connection pooler (polling keeps its server connections free)' };
  }
  try {
    const [row] = await session.query<{ ok: boolean }>(
      `select to_regproc('public.sites_live_notify_fn') is not null and to_regproc('public.users_live_notify_fn') is not null as ok`,
    );
    if (!row?.ok) {
      await session.close();
      return { reason: 'the notify triggers are missing (run cabinet migrate)' };
    }
    await session.query(`listen ${LIVE_CHANNEL}`);
    const token = crypto.randomBytes(8).toString('hex');
    const arrived = new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => resolve(false), options.probeMs ?? PROBE_MS);
      session.onNotification((channel, payload) => {
        if (channel === LIVE_CHANNEL && payload === JSON.stringify({ probe: token })) {
          clearTimeout(timer);
          resolve(true);
        }
      });
    });
    await sendNotify(LIVE_CHANNEL, JSON.stringify({ probe: token }));
    if (!(await arrived)) {
      // A transaction pooler left the LISTEN on some server connection: take it off again where we can.
      await session.query(`unlisten ${LIVE_CHANNEL}`).catch(() => {});
      await session.close();
      return { reason: 'LISTEN does not hold on this connection (a transaction pooler?)' };
    }
  } catch (error) {
    await session.close();
    return { reason: `LISTEN refused: ${error instanceof Error ? error.message : String(error)}` };
  }
  return { listener: listenerOn(session) };
}

function listenerOn(session: SessionConnection): LiveListener {
  const notices = new Set<(notice: LiveNotice) => void>();
  const lost = new Set<(reason: string) => void>();
  let closing = false;
  session.onNotification((channel, payload) => {
    if (channel !== LIVE_CHANNEL || payload === undefined) return;
    const notice = parseNotice(payload);
    if (notice) for (const fn of notices) fn(notice);
  });
  session.onEnd((error) => {
    if (closing) return;
    for (const fn of lost) fn(error ? error.message : 'the listening connection closed');
  });
  return {
    onNotice(fn) {
      notices.add(fn);
      return () => notices.delete(fn);
    },
    onLost(fn) {
      lost.add(fn);
      return () => lost.delete(fn);
    },
    async close() {
      closing = true;
      await session.close();
    },
  };
}

export function parseNotice(payload: string): LiveNotice | undefined {
  try {
    const value = JSON.parse(payload) as Record<string, unknown>;
    if (value.table !== 'sites' && value.table !== 'users') return undefined;
    return {
      table: value.table,
      id: typeof value.id === 'string' ? value.id : null,
      version: typeof value.version === 'number' ? value.version : null,
    };
  } catch {
    return undefined;
  }
}
