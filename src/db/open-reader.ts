import { describeTarget, type ConnectionTarget } from './connection.ts';
import { openTarget, type OpenTargetOptions } from './open-target.ts';
import { openReadPool, type ReadPool } from './read-pool.ts';
import type { TransactionRunner } from './sql-client.ts';
import type { SqlQuery } from './sql-query.ts';
import type { GuardDecision } from './tailnet-guard.ts';

/** A read-only way into the database without MikroORM: for listings, `show`, `migrate status`. */
export interface DbReader {
  target: ConnectionTarget;
  guard: GuardDecision;
  label: string;
  query: SqlQuery;
  transaction: TransactionRunner;
  /** Starts queries a screen will ask for, all in one round trip (ReadPool.prefetch). */
  prefetch: ReadPool['prefetch'];
  warm: ReadPool['warm'];
  socketOpen: ReadPool['socketOpen'];
  close(): Promise<void>;
}

/** Resolves and guards the target exactly as a full session does, then opens a light node-postgres pool. */
export async function openReader(options: OpenTargetOptions & { statementTimeoutMs?: number; maxConnections?: number } = {}): Promise<DbReader> {
  const { target, guard } = await openTarget(options);
  const pool = await openReadPool(target, options.statementTimeoutMs, options.maxConnections);
  return { target, guard, label: describeTarget(target), query: pool.query, transaction: pool.transaction, prefetch: pool.prefetch, warm: pool.warm, socketOpen: pool.socketOpen, close: pool.close };
}
