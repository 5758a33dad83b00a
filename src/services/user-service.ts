import type { EntityManager } from '@mikro-orm/postgresql';
import { UserSchema, type User } from '../db/entities/index.ts';
import { toDatabaseError } from '../db/db-errors.ts';
import { CabinetError } from '../lib/errors.ts';
import type { ListOptions, Page, UserChange, UserRecord, UserService, UserSortKey } from './types.ts';
import { likeContains } from './like.ts';
import { validateUser, validateUserPatch, type UserInput } from './validation/user-input.ts';
import { toWriteError } from './write-errors.ts';

export function userToRecord(user: User): UserRecord {
  return { userId: user.userId, email: user.email, firstSeen: new Date(user.firstSeen), lastSeen: new Date(user.lastSeen) };
}

const SORT: Record<UserSortKey, 'userId' | 'email' | 'firstSeen' | 'lastSeen'> = {
  lastSeen: 'lastSeen',
  firstSeen: 'firstSeen',
  email: 'email',
  userId: 'userId',
};

/** Users over MikroORM. The table grows without bound: lists are always limited. */
export class OrmUserService implements UserService {
  readonly #em: EntityManager;

  constructor(em: EntityManager) {
    this.#em = em;
  }

  async list(options: ListOptions<UserSortKey> = {}): Promise<Page<UserRecord>> {
    const em = this.#em.fork();
    const limit = Math.max(1, Math.min(options.limit ?? 200, 5000));
    const key = SORT[options.sort ?? 'lastSeen'];
    const descending = options.descending ?? key === 'lastSeen';
    const filter = options.filter?.trim();
    const pattern = filter ? likeContains(filter) : undefined;
    try {
      const rows = await em.find(UserSchema, pattern ? { $or: [{ email: { $ilike: pattern } }, { userId: { $ilike: pattern } }] } : {}, {
        orderBy: { [key]: descending ? 'desc' : 'asc', userId: 'asc' },
        limit: limit + 1,
        offset: options.offset ?? 0,
      });
      return { rows: rows.slice(0, limit).map(userToRecord), hasMore: rows.length > limit };
    } catch (error) {
      throw toDatabaseError(error);
    }
  }

  async get(userId: string): Promise<UserRecord | null> {
    try {
      const user = await this.#em.fork().findOne(UserSchema, { userId });
      return user ? userToRecord(user) : null;
    } catch (error) {
      throw toDatabaseError(error);
    }
  }

  async create(input: UserInput): Promise<UserRecord> {
    const record = validateUser(input);
    const em = this.#em.fork();
    try {
      const user = em.create(UserSchema, record);
      await em.flush();
      return userToRecord(user);
    } catch (error) {
      throw toWriteError(error, { users_pkey: `a user with id ${record.userId} already exists` });
    }
  }

  async update(userId: string, patch: Partial<UserInput>): Promise<UserChange> {
    const fields = validateUserPatch(patch);
    const em = this.#em.fork();
    try {
      const user = await em.findOne(UserSchema, { userId });
      if (!user) throw new CabinetError(`no user with id ${userId}`, { code: 'not-found' });
      const before = userToRecord(user);
      const changed = (['email', 'firstSeen', 'lastSeen'] as const).filter(
        (k) => fields[k] !== undefined && String(fields[k] instanceof Date ? (fields[k] as Date).getTime() : fields[k]) !== String(before[k] instanceof Date ? (before[k] as Date).getTime() : before[k]),
      );
      if (changed.length > 0) {
        em.assign(user, Object.fromEntries(changed.map((k) => [k, fields[k]])) as never);
        await em.flush();
      }
      return { before, after: userToRecord(user), changed };
    } catch (error) {
      throw toWriteError(error, {});
    }
  }

  async delete(userId: string): Promise<UserRecord> {
    const em = this.#em.fork();
    try {
      const user = await em.findOne(UserSchema, { userId });
      if (!user) throw new CabinetError(`no user with id ${userId}`, { code: 'not-found' });
      const before = userToRecord(user);
      em.remove(user);
      await em.flush();
      return before;
    } catch (error) {
      throw toWriteError(error, {});
    }
  }
}
