import type { ConnectionTarget } from './connection.ts';
import { describeTarget } from './connection.ts';
import { writeDebugLog } from '../lib/debug-log.ts';
import { openTarget, type OpenTargetOptions } from './open-target.ts';
import { initORM, probe, type CabinetORM, type ServerInfo } from './orm.ts';
import type { GuardDecision } from './tailnet-guard.ts';

/** An open connection to the master database, with what the header and `doctor` need to know about it. */
export interface DbSession {
  orm: CabinetORM;
  target: ConnectionTarget;
  guard: GuardDecision;
  info: ServerInfo;
  /** "embedded PostgreSQL (...)" or "user@host:port/db": never the password. */
  label: string;
  close(): Promise<void>;
}

export interface OpenSessionOptions extends OpenTargetOptions {
  statementTimeoutMs?: number;
  debug?: boolean;
}

export async function openSession(options: OpenSessionOptions = {}): Promise<DbSession> {
  const { target, guard } = await openTarget(options);
  const orm = await initORM(target, {
    ...(options.statementTimeoutMs === undefined ? {} : { statementTimeoutMs: options.statementTimeoutMs }),
    ...(options.debug ? { debug: true, logger: writeDebugLog } : {}),
  });
  try {
    const info = await probe(orm, target);
    return { orm, target, guard, info, label: describeTarget(target), close: () => orm.close(true) };
  } catch (error) {
    await orm.close(true).catch(() => {});
    throw error;
  }
}
