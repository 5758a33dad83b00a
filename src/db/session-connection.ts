import type { ConnectionTarget } from './connection.ts';
import { toDatabaseError } from './db-errors.ts';
import { pgDriverOptions } from './pg-options.ts';
import { CabinetError } from '../lib/errors.ts';

/**
 * One long-lived connection of its own, outside every pool, for what needs a session: a transaction held
 * open while a record is edited (presence), LISTEN. Unlike the pools' clients (pg-client.ts) it may keep
 * session state, so nothing else ever runs on it. Guarded exactly as the pools are (the guard's pinned
 * addresses, TLS, connect timeout), with TCP keepalives so a vanished peer is noticed.
 */
export interface SessionConnection {
  query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]>;
  /**
   * A pooler (PgBouncer) is between us and the server: the process id the startup handshake gave is not
   * the server backend's (`pg_backend_pid()`), since a pooler hands out keys of its own. Session state
   * (session advisory locks, LISTEN) is then unsafe or lost in transaction pooling; a transaction is not.
   */
  readonly pooled: boolean;
  /** Called once when the connection ends (closed, the server or pooler dropped it, the network failed). */
  onEnd(listener: (error?: Error) => void): void;
  /** LISTEN's notifications (direct or session-pooled connections only). */
  onNotification(listener: (channel: string, payload: string | undefined) => void): void;
  close(): Promise<void>;
}

export interface SessionConnectionOptions {
  /** What pg_stat_activity shows for it ("cabinet presence", "cabinet live"). */
  applicationName: string;
  /**
   * A query not answered within this long fails (client-side: a pooler with no free server connection
   * never answers); the connection should then be closed. None by default.
   */
  queryTimeoutMs?: number;
}


interface RawClient {
  processID?: number;
  connect(): Promise<void>;
  query(sql: string, params?: unknown[]): Promise<{ rows: unknown[] }>;
  on(event: 'error' | 'end', listener: (error?: Error) => void): void;
  on(event: 'notification', listener: (message: { channel: string; payload?: string }) => void): void;
  end(): Promise<void>;
}

export async function openSessionConnection(target: ConnectionTarget, options: SessionConnectionOptions): Promise<SessionConnection> {
  const { default: pg } = await import('pg');
  // The pools' options, minus their client class (which refuses session state) and their statement timeout
  // (set per transaction by whoever uses this connection).
  const { Client: _pooled, ...driver } = pgDriverOptions(target, 0);
  const client = new pg.Client({
    host: target.host,
    port: target.port,
    user: target.user,
    ...(target.password === undefined ? {} : { password: target.password }),
    database: target.database,
    ...driver,
    application_name: options.applicationName,
    keepAlive: true,
    keepAliveInitialDelayMillis: 10_000,
    ...(options.queryTimeoutMs ? { query_timeout: options.queryTimeoutMs } : {}),
  }) as unknown as RawClient;
  const endListeners: ((error?: Error) => void)[] = [];
  let ended = false;
  let lastError: Error | undefined;
  const end = (error?: Error) => {
    if (ended) return;
    ended = true;
    for (const listener of endListeners) listener(error ?? lastError);
  };
  // A dropped connection must not take the process down: its users hear of it through onEnd.
  client.on('error', (error) => {
    lastError = error;
    end(error);
  });
  client.on('end', () => end());
  const run = async <T>(sql: string, params?: unknown[]): Promise<T[]> => {
    try {
      return (await client.query(sql, params)).rows as T[];
    } catch (error) {
      throw toDatabaseError(error, target);
    }
  };
  // Connected means a server answered: a pooler accepts the login at once and only then waits for a
  // server connection (a full session pool), which would otherwise hang here for good.
  let timer: NodeJS.Timeout | undefined;
  const seconds = target.connectTimeoutSeconds;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new CabinetError(`no server connection within ${seconds} s (a pooler whose pool is full?)`, { code: 'db-timeout' })),
      seconds * 1000,
    );
  });
  let pooled = false;
  const opening = (async () => {
    try {
      await client.connect();
    } catch (error) {
      throw toDatabaseError(error, target);
    }
    const [row] = await run<{ pid: number }>('select pg_backend_pid() as pid');
    pooled = row?.pid !== client.processID;
  })();
  // Given up on, it still ends (the connection is closed under it): that is no error of anyone's.
  opening.catch(() => {});
  try {
    await Promise.race([opening, timeout]);
  } catch (error) {
    await client.end().catch(() => {});
    throw error;
  } finally {
    clearTimeout(timer);
  }
  return {
    query: run,
    pooled,
    onEnd(listener) {
      if (ended) listener(lastError);
      else endListeners.push(listener);
    },
    onNotification(listener) {
      client.on('notification', (message) => listener(message.channel, message.payload));
    },
    async close() {
      ended = true;
      await client.end().catch(() => {});
    },
  };
}
