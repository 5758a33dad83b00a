import { CabinetError } from '../lib/errors.ts';
import { toDatabaseError } from '../db/db-errors.ts';

interface PgLike {
  code?: string;
  constraint?: string;
  cause?: unknown;
}

/** The SQLSTATE and constraint name of a driver error, looking through MikroORM's wrapping. */
export function pgErrorOf(error: unknown): { code?: string; constraint?: string } {
  let current: unknown = error;
  for (let i = 0; i < 5 && current && typeof current === 'object'; i++) {
    const e = current as PgLike;
    if (e.code && /^[0-9A-Z]{5}$/.test(e.code)) return { code: e.code, ...(e.constraint ? { constraint: e.constraint } : {}) };
    current = e.cause;
  }
  return {};
}

/** Turns a failed write into a one-line message; `messages` names known constraints in people's words. */
export function toWriteError(error: unknown, messages: Record<string, string>): CabinetError {
  if (error instanceof CabinetError) return error;
  const { code, constraint } = pgErrorOf(error);
  if (code === '23505' && constraint && messages[constraint]) return new CabinetError(messages[constraint]!, { code: 'conflict', cause: error });
  if (code === '23514' && constraint && messages[constraint]) return new CabinetError(messages[constraint]!, { code: 'validation', cause: error });
  if (code === '25006') return new CabinetError('the database is read-only for this session', { code: 'read-only', cause: error });
  return toDatabaseError(error);
}
