import pg from 'pg';
import { settingsSql } from './session-settings.ts';

const BEGIN = /^\s*(begin|start\s+transaction)\b[^;]*;?\s*$/i;
/** Statements that end a transaction or cannot run inside one: sent as they are. */
const AS_IS = /^\s*(commit|rollback|end|abort|vacuum|create\s+database|drop\s+database|alter\s+system|(create|drop)\s+index\s+concurrently|reindex\b[^;]*\bconcurrently)\b/i;
/**
 * Session state a transaction pooler (PgBouncer) loses between transactions or leaves behind for the next
 * client of the server connection: cabinet never uses it, and this keeps it so.
 */
const SESSION_STATE = /^\s*(set\s+(?!local\b|transaction\b|constraints\b)|reset\b|listen\b|unlisten\b|prepare\b|declare\b[^;]*\bwith\s+hold\b)|\bpg_(try_)?advisory_lock(_shared)?\s*\(/i;

/** MikroORM's migration runner starts with a session-level `set names` (client_encoding, UTF8 already). */
const SET_NAMES = /^\s*set\s+names\s+'utf-?8'\s*;?\s*$/i;

type Callback = (error: Error | null, result?: unknown) => void;
interface QueryConfig {
  text?: string;
  name?: string;
  submit?: unknown;
}

/**
 * The node-postgres client every cabinet pool uses (the ORM's and the light read pool). Each statement runs in
 * a transaction that starts with the settings of session-settings.ts as `SET LOCAL`: a statement outside a
 * transaction is wrapped in BEGIN … COMMIT, and a BEGIN (the ORM's, ours) is followed by the settings. So
 * every statement sees the same DateStyle, TimeZone, search_path and statement timeout, through a direct
 * connection, PgBouncer in session or in transaction mode alike, and nothing is left on the connection.
 *
 * Streams (COPY, cursors) are passed through: their callers always hold a transaction (sql-client.ts).
 */
export function cabinetClient(statementTimeoutMs: number): typeof pg.Client {
  const settings = settingsSql(statementTimeoutMs);
  const Base = pg.Client as unknown as new (config?: unknown) => {
    query(...args: unknown[]): unknown;
    getTransactionStatus(): string | null;
  };
  class CabinetClient extends Base {
    /** Calls run one after another, so each sees the transaction state its predecessor left. */
    #queue: Promise<unknown> = Promise.resolve();

    override query(...args: unknown[]): unknown {
      const first = args[0] as QueryConfig | string | undefined;
      if (first && typeof first === 'object' && typeof first.submit === 'function') return super.query(...args);
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

    async #run(args: unknown[]): Promise<unknown> {
      const first = args[0] as QueryConfig | string | undefined;
      const text = typeof first === 'string' ? first : first?.text;
      if (typeof text !== 'string') return super.query(...args);
      if (SET_NAMES.test(text)) return this.#run([`set local client_encoding = 'UTF8'`]);
      if (SESSION_STATE.test(text) || (typeof first === 'object' && first.name)) {
        throw new Error(`cabinet keeps no session state on a (possibly pooled) connection: ${text.split('\n')[0]}`);
      }
      const status = this.getTransactionStatus();
      if ((status !== 'I' && status !== null) || AS_IS.test(text)) return super.query(...args);
      if (BEGIN.test(text)) {
        const result = await super.query(...args);
        await this.#settle(async () => {
          await super.query(settings);
        });
        return result;
      }
      await super.query(`begin; ${settings}`);
      return this.#settle(async () => {
        const result = await super.query(...args);
        await super.query('commit');
        return result;
      });
    }

    /** Runs `fn` in the open transaction; on failure rolls it back before passing the error on. */
    async #settle<T>(fn: () => Promise<T>): Promise<T> {
      try {
        return await fn();
      } catch (error) {
        if (this.getTransactionStatus() !== 'I') await Promise.resolve(super.query('rollback')).catch(() => {});
        throw error;
      }
    }
  }
  return CabinetClient as unknown as typeof pg.Client;
}
