import { LockMode, OptimisticLockError } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { UserSchema, type User } from '../db/entities/index.ts';
import { toDatabaseError } from '../db/db-errors.ts';
import { CabinetError } from '../lib/errors.ts';
import { sanitizeLine } from '../lib/sanitize.ts';
import { assertWritable, type WriteGate } from './access.ts';
import { GoneError, StaleEditError } from './edit-errors.ts';
import type { ListOptions, Page, UserChange, UserRecord, UserService, UserSortKey, WriteOptions } from './types.ts';
import { likeContains } from './like.ts';
import { checkEncodable } from './validation/fields.ts';
import { validateUser, validateUserPatch, type UserFields, type UserInput } from './validation/user-input.ts';
import { resolvedContext, validateExpectedVersion, type WriteContext } from './write-context.ts';
import { toWriteError } from './write-errors.ts';

export function userToRecord(user: User): UserRecord {
  return {
    userId: user.userId,
    email: user.email,
    firstSeen: new Date(user.firstSeen),
    lastSeen: new Date(user.lastSeen),
    version: user.version,
    updatedAt: new Date(user.updatedAt),
  };
}

const SORT_COLUMN: Record<UserSortKey, 'user_id' | 'email' | 'first_seen' | 'last_seen'> = {
  lastSeen: 'last_seen',
  firstSeen: 'first_seen',
  email: 'email',
  userId: 'user_id',
};

function rowToRecord(r: Record<string, unknown>): UserRecord {
  return {
    userId: String(r.user_id),
    email: String(r.email),
    firstSeen: new Date(r.first_seen as string),
    lastSeen: new Date(r.last_seen as string),
    version: Number(r.version),
    updatedAt: new Date(r.updated_at as string),
  };
}

/** An opaque page cursor: the sort column, its value in the last row, and that row's user id. */
function encodeCursor(key: string, last: UserRecord): string {
  const value = key === 'last_seen' ? last.lastSeen.toISOString() : key === 'first_seen' ? last.firstSeen.toISOString() : key === 'email' ? last.email : last.userId;
  return Buffer.from(JSON.stringify([key, value, last.userId])).toString('base64url');
}

function decodeCursor(cursor: string): [string, string] {
  try {
    const [, value, id] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as [string, string, string];
    if (typeof value === 'string' && typeof id === 'string') return [value, id];
  } catch {
    /* fall through */
  }
  throw new CabinetError('invalid page cursor', { code: 'usage', exitCode: 2 });
}

const EDITABLE = ['email', 'firstSeen', 'lastSeen'] as const;

function same(a: UserFields[keyof UserFields] | undefined, b: UserFields[keyof UserFields]): boolean {
  return a instanceof Date && b instanceof Date ? a.getTime() === b.getTime() : a === b;
}

/**
 * Users over MikroORM. The table grows without bound: lists are always limited. Writes refuse stale edits
 * like sites do (`expectedVersion`, `force`; StaleEditError / GoneError), without a history table.
 */
export class OrmUserService implements UserService {
  readonly #em: EntityManager;
  readonly #gate: WriteGate;

  constructor(em: EntityManager, context: WriteContext = {}) {
    this.#em = em;
    this.#gate = resolvedContext(context).gate;
  }

  /**
   * One page of users, in a stable order (sort key, then user id, both the same direction) so that keyset
   * paging by `(key, user_id)` can use the `(last_seen, user_id)` index. The filter is a case-insensitive
   * "contains" on email and user id, served by the trigram indexes; it is data, never SQL.
   */
  async list(options: ListOptions<UserSortKey> = {}): Promise<Page<UserRecord>> {
    const em = this.#em.fork();
    const limit = Math.max(1, Math.min(options.limit ?? 200, 5000));
    const key = SORT_COLUMN[options.sort ?? 'lastSeen'];
    const descending = options.descending ?? key === 'last_seen';
    const filter = options.filter?.trim();
    // Text with a NUL byte or a lone surrogate cannot be stored, so it matches nothing (and never reaches the server).
    if (filter && checkEncodable(filter)) return { rows: [], hasMore: false };
    const where: string[] = [];
    const params: unknown[] = [];
    if (filter) {
      const pattern = likeContains(filter);
      where.push('(email ilike ? or user_id ilike ?)');
      params.push(pattern, pattern);
    }
    const cursor = options.after === undefined ? undefined : decodeCursor(options.after);
    if (cursor) {
      where.push(`(${key}, user_id) ${descending ? '<' : '>'} (?, ?)`);
      params.push(cursor[0], cursor[1]);
    }
    const dir = descending ? 'desc' : 'asc';
    const offset = cursor ? 0 : Math.max(0, options.offset ?? 0);
    try {
      const rows = await em.getConnection().execute<Record<string, unknown>[]>(
        `select user_id, email, first_seen, last_seen, version, updated_at
           from users ${where.length ? `where ${where.join(' and ')}` : ''}
          order by ${key} ${dir}, user_id ${dir}
          limit ${limit + 1} offset ${offset}`,
        params,
        'all',
        undefined,
        options.signal ? ({ signal: options.signal, inflightQueryAbortStrategy: 'cancel query' } as never) : undefined,
      );
      const page = rows.slice(0, limit).map(rowToRecord);
      const last = page.at(-1);
      const result: Page<UserRecord> = { rows: page, hasMore: rows.length > limit };
      if (result.hasMore && last) result.nextCursor = encodeCursor(key, last);
      return result;
    } catch (error) {
      if (options.signal?.aborted) throw new CabinetError('the search was superseded', { code: 'aborted', cause: error });
      throw toDatabaseError(error);
    }
  }

  async get(userId: string): Promise<UserRecord | null> {
    if (checkEncodable(userId)) return null;
    try {
      const user = await this.#em.fork().findOne(UserSchema, { userId });
      return user ? userToRecord(user) : null;
    } catch (error) {
      throw toDatabaseError(error);
    }
  }

  async create(input: UserInput): Promise<UserRecord> {
    assertWritable(this.#gate);
    const fields = validateUser(input);
    const em = this.#em.fork();
    try {
      const user = em.create(UserSchema, fields as never);
      await em.flush();
      await em.refresh(user);
      return userToRecord(user);
    } catch (error) {
      throw toWriteError(error, { users_pkey: `a user with id ${fields.userId} already exists` });
    }
  }

  async update(userId: string, patch: Partial<UserInput>, options: WriteOptions = {}): Promise<UserChange> {
    assertWritable(this.#gate);
    validateExpectedVersion(options.expectedVersion);
    const fields = validateUserPatch(patch);
    return this.#write(userId, options, async (em, user) => {
      const before = userToRecord(user);
      const changed = EDITABLE.filter((k) => fields[k] !== undefined && !same(fields[k], before[k]));
      if (changed.length === 0) return { before, after: before, changed };
      em.assign(user, Object.fromEntries(changed.map((k) => [k, fields[k]])) as never);
      await em.flush();
      await em.refresh(user);
      return { before, after: userToRecord(user), changed };
    });
  }

  async delete(userId: string, options: WriteOptions = {}): Promise<UserRecord> {
    assertWritable(this.#gate);
    validateExpectedVersion(options.expectedVersion);
    const change = await this.#write(userId, options, async (em, user) => {
      const before = userToRecord(user);
      const removed = await em.nativeDelete(UserSchema, { userId, version: before.version });
      if (removed === 0) throw OptimisticLockError.lockFailed(user);
      return { before, after: null, changed: [] };
    });
    return change.before!;
  }

  /** As for sites: the row is read FOR UPDATE, so the version check and the write see the same row. */
  async #write(userId: string, options: WriteOptions, fn: (em: EntityManager, user: User) => Promise<UserChange>): Promise<UserChange> {
    const notFound = () => new CabinetError(`no user with id ${sanitizeLine(userId)}`, { code: 'not-found' });
    if (checkEncodable(userId)) throw notFound();
    let readVersion: number | undefined;
    try {
      return await this.#em.fork().transactional(async (em) => {
        const user = await em.findOne(UserSchema, { userId }, { lockMode: LockMode.PESSIMISTIC_WRITE });
        if (!user) throw options.expectedVersion === undefined ? notFound() : new GoneError({ entity: 'user', id: userId });
        readVersion = user.version;
        if (options.expectedVersion !== undefined && !options.force && user.version !== options.expectedVersion) {
          throw stale(userId, options.expectedVersion, userToRecord(user));
        }
        return fn(em, user);
      });
    } catch (error) {
      if (!(error instanceof OptimisticLockError)) throw toWriteError(error, {});
      const now = await this.get(userId);
      throw now ? stale(userId, options.expectedVersion ?? readVersion!, now) : new GoneError({ entity: 'user', id: userId });
    }
  }
}

function stale(userId: string, expectedVersion: number, theirs: UserRecord): StaleEditError<UserRecord> {
  return new StaleEditError<UserRecord>(
    `user ${sanitizeLine(userId)} was changed at ${theirs.updatedAt.toISOString()} since your edit began (version ${expectedVersion}, now ${theirs.version}); nothing was saved`,
    { entity: 'user', id: userId, expectedVersion, theirs, base: null, changedUnderneath: null },
  );
}
