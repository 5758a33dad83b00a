import { LockMode, OptimisticLockError } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { UserSchema, type User } from '../db/entities/index.ts';
import { againIfNothingRan } from '../db/lost-connection.ts';
import type { SqlQuery } from '../db/sql-query.ts';
import { ormQuery } from './queries/orm-query.ts';
import { getUser, listUsers } from './queries/user-queries.ts';
import { CabinetError } from '../lib/errors.ts';
import { sanitizeLine } from '../lib/sanitize.ts';
import { assertWritable, type WriteGate } from './access.ts';
import { GoneError, StaleEditError } from './edit-errors.ts';
import { userGoneError, userStaleError } from './user-edit-errors.ts';
import type { CreateOptions, ListOptions, Page, UserChange, UserHistoryEntry, UserRecord, UserService, UserSortKey, WriteOptions } from './types.ts';
import { appendUserRevision, readUserSnapshot, userHistory, type TxExec } from './user-revisions.ts';
import { checkEncodable } from '../schema/field-rules.ts';
import { validateUser, validateUserPatch } from './validation/user-input.ts';
import type { UserFields, UserInput } from '../schema/user-schema.ts';
import { resolvedContext, validateActor, validateExpectedVersion, validateNote, type WriteContext } from './write-context.ts';
import { isLockWaitTimeout, lockedError, rowLockHolder, type LockHolder } from './row-lock.ts';
import { toWriteError } from './write-errors.ts';
import { recordFrom } from '../schema/record-mapper.ts';
import { EDITABLE_USER_FIELDS, USER_SCHEMA } from '../schema/user-schema.ts';
import { givenUserFields, saveUser } from './user-save.ts';

export function userToRecord(user: User): UserRecord {
  return recordFrom<UserRecord>(USER_SCHEMA, (f) => (user as unknown as Record<string, unknown>)[f.name]);
}


const EDITABLE = EDITABLE_USER_FIELDS;

function same(a: UserFields[keyof UserFields] | undefined, b: UserFields[keyof UserFields]): boolean {
  return a instanceof Date && b instanceof Date ? a.getTime() === b.getTime() : a === b;
}

/** SQL with `?` placeholders in the transaction of `em` (a transactional fork). */
function txExec(em: EntityManager): TxExec {
  return (sql, params = []) => em.getConnection().execute(sql, params, 'all', em.getTransactionContext());
}

/**
 * Users over MikroORM. The table grows without bound: lists are always limited. Writes refuse stale edits
 * like sites do (`expectedVersion`, `force`; StaleEditError / GoneError), and each one is recorded in
 * user_revisions in its own transaction (who and from where, old and new values, note).
 */
export class OrmUserService implements UserService {
  readonly #em: EntityManager;
  readonly #gate: WriteGate;
  readonly #actor: string;

  /** Reads run as plain SQL on the ORM's own pool (the same SQL the light read path runs). */
  readonly #query: SqlQuery;

  constructor(em: EntityManager, context: WriteContext = {}) {
    this.#em = em;
    const { actor, gate } = resolvedContext(context);
    this.#gate = gate;
    this.#actor = actor;
    this.#query = ormQuery(em);
  }

  async list(options: ListOptions<UserSortKey> = {}): Promise<Page<UserRecord>> {
    return listUsers(this.#query, options);
  }

  async get(userId: string): Promise<UserRecord | null> {
    return getUser(this.#query, userId);
  }

  async history(userId: string, options: { limit?: number; before?: number } = {}): Promise<UserHistoryEntry[]> {
    return userHistory(this.#query, userId, options);
  }

  async create(input: UserInput, options: CreateOptions = {}): Promise<UserRecord> {
    assertWritable(this.#gate);
    const fields = validateUser(input);
    const who = { actor: validateActor(options.actor, this.#actor), note: validateNote(options.note) };
    try {
      return await againIfNothingRan(() =>
        this.#em.fork().transactional(async (em) => {
          const user = em.create(UserSchema, fields as never);
          await em.flush();
          await em.refresh(user);
          const exec = txExec(em);
          await appendUserRevision(exec, { userId: fields.userId, action: 'create', before: null, after: await readUserSnapshot(exec, fields.userId), ...who });
          return userToRecord(user);
        }),
      );
    } catch (error) {
      throw toWriteError(error, { users_pkey: `a user with id ${fields.userId} already exists` });
    }
  }

  /** An edit: one round trip when it saves (user-save.ts); stale and gone are told from the row it locked. */
  async update(userId: string, patch: Partial<UserInput>, options: WriteOptions = {}): Promise<UserChange> {
    assertWritable(this.#gate);
    validateExpectedVersion(options.expectedVersion);
    const fields = validateUserPatch(patch);
    const who = { actor: validateActor(options.actor, this.#actor), note: validateNote(options.note) };
    const notFound = () => new CabinetError(`no user with id ${sanitizeLine(userId)}`, { code: 'not-found' });
    if (checkEncodable(userId)) throw notFound();
    const expectedVersion = options.force ? undefined : options.expectedVersion;
    const { before, after, rev } =
      givenUserFields(fields).length > 0
        ? await saveUser(this.#em, { userId, fields, expectedVersion, ...who })
        : { before: await this.get(userId), after: null, rev: null };
    if (!before) throw options.expectedVersion === undefined ? notFound() : await userGoneError(this.#query, userId);
    if (expectedVersion !== undefined && before.version !== expectedVersion) throw await userStaleError(this.#query, userId, expectedVersion, before);
    const changed = EDITABLE.filter((k) => fields[k] !== undefined && !same(fields[k], before[k]));
    if (changed.length === 0) return { before, after: before, changed };
    // The row matched the version and the fields differ, yet no row was updated: reported stale, never lost.
    if (!after || rev === null) {
      const now = await this.get(userId);
      throw now ? await userStaleError(this.#query, userId, expectedVersion ?? before.version, now) : await userGoneError(this.#query, userId);
    }
    return { before, after, changed, rev };
  }

  async delete(userId: string, options: WriteOptions = {}): Promise<UserRecord> {
    assertWritable(this.#gate);
    validateExpectedVersion(options.expectedVersion);
    const who = { actor: validateActor(options.actor, this.#actor), note: validateNote(options.note) };
    const change = await this.#write(userId, options, async (em, user) => {
      const before = userToRecord(user);
      const exec = txExec(em);
      const old = await readUserSnapshot(exec, userId);
      const removed = await em.nativeDelete(UserSchema, { userId, version: before.version });
      if (removed === 0) throw OptimisticLockError.lockFailed(user);
      const rev = await appendUserRevision(exec, { userId, action: 'delete', before: old, after: null, ...who });
      return { before, after: null, changed: [], rev };
    });
    return change.before!;
  }

  /** As for sites: the row is read FOR UPDATE, so the version check and the write see the same row. */
  async #write(userId: string, options: WriteOptions, fn: (em: EntityManager, user: User) => Promise<UserChange>): Promise<UserChange> {
    const notFound = () => new CabinetError(`no user with id ${sanitizeLine(userId)}`, { code: 'not-found' });
    if (checkEncodable(userId)) throw notFound();
    let readVersion: number | undefined;
    let holder: LockHolder | null = null;
    try {
      return await againIfNothingRan(() =>
        this.#em.fork().transactional(async (em) => {
          holder = await rowLockHolder(em, 'users', userId);
          const user = await em.findOne(UserSchema, { userId }, { lockMode: LockMode.PESSIMISTIC_WRITE });
          if (!user) throw options.expectedVersion === undefined ? notFound() : new GoneError({ entity: 'user', id: userId });
          readVersion = user.version;
          if (options.expectedVersion !== undefined && !options.force && user.version !== options.expectedVersion) {
            throw stale(userId, options.expectedVersion, userToRecord(user));
          }
          return fn(em, user);
        }),
      );
    } catch (error) {
      // Refused inside the transaction; explained (who, when, what moved) once it ended and freed its connection.
      if (error instanceof StaleEditError) throw await userStaleError(this.#query, userId, error.details.expectedVersion, error.details.theirs as UserRecord);
      if (error instanceof GoneError) throw await userGoneError(this.#query, userId);
      if (holder && isLockWaitTimeout(error)) throw lockedError('user', userId, holder, error);
      if (!(error instanceof OptimisticLockError)) throw toWriteError(error, {});
      const now = await this.get(userId);
      throw now ? await userStaleError(this.#query, userId, options.expectedVersion ?? readVersion!, now) : await userGoneError(this.#query, userId);
    }
  }
}

function stale(userId: string, expectedVersion: number, theirs: UserRecord): StaleEditError<UserRecord> {
  return new StaleEditError<UserRecord>(
    `user ${sanitizeLine(userId)} was changed at ${theirs.updatedAt.toISOString()} since your edit began (version ${expectedVersion}, now ${theirs.version}); nothing was saved`,
    { entity: 'user', id: userId, expectedVersion, theirs, base: null, changedUnderneath: null },
  );
}
