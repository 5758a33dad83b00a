import type { ConnectionTarget } from './connection.ts';
import { toDatabaseError } from './db-errors.ts';
import type { BatchingClient, BatchStatement } from './pg-client.ts';
import { pgDriverOptions } from './pg-options.ts';
import { statementTimeoutFromEnv } from './session-settings.ts';
import type { TransactionRunner } from './sql-client.ts';
import { poolQuery, type SqlQuery } from './sql-query.ts';

export interface ReadPool {
  query: SqlQuery;
  /** A transaction on one connection, for COPY streams (exports) and reads that must see one snapshot. */
  transaction: TransactionRunner;
  /**
   * Sends these statements now, on one connection and in one round trip (each in its own transaction), and
   * keeps each answer for the first `query` with the same SQL and parameters (within PREFETCH_KEEP_MS). A
   * screen that knows what its first queries will be can start them before it is drawn, and its code asks
   * them one by one as before without paying a round trip each.
   */
  prefetch(statements: readonly BatchStatement[]): void;
  /**
   * Opens a connection now (TCP, TLS, authentication) and keeps it in the pool for the next query. Settles
   * when it is open or failed (the next query connects again and reports why it cannot).
   */
  warm(): Promise<void>;
  /**
   * Settles once the socket of the pool's first connection is open (TCP or Unix), before authentication,
   * or once that connection failed: the console's early start gives the event loop to pg until then, so
   * the startup packet goes out at once and not behind the next module it loads.
   */
  socketOpen: Promise<void>;
  close(): Promise<void>;
}

/** How long a prefetched answer may wait to be asked for: after that, a query goes to the server. */
const PREFETCH_KEEP_MS = 10_000;
const keyOf = (sql: string, params: readonly unknown[] = []) => `${sql}\u0000${JSON.stringify(params)}`;

/**
 * A small node-postgres pool for reads, without MikroORM: importing `pg` costs tens of milliseconds where the
 * ORM costs hundreds, so `cabinet sites list --json` and the console's first rows use this.
 */
export async function openReadPool(target: ConnectionTarget, statementTimeoutMs = statementTimeoutFromEnv(), maxConnections = 3): Promise<ReadPool> {
  const { default: pg } = await import('pg');
  const driver = pgDriverOptions(target, statementTimeoutMs, { rawReads: true });
  let opened: () => void = () => {};
  const socketOpen = new Promise<void>((resolve) => (opened = resolve));
  const Observed = class extends (driver.Client as unknown as new (config: unknown) => { connection: NodeJS.EventEmitter }) {
    constructor(config: unknown) {
      super(config);
      this.connection.once('connect', opened).once('end', opened);
    }
  } as unknown as typeof pg.Client;
  const pool = new pg.Pool({
    host: target.host,
    port: target.port,
    user: target.user,
    ...(target.password === undefined ? {} : { password: target.password }),
    database: target.database,
    max: maxConnections,
    idleTimeoutMillis: 30_000,
    ...driver,
    Client: Observed,
  });
  // A client dropped by the server must not take the process down, idle (the pool's event) or in use (its
  // own, which pg-pool leaves to whoever holds it): the query in flight fails on its own.
  pool.on('error', () => {});
  pool.on('connect', (client) => client.on('error', () => {}));
  // COPY support (pg-copy-streams, ~8 ms to load) only when a transaction is used: listings never need it.
  const transaction: TransactionRunner = async (fn, options) => (await import('./sql-client.ts')).transactionOn(() => pool.connect(), target)(fn, options);
  const answers = new Map<string, Promise<unknown[]>>();
  const fromServer = poolQuery(async () => pool, target);
  const query: SqlQuery = <T>(sql: string, params?: unknown[], signal?: AbortSignal) => {
    const key = keyOf(sql, params);
    const answer = answers.get(key);
    if (!answer) return fromServer<T>(sql, params, signal);
    answers.delete(key);
    // A prefetched failure is not the answer: the statement went out on the first screen's assumptions
    // (e.g. that the bookkeeping tables exist), which may have changed since (:migrate created them). Ask.
    return (answer as Promise<T[]>).catch(() => fromServer<T>(sql, params, signal));
  };
  const prefetch = (wanted: readonly BatchStatement[]) => {
    // Asked twice (an early start, then the screen itself): what is already on its way is not sent again.
    const statements = wanted.filter((st) => !answers.has(keyOf(st.sql, st.params)));
    if (statements.length === 0) return;
    const batch = (async () => {
      const client = await pool.connect();
      try {
        return await (client as unknown as BatchingClient).batch(statements);
      } finally {
        client.release();
      }
    })();
    statements.forEach((st, i) => {
      const key = keyOf(st.sql, st.params);
      const answer = batch.then(
        (results) => {
          const r = results[i]!;
          if (r.status === 'rejected') throw toDatabaseError(r.reason, target);
          return r.value.rows as unknown[];
        },
        (error: unknown) => {
          throw toDatabaseError(error, target);
        },
      );
      answer.catch(() => {}); // reported to whoever asks for it; nobody may
      answers.set(key, answer);
      void answer.finally(() => setTimeout(() => answers.get(key) === answer && answers.delete(key), PREFETCH_KEEP_MS).unref()).catch(() => {});
    });
  };
  const warm = async () => {
    if (pool.totalCount > 0) return;
    await pool.connect().then(
      (client) => client.release(),
      () => opened(),
    );
  };
  return { query, transaction, prefetch, warm, socketOpen, close: () => pool.end() };
}
