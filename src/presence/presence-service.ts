import type { SessionConnection } from '../db/session-connection.ts';
import type { SqlQuery } from '../db/sql-query.ts';
import { applicationName, claimStatement, type Announcement } from './announcement.ts';
import type { PresenceIdentity } from './identity.ts';
import { PRESENCE_NAMESPACE, presenceKey, type PresenceKind } from './presence-key.ts';
import { readPresence, type PresenceEntry } from './presence-reader.ts';

/**
 * Whether others can see what this console edits. `idle`: nothing to announce; `announced`: held (through
 * a pooler or not); `failed`: an edit is open but others cannot see it, with why (retried every few seconds).
 * `pooled` once the announcing connection has been opened: whether a pooler (PgBouncer) is in between.
 */
export type PresenceStatus = { state: 'idle'; pooled?: boolean } | { state: 'announced'; pooled: boolean } | { state: 'failed'; reason: string };

export interface PresenceSnapshot {
  entries: PresenceEntry[];
  /** Why the last read failed; the entries are then the last ones read. */
  error?: string;
  at: Date;
}

/**
 * Presence: which records other consoles are editing, and announcing ours. Informs only: nothing here
 * blocks or delays an edit, and the version check still decides every save.
 */
export interface PresenceService {
  /** Announces that this console edits the record, until the returned function is called. */
  claim(kind: PresenceKind, id: string): () => void;
  /** What the others are editing, read now. */
  read(): Promise<PresenceEntry[]>;
  /** Reads every `intervalMs` while watched; the listener gets each snapshot. */
  watch(listener: (snapshot: PresenceSnapshot) => void): () => void;
  status(): PresenceStatus;
  onStatus(listener: (status: PresenceStatus) => void): () => void;
  close(): Promise<void>;
}

export interface PresenceDeps {
  /** Reads run on the console's read pool. */
  query: SqlQuery;
  /** The announcing connection, opened at the first edit (db/session-connection.ts). */
  open(): Promise<SessionConnection>;
  identity: PresenceIdentity;
  intervalMs?: number;
  /** The console's first read waits this long, so the first screen's rows go first on one connection. */
  firstReadDelayMs?: number;
  retryMs?: number;
  now?: () => Date;
}

type Claim = Announcement & { namespace: number; key: number };

/**
 * Announcing: while a record is edited, this console's own connection holds a transaction that took a
 * shared transaction-level advisory lock on the record's key and carries the announcement (the lock
 * statement's text, and application_name set for the transaction). Idle in a transaction that has no
 * snapshot and no transaction id, it holds back neither vacuum nor DDL. The lock and the announcement end
 * with the transaction: at the end of the edit (ROLLBACK), or when the console's connection closes for any
 * reason, kill -9 included; through PgBouncer in transaction mode too, since a pooler hands a server
 * connection to one client for a whole transaction and drops it when that client goes mid-transaction.
 */
export function createPresence(deps: PresenceDeps): PresenceService {
  const now = deps.now ?? (() => new Date());
  const claims = new Map<number, Claim>();
  let nextToken = 1;
  let conn: SessionConnection | undefined;
  let inTransaction = false;
  let heldPid: number | undefined;
  /**
   * This console's announcing backends, with when they stop counting as its own: forever while held; once
   * released by a ROLLBACK that answered, at once (behind a pooler that server connection may next serve
   * another console); a direct connection dropped without one, a few seconds later (its backend may hold the
   * lock a moment longer). A read leaves out what was ours when it was sent and when its rows arrive: a read
   * sent just before this console's lock was taken may well see it.
   */
  const ownPids = new Map<number, number>();
  const forgetPid = (linger: boolean) => {
    if (heldPid !== undefined) {
      if (linger) ownPids.set(heldPid, Date.now() + 5000);
      else ownPids.delete(heldPid);
    }
    heldPid = undefined;
  };
  /** Whether the last announcing connection went through a pooler (kept for the detail's mode line). */
  let pooled: boolean | undefined;
  let current: PresenceStatus = { state: 'idle' };
  const statusListeners = new Set<(s: PresenceStatus) => void>();
  let closed = false;
  let queue: Promise<void> = Promise.resolve();
  let syncQueued = false;
  let retry: NodeJS.Timeout | undefined;

  const setStatus = (next: PresenceStatus) => {
    if (JSON.stringify(next) === JSON.stringify(current)) return;
    current = next;
    for (const listener of statusListeners) listener(next);
  };

  /** `released`: a ROLLBACK answered, so no lock of ours is left on that backend. */
  const dropConnection = (released: boolean) => {
    const old = conn;
    conn = undefined;
    inTransaction = false;
    forgetPid(!released && old?.pooled === false);
    void old?.close();
  };

  const scheduleRetry = () => {
    clearTimeout(retry);
    retry = setTimeout(() => schedule(), deps.retryMs ?? 3000);
    retry.unref();
  };

  const sync = async () => {
    if (closed) return;
    try {
      if (claims.size === 0) {
        // Nothing to announce: the connection goes too (its close ends the transaction), so an idle console
        // keeps no backend, nor a server connection of a session pool; the next edit opens one again.
        // ROLLBACK first and wait for it: once it answers, the lock is gone in every mode, and only then may
        // this console's reads stop leaving out its own backend.
        if (conn) {
          pooled = conn.pooled;
          if (inTransaction) await conn.query('rollback');
        }
        dropConnection(true);
        setStatus({ state: 'idle', ...(pooled === undefined ? {} : { pooled }) });
        return;
      }
      if (!conn) {
        const opened = await deps.open();
        if (closed) return void (await opened.close());
        conn = opened;
        opened.onEnd((error) => {
          if (conn !== opened) return;
          conn = undefined;
          inTransaction = false;
          forgetPid(!opened.pooled);
          if (claims.size > 0 && !closed) {
            setStatus({ state: 'failed', reason: `the presence connection ended${error ? `: ${error.message}` : ''}; retrying` });
            scheduleRetry();
          }
        });
      }
      const c = conn;
      if (inTransaction) {
        inTransaction = false;
        await c.query('rollback');
        forgetPid(false);
      }
      const list = [...claims.values()];
      await c.query('begin');
      inTransaction = true;
      // Settings for this transaction only: no idle-in-transaction timeout ends an edit's announcement,
      // keepalives notice a vanished host, and the short form of the announcement goes where every role can read it.
      const [row] = await c.query<{ pid: number }>(
        `select pg_backend_pid() as pid, set_config('application_name', $1, true), set_config('idle_in_transaction_session_timeout', '0', true),
          set_config('statement_timeout', '10s', true), set_config('tcp_keepalives_idle', '10', true),
          set_config('tcp_keepalives_interval', '5', true), set_config('tcp_keepalives_count', '3', true)`,
        [applicationName(list[list.length - 1]!)],
      );
      // Known before the lock is: a read meanwhile must not show this console its own edit.
      heldPid = row?.pid;
      if (heldPid !== undefined) ownPids.set(heldPid, Infinity);
      await c.query(claimStatement(list));
      setStatus({ state: 'announced', pooled: c.pooled });
    } catch (error) {
      dropConnection(false);
      if (closed || claims.size === 0) return;
      setStatus({ state: 'failed', reason: error instanceof Error ? error.message : String(error) });
      scheduleRetry();
    }
  };

  function schedule(): void {
    if (syncQueued) return;
    syncQueued = true;
    queue = queue.then(() => {
      syncQueued = false;
      return sync();
    });
  }

  const read = async () => {
    const atSend = new Set(ownPids.keys());
    const entries = await readPresence(deps.query);
    const t = Date.now();
    for (const [pid, until] of ownPids) if (until < t) ownPids.delete(pid);
    return entries.filter((e) => !atSend.has(e.pid) && !ownPids.has(e.pid));
  };

  const watchers = new Set<(snapshot: PresenceSnapshot) => void>();
  let poll: NodeJS.Timeout | undefined;
  let polling = false;
  let last: PresenceSnapshot | undefined;
  const tick = async () => {
    polling = true;
    poll = undefined;
    try {
      last = { entries: await read(), at: now() };
    } catch (error) {
      last = { entries: last?.entries ?? [], error: error instanceof Error ? error.message : String(error), at: now() };
    }
    for (const w of watchers) w(last);
    if (watchers.size > 0 && !closed) {
      poll = setTimeout(() => void tick(), deps.intervalMs ?? 2000);
      poll.unref();
    } else polling = false;
  };

  return {
    claim(kind, id) {
      const token = nextToken++;
      claims.set(token, { kind, id, ...deps.identity, since: now(), namespace: PRESENCE_NAMESPACE[kind], key: presenceKey(id) });
      schedule();
      let released = false;
      return () => {
        if (released) return;
        released = true;
        claims.delete(token);
        schedule();
      };
    },
    read,
    watch(listener) {
      watchers.add(listener);
      if (polling && last) listener(last);
      if (!polling) {
        polling = true;
        if (last) void tick();
        else {
          poll = setTimeout(() => void tick(), deps.firstReadDelayMs ?? 400);
          poll.unref();
        }
      }
      return () => {
        watchers.delete(listener);
        if (watchers.size === 0 && poll) {
          clearTimeout(poll);
          poll = undefined;
          polling = false;
        }
      };
    },
    status: () => current,
    onStatus(listener) {
      statusListeners.add(listener);
      return () => statusListeners.delete(listener);
    },
    async close() {
      closed = true;
      clearTimeout(retry);
      clearTimeout(poll);
      watchers.clear();
      // What is in flight may wait for a server (a pooler's full pool): closing waits for it only briefly,
      // and a connection it still opens is closed when it arrives (sync checks `closed`).
      await Promise.race([queue.catch(() => {}), new Promise((resolve) => setTimeout(resolve, 1000).unref())]);
      const c = conn;
      conn = undefined;
      await c?.close();
    },
  };
}
