import type { EntityManager } from '@mikro-orm/postgresql';
import { UserSchema, type User } from '../db/entities/index.ts';
import { toDatabaseError } from '../db/db-errors.ts';
import type { ListOptions, Page, UserRecord, UserService, UserSortKey } from './types.ts';

function toRecord(user: User): UserRecord {
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
    try {
      const rows = await em.find(
        UserSchema,
        filter ? { $or: [{ email: { $ilike: `%${escapeLike(filter)}%` } }, { userId: { $ilike: `%${escapeLike(filter)}%` } }] } : {},
        { orderBy: { [key]: descending ? 'desc' : 'asc', userId: 'asc' }, limit: limit + 1, offset: options.offset ?? 0 },
      );
      return { rows: rows.slice(0, limit).map(toRecord), hasMore: rows.length > limit };
    } catch (error) {
      throw toDatabaseError(error);
    }
  }

  async get(userId: string): Promise<UserRecord | null> {
    try {
      const user = await this.#em.fork().findOne(UserSchema, { userId });
      return user ? toRecord(user) : null;
    } catch (error) {
      throw toDatabaseError(error);
    }
  }
}

function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}
