import type { Pool, PoolClient } from 'pg';
import { beganNothing } from './pg-client.ts';

/**
 * A pooled connection can be dead before anyone uses it: the server restarted, a DBA ended it
 * (pg_terminate_backend), idle_session_timeout ended it, or the process was too busy to read the server's
 * goodbye before it took the connection from the pool. These are the errors that say so.
 */
const LOST_CODES = new Set(['ECONNRESET', 'EPIPE', '57P01', '57P02', '57P05', '08003', '08006']);
const LOST_MESSAGES = /^(Connection terminated unexpectedly|Client has encountered a connection error and is not queryable|Client was closed and is not queryable)$/;

/** Whether `error` (or a cause of it) says the connection had been lost: the server did not answer on it. */
export function isLostConnection(error: unknown): boolean {
  const seen = new Set<unknown>();
  for (let e = error as { code?: unknown; message?: unknown; cause?: unknown } | null; e && typeof e === 'object' && !seen.has(e); e = e.cause as typeof e) {
    seen.add(e);
    if (typeof e.code === 'string' && LOST_CODES.has(e.code)) return true;
    if (typeof e.message === 'string' && LOST_MESSAGES.test(e.message)) return true;
  }
  return false;
}

/** What openedClient needs of a node-postgres client. */
type Openable = { on(event: 'error', listener: () => void): void; connect(): Promise<unknown>; end(): Promise<unknown> };

/**
 * A connection made by `Client` with `options`, opened now: for the one retry after a connection turned out
 * dead. Dropped while in use, the query in flight fails on its own; its error event does not take the
 * process down. A connect that fails closes it and throws.
 */
export async function openedClient<C>(Client: new (options: unknown) => C, options: unknown): Promise<C> {
  const client = new Client(options) as C & Openable;
  client.on('error', () => {});
  try {
    await client.connect();
  } catch (error) {
    await client.end().catch(() => {});
    throw error;
  }
  return client;
}

/**
 * A connection of the pool's own kind (same client class, options and connect timeout), opened now and
 * outside it: for the one retry after a pooled connection turned out dead, when the pool's other idle
 * connections may be dead too. `release` closes it.
 */
export async function freshClient(pool: Pool): Promise<PoolClient> {
  const { Client, options } = pool as unknown as { Client: new (options: unknown) => PoolClient; options: unknown };
  const client = await openedClient(Client, options);
  (client as { release: PoolClient['release'] }).release = () => void (client as unknown as Openable).end().catch(() => {});
  return client;
}

/**
 * Runs `fn`, a transaction on the ORM's pool, and once more when its connection turned out dead before its
 * BEGIN was answered: nothing of it ran (pg-client.ts holds the BEGIN back and sends it with the first
 * statement; the COMMIT goes only after every answer). A transaction that got further is never run again.
 */
export async function againIfNothingRan<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    if (!beganNothing(error) || !isLostConnection(error)) throw error;
  }
  // The pool's other idle connections died with this one: their goodbyes, already waiting, are read first,
  // so the pool drops them instead of handing one out.
  await new Promise((resolve) => setImmediate(resolve));
  return fn();
}

/**
 * `run` on the pooled `client`; when its connection turns out to have been lost (and `mayRetry` still holds),
 * `run` once more on a connection opened now (freshClient). Errors as `run` or pg gave them: the caller maps them.
 */
export async function onceMoreIfLost<T>(pool: Pool, client: PoolClient, run: (client: PoolClient) => Promise<T>, mayRetry: () => boolean = () => true): Promise<T> {
  try {
    return await run(client);
  } catch (error) {
    if (!mayRetry() || !isLostConnection(error)) throw error;
  }
  return run(await freshClient(pool));
}
