import type { SqlQuery } from '../../db/sql-query.ts';
import { likeContains, likePrefix } from '../like.ts';

/**
 * The users filter, as SQL the indexes serve. Text matches anywhere in the e-mail address or user id,
 * case-insensitively (trigram GIN indexes); a leading `^`, as in fzf, matches the start instead, just as
 * case-insensitively (`lower(email) text_pattern_ops` and `lower(user_id) text_pattern_ops` b-trees).
 *
 * A trigram search costs what its commonest trigram costs: GIN reads the posting list of every trigram in
 * the pattern, and one found in nearly every address (`com`, `mai`, or `use` when every address starts
 * with "user") means decoding a million entries to find a handful of rows. So the pattern the index is
 * asked for is the longest run of the text whose trigrams are not common in the column, judged from the
 * sample PostgreSQL's ANALYZE keeps in pg_stats; the whole text is still what rows must contain (checked
 * on the rows the index finds). The answer is the same either way; only the work differs.
 */

export type UserFilter = { kind: 'contains'; text: string } | { kind: 'prefix'; text: string };

/** `^text` starts with, anything else contains; undefined when there is nothing to match. */
export function parseUserFilter(raw: string | undefined): UserFilter | undefined {
  const text = raw?.trim() ?? '';
  if (text.startsWith('^')) {
    const rest = text.slice(1).trim();
    return rest === '' ? undefined : { kind: 'prefix', text: rest };
  }
  return text === '' ? undefined : { kind: 'contains', text };
}

/** A trigram in at least this share of sampled values is too common to look up. */
const COMMON_SHARE = 0.2;
/** Fewer sampled values than this say nothing useful. */
const MIN_SAMPLE = 20;
const SAMPLE_TTL_MS = 10 * 60_000;

export interface ColumnSamples {
  email: string[];
  user_id: string[];
}

/**
 * The part of `text` to look up in a trigram index: the longest run of characters whose trigrams are all
 * uncommon in `sample`, or undefined to look up the whole text (nothing common in it, too short to gain,
 * or every trigram common: then matches are many and the newest are found quickly in `last_seen` order).
 */
export function selectiveWindow(text: string, sample: readonly string[]): string | undefined {
  const chars = Array.from(text.toLowerCase());
  if (sample.length < MIN_SAMPLE || chars.length < 4) return undefined;
  const common = Array.from({ length: chars.length - 2 }, (_, i) => {
    const gram = chars.slice(i, i + 3).join('');
    let n = 0;
    for (const value of sample) if (value.includes(gram)) n++;
    return n / sample.length >= COMMON_SHARE;
  });
  if (!common.includes(true)) return undefined;
  let best: [number, number] | undefined;
  for (let i = 0, start = -1; i < common.length; i++) {
    if (common[i]) {
      start = -1;
      continue;
    }
    if (start < 0) start = i;
    if (!best || i - start > best[1] - best[0]) best = [start, i];
  }
  return best ? Array.from(text).slice(best[0], best[1] + 3).join('') : undefined;
}

const samples = new WeakMap<SqlQuery, { at: number; value: Promise<ColumnSamples> }>();

/** ANALYZE's sample of `users.email` and `users.user_id` (lowercased), cached for ten minutes per pool. */
export function columnSamples(query: SqlQuery): Promise<ColumnSamples> {
  const cached = samples.get(query);
  if (cached && Date.now() - cached.at < SAMPLE_TTL_MS) return cached.value;
  const value = query<{ attname: string; vals: string[] | null }>(
    `select attname, coalesce(most_common_vals::text::text[], '{}') || coalesce(histogram_bounds::text::text[], '{}') as vals
       from pg_stats where schemaname = current_schema() and tablename = 'users' and attname in ('email', 'user_id')`,
  ).then(
    (rows) => {
      const of = (name: string) => (rows.find((r) => r.attname === name)?.vals ?? []).map((v) => v.toLowerCase());
      return { email: of('email'), user_id: of('user_id') };
    },
    // Statistics are an optimisation: without them every search looks up its whole text.
    () => ({ email: [], user_id: [] }),
  );
  samples.set(query, { at: Date.now(), value });
  return value;
}

/**
 * The WHERE condition for `filter`, its values pushed onto `params`. Values are data, never SQL. For a
 * contains-search whose text has common trigrams, `(column || '')` hides the full pattern from the index
 * (it is the same text) so only the selective window is looked up.
 */
export async function userFilterSql(query: SqlQuery, filter: UserFilter, params: unknown[]): Promise<string> {
  const param = (value: unknown) => `$${params.push(value)}`;
  if (filter.kind === 'prefix') {
    // The planner folds lower() of a value into a constant pattern, which the text_pattern_ops index answers.
    // Both columns any case, as "contains" is: `^abc` finds the id ABC-1 as `^anna` finds Anna@….
    const pattern = param(likePrefix(filter.text));
    return `(lower(email) like lower(${pattern}) or lower(user_id) like lower(${pattern}))`;
  }
  const full = likeContains(filter.text);
  const stats = await columnSamples(query);
  const condition = (column: 'email' | 'user_id') => {
    const window = selectiveWindow(filter.text, stats[column]);
    if (window === undefined) return `${column} ilike ${param(full)}`;
    return `(${column} ilike ${param(likeContains(window))} and (${column} || '') ilike ${param(full)})`;
  };
  return `(${condition('email')} or ${condition('user_id')})`;
}
