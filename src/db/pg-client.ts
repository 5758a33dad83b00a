import pg from 'pg';
import { isLostConnection, openedClient } from './lost-connection.ts';
import { settingsSql } from './session-settings.ts';

const BEGIN = /^\s*(begin|start\s+transaction)\b[^;]*;?\s*$/i;
/** Statements that end a transaction or cannot run inside one: sent as they are. */
const AS_IS = /^\s*(commit|rollback|end|abort|vacuum|create\s+database|drop\s+database|alter\s+system|(create|drop)\s+index\s+concurrently|reindex\b[^;]*\bconcurrently)\b/i;
/**
 * Session state a transaction pooler (PgBouncer) loses between transactions or leaves behind for the next
 * client of the server connection: cabinet never uses it, and this keeps it so.
 */
const SESSION_STATE = /^\s*(set\s+(?!local\b|transaction\b|constraints\b)|reset\b|listen\b|unlisten\b|prepare\b|declare\b[^;]*\bwith\s+hold\b)|\bpg_(try_)?advisory_lock(_shared)?\s*\(/i;

/**
 * A statement that only reads: safe to send again when its connection turned out dead before it ran. One
 * that names a write anywhere (a data-modifying WITH, SELECT … INTO, a sequence, a notice) is not resent.
 */
const READ = /^\s*\(*\s*(select|with|values|table|show)\b/i;
const WRITES = /\b(insert|update|delete|merge|into|nextval|setval|pg_notify|pg_terminate_backend|pg_cancel_backend|set_config|lock)\b/i;

/** MikroORM's migration runner starts with a session-level `set names` (client_encoding, UTF8 already). */
const SET_NAMES = /^\s*set\s+names\s+'utf-?8'\s*;?\s*$/i;

export interface BatchStatement {
  sql: string;
  params?: unknown[];
}

/** A pooled client of cabinetClient: what read-pool.ts calls `batch` on, and the save path `transaction`. */
export interface BatchingClient {
  batch(statements: readonly BatchStatement[]): Promise<PromiseSettledResult<pg.QueryResult>[]>;
  transaction(statements: readonly BatchStatement[]): Promise<PromiseSettledResult<pg.QueryResult>[]>;
}

type Callback = (error: Error | null, result?: unknown) => void;
interface QueryConfig {
  text?: string;
  name?: string;
  submit?: unknown;
}

/**
 * Marks the failure of a transaction's BEGIN that got no answer: nothing of the transaction ran. An own
 * property, since MikroORM's DriverException copies its driver error's own properties, not the error.
 */
const NOTHING_RAN = 'cabinetNothingRan';
const nothingRan = (reason: unknown): unknown => {
  if (reason && typeof reason === 'object') Object.assign(reason, { [NOTHING_RAN]: true });
  return reason;
};

/** Whether `error` (or a cause of it) is a transaction's BEGIN failing: none of its statements ran. */
export function beganNothing(error: unknown): boolean {
  const seen = new Set<unknown>();
  for (let e = error; e && typeof e === 'object' && !seen.has(e); e = (e as { cause?: unknown }).cause) {
    seen.add(e);
    if ((e as Record<string, unknown>)[NOTHING_RAN] === true) return true;
  }
  return false;
}

/** What a BEGIN, COMMIT or ROLLBACK that never had to reach the server answers (pg's Result shape). */
const answered = (command: string) => ({ command, rowCount: null, oid: null, rows: [], fields: [] });
const ENDS = /^\s*(commit|rollback|end|abort)\b[^;]*;?\s*$/i;
const ROLLBACK = /^\s*(rollback|abort)\b[^;]*;?\s*$/i;

/**
 * The node-postgres client every cabinet pool uses (the ORM's and the light read pool). Each statement runs in
 * a transaction that starts with the settings of session-settings.ts as `SET LOCAL`: a statement outside a
 * transaction is wrapped in BEGIN … COMMIT, and a BEGIN (the ORM's, ours) is followed by the settings. So
 * every statement sees the same DateStyle, TimeZone, search_path and statement timeout, through a direct
 * connection, PgBouncer in session or in transaction mode alike, and nothing is left on the connection.
 *
 * Round trips are what a far database charges for, so none is spent on the wrapping: a standalone statement
 * goes out as `BEGIN; SET LOCAL …`, the statement (with its parameters) and `COMMIT`, written together
 * (pg's pipeline mode) and answered together: one round trip, as the statement alone would take. A BEGIN
 * is held back and sent with the statement that follows it, so a transaction's first statement costs one
 * round trip too. Errors stay where they were: a failed statement leaves the transaction aborted, so the
 * pipelined COMMIT rolls back.
 *
 * Streams (COPY, cursors) are passed through: their callers always hold a transaction (sql-client.ts).
 */
export function cabinetClient(statementTimeoutMs: number): typeof pg.Client {
  const settings = settingsSql(statementTimeoutMs);
  const Base = pg.Client as unknown as new (config?: unknown) => {
    query(...args: unknown[]): unknown;
    getTransactionStatus(): string | null;
    pipeline: boolean;
    connection: { stream: { cork?(): void; uncork?(): void } };
  };
  class CabinetClient extends Base {
    /** What this client was made with: a read whose connection was dead is sent again on a new client of the same. */
    readonly #config: unknown;
    /** Calls run one after another, so each sees the transaction state its predecessor left. */
    #queue: Promise<unknown> = Promise.resolve();
    /** A BEGIN not sent yet: it goes out with the next statement. */
    #begin: string | undefined;

    constructor(config?: unknown) {
      super(config);
      this.#config = config;
    }

    override query(...args: unknown[]): unknown {
      const first = args[0] as QueryConfig | string | undefined;
      if (first && typeof first === 'object' && typeof first.submit === 'function') {
        // A stream inside a transaction whose BEGIN is still held: pg queues the BEGIN ahead of it.
        if (this.#begin !== undefined) void Promise.resolve(super.query(this.#takeBegin())).catch(() => {});
        return super.query(...args);
      }
      const callback = typeof args.at(-1) === 'function' ? (args.pop() as Callback) : undefined;
      const run = this.#queue.then(() => this.#run(args));
      this.#queue = run.catch(() => {});
      if (!callback) return run;
      run.then(
        (result) => callback(null, result),
        (error: Error) => callback(error),
      );
      return undefined;
    }

    /**
     * Runs each statement in a transaction of its own, all written at once: one round trip for the lot, and
     * one statement's error does not touch the others. For what a screen needs before it can show anything.
     */
    batch(statements: readonly BatchStatement[]): Promise<PromiseSettledResult<pg.QueryResult>[]> {
      const run = this.#queue.then(async () => {
        if (this.#begin !== undefined || super.getTransactionStatus() !== 'I') throw new Error('a batch runs outside a transaction');
        const calls = statements.flatMap((st) => [[`begin; ${settings}`], [st.sql, st.params ?? []], ['commit']]);
        const results = await this.#pipelined(calls);
        return statements.map((_, i) => {
          const [begin, result] = [results[3 * i]!, results[3 * i + 1]!];
          return (begin.status === 'rejected' ? begin : result) as PromiseSettledResult<pg.QueryResult>;
        });
      });
      this.#queue = run.catch(() => {});
      return run;
    }

    /**
     * Runs the statements in one transaction, BEGIN … COMMIT written at once: one round trip for the lot.
     * Each statement still takes its own snapshot (READ COMMITTED), so one that follows a row lock sees
     * what the lock's previous holder committed. A failed statement aborts the transaction (the ones after
     * it fail with 25P02 and the COMMIT rolls back); the answers say which. A failed BEGIN (nothing ran) throws.
     */
    transaction(statements: readonly BatchStatement[]): Promise<PromiseSettledResult<pg.QueryResult>[]> {
      const run = this.#queue.then(async () => {
        if (this.#begin !== undefined || super.getTransactionStatus() !== 'I') throw new Error('a transaction runs outside a transaction');
        const results = await this.#pipelined([[`begin; ${settings}`], ...statements.map((st) => [st.sql, st.params ?? []]), ['commit']]);
        if (super.getTransactionStatus() !== 'I') await Promise.resolve(super.query('rollback')).catch(() => {});
        // The BEGIN failed: nothing of the lot ran, which the caller is told by a throw (a dead connection may be retried).
        if (results[0]!.status === 'rejected') throw nothingRan(results[0]!.reason);
        const commit = results.at(-1)!;
        const answers = results.slice(1, -1) as PromiseSettledResult<pg.QueryResult>[];
        // A COMMIT that failed (a deferred check) fails the lot.
        return commit.status === 'rejected' ? answers.map((a) => (a.status === 'rejected' ? a : (commit as PromiseRejectedResult))) : answers;
      });
      this.#queue = run.catch(() => {});
      return run;
    }

    /** 'T' while a BEGIN is held back: the transaction is open as far as the caller is concerned. */
    override getTransactionStatus(): string | null {
      return this.#begin !== undefined ? 'T' : super.getTransactionStatus();
    }

    async #run(args: unknown[]): Promise<unknown> {
      const first = args[0] as QueryConfig | string | undefined;
      const text = typeof first === 'string' ? first : first?.text;
      if (typeof text !== 'string') return super.query(...args);
      if (SET_NAMES.test(text)) return this.#run([`set local client_encoding = 'UTF8'`]);
      if (SESSION_STATE.test(text) || (typeof first === 'object' && first.name)) {
        throw new Error(`cabinet keeps no session state on a (possibly pooled) connection: ${text.split('\n')[0]}`);
      }
      if (this.#begin !== undefined) {
        // An empty transaction never reaches the server.
        if (ENDS.test(text)) {
          this.#begin = undefined;
          return answered(/^\s*(rollback|abort)/i.test(text) ? 'ROLLBACK' : 'COMMIT');
        }
        const [begin, result] = await this.#pipelined([[this.#takeBegin()], args]);
        if (begin!.status === 'rejected') throw nothingRan(begin!.reason);
        return settled(result!);
      }
      // A transaction whose connection is gone was ended with it by the server: its ROLLBACK succeeds. Said here,
      // since Kysely hands a transaction's connection back to the pool only once its ROLLBACK succeeded:
      // failing, it kept the dead connection checked out for good (and the pool's end waited for it).
      if (ROLLBACK.test(text)) {
        if (this.#lost()) return answered('ROLLBACK');
        try {
          return await super.query(...args);
        } catch (error) {
          if (this.#lost()) return answered('ROLLBACK');
          throw error;
        }
      }
      const status = super.getTransactionStatus();
      if ((status !== 'I' && status !== null) || AS_IS.test(text)) return super.query(...args);
      if (BEGIN.test(text)) {
        this.#begin = text.replace(/;?\s*$/, '');
        return answered('BEGIN');
      }
      const [begin, result] = await this.#pipelined([[`begin; ${settings}`], args, ['commit']]);
      if (begin!.status === 'rejected') {
        // The connection was dead before the statement ran (the server restarted or ended it, and this process had
        // not read its goodbye yet): a read is asked once more on a connection opened now, so a database that
        // answers is not reported lost. Writes are not: their callers decide (againIfNothingRan, onceMoreIfLost).
        if (READ.test(text) && !WRITES.test(text) && isLostConnection(begin!.reason)) return this.#onNewConnection(args);
        throw begin!.reason;
      }
      if (result!.status === 'rejected' && super.getTransactionStatus() !== 'I') {
        await Promise.resolve(super.query('rollback')).catch(() => {});
      }
      return settled(result!);
    }

    /** `args` on a connection of this client's kind opened for it, then closed. */
    async #onNewConnection(args: unknown[]): Promise<unknown> {
      const client = await openedClient(CabinetClient, this.#config);
      try {
        return await client.query(...args);
      } finally {
        await (client as unknown as { end(): Promise<void> }).end().catch(() => {});
      }
    }

    /** The connection is gone (pg knows it: the server closed it, or it failed). */
    #lost(): boolean {
      const state = this as unknown as { _queryable?: boolean; _ended?: boolean };
      return state._queryable === false || state._ended === true;
    }

    #takeBegin(): string {
      const begin = `${this.#begin}; ${settings}`;
      this.#begin = undefined;
      return begin;
    }

    /**
     * Writes several queries without waiting for each answer (pg's pipeline mode, for these only: every
     * other call waits its turn in #queue) and waits for all of them: one round trip. Each has its own Sync,
     * so an error in one does not swallow the answers to the others.
     */
    #pipelined(calls: unknown[][]): Promise<PromiseSettledResult<unknown>[]> {
      const stream = this.connection.stream;
      this.pipeline = true;
      stream.cork?.();
      let sent: Promise<unknown>[];
      try {
        sent = calls.map((args) => Promise.resolve(super.query(...args)));
      } finally {
        process.nextTick(() => stream.uncork?.());
      }
      return Promise.allSettled(sent).finally(() => {
        this.pipeline = false;
      });
    }
  }
  return CabinetClient as unknown as typeof pg.Client;
}

function settled(result: PromiseSettledResult<unknown>): unknown {
  if (result.status === 'rejected') throw result.reason;
  return result.value;
}
