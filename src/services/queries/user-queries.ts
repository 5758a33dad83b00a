import { recordFromRow } from '../../schema/record-mapper.ts';
import { USER_SCHEMA, USER_SORT_FIELDS } from '../../schema/user-schema.ts';
import type { SqlQuery } from '../../db/sql-query.ts';
import { CabinetError } from '../../lib/errors.ts';
import { parseUserFilter, userFilterSql } from './user-search.ts';
import type { ListOptions, Page, UserRecord, UserSortKey } from '../types.ts';
import { checkEncodable } from '../../schema/field-rules.ts';

/** The read side of users, in SQL, shared by the ORM-backed service and the light read path. */

/** The column of each sort key, from the table's sortable fields. */
const SORT_COLUMN = Object.fromEntries(USER_SORT_FIELDS.map((f) => [f.name, f.column])) as Record<UserSortKey, string>;
/** The list's order when none is asked for: the table's first sort (last seen). */
const FIRST_ORDER = USER_SORT_FIELDS[0]!;
const SORT_FIELD_BY_COLUMN = new Map<string, UserSortKey>(USER_SORT_FIELDS.map((f) => [f.column, f.name]));

type Row = Record<string, unknown>;

function recordOf(r: Row): UserRecord {
  return recordFromRow<UserRecord>(USER_SCHEMA, r);
}

/** Every column, for SQL. */
const USER_COLUMNS_SQL = USER_SCHEMA.map((f) => f.column).join(', ');

/** An opaque page cursor: the sort column, its value in the last row, and that row's user id. */
function encodeCursor(key: string, last: UserRecord): string {
  const v = last[SORT_FIELD_BY_COLUMN.get(key)!];
  const value = v instanceof Date ? v.toISOString() : String(v);
  return Buffer.from(JSON.stringify([key, value, last.userId])).toString('base64url');
}

function decodeCursor(cursor: string, key: string): [string, string] {
  try {
    const [k, value, id] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as [string, string, string];
    if (k === key && typeof value === 'string' && typeof id === 'string') return [value, id];
  } catch {
    /* fall through */
  }
  throw new CabinetError('invalid page cursor (it belongs to another listing)', { code: 'usage', exitCode: 2 });
}

/**
 * One page of users, in a stable order (sort key, then user id, both the same direction) so that keyset
 * paging by `(key, user_id)` can use the `(last_seen, user_id)` index. The filter (user-search.ts) is a
 * case-insensitive "contains" on email and user id, or "starts with" after a `^`, served by indexes.
 */
export async function listUsers(query: SqlQuery, options: ListOptions<UserSortKey> = {}): Promise<Page<UserRecord>> {
  const limit = Math.max(1, Math.min(options.limit ?? 200, 5000));
  const key = SORT_COLUMN[options.sort ?? FIRST_ORDER.name];
  // Left unsaid, the first order runs in its natural direction (newest first) and any other ascending.
  const descending = options.descending ?? (key === FIRST_ORDER.column && (FIRST_ORDER.sort.descending ?? false));
  const filter = parseUserFilter(options.filter);
  if (filter && checkEncodable(filter.text)) return { rows: [], hasMore: false };
  const where: string[] = [];
  const params: unknown[] = [];
  if (filter) where.push(await userFilterSql(query, filter, params));
  const cursor = options.after === undefined ? undefined : decodeCursor(options.after, key);
  if (cursor) {
    params.push(cursor[0], cursor[1]);
    where.push(`(${key}, user_id) ${descending ? '<' : '>'} ($${params.length - 1}, $${params.length})`);
  }
  const dir = descending ? 'desc' : 'asc';
  const offset = cursor ? 0 : Math.max(0, options.offset ?? 0);
  const rows = await query<Row>(
    `select ${USER_COLUMNS_SQL}
       from users ${where.length ? `where ${where.join(' and ')}` : ''}
      order by ${key} ${dir}, user_id ${dir}
      limit ${limit + 1} offset ${offset}`,
    params,
    options.signal,
  );
  const page = rows.slice(0, limit).map(recordOf);
  const result: Page<UserRecord> = { rows: page, hasMore: rows.length > limit, cursorOf: (row) => encodeCursor(key, row) };
  const last = page.at(-1);
  if (result.hasMore && last) result.nextCursor = encodeCursor(key, last);
  return result;
}

export async function getUser(query: SqlQuery, userId: string): Promise<UserRecord | null> {
  if (checkEncodable(userId)) return null;
  const [row] = await query<Row>(`select ${USER_COLUMNS_SQL} from users where user_id = $1`, [userId]);
  return row ? recordOf(row) : null;
}
