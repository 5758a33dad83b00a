import { useCallback, useEffect, useRef, useState } from 'react';
import type { ListOptions, Page } from '../../services/types.ts';

export interface ListQuery<K extends string> {
  filter: string;
  sort: K;
  descending: boolean;
}

export interface ListResult<T> {
  rows: T[] | null;
  total: number | undefined;
  hasMore: boolean;
  loading: boolean;
  error: string | null;
  loadMore(): void;
  reload(): void;
}

export const FILTER_DEBOUNCE_MS = 150;

/**
 * Fetches a list page whenever the query changes. Typing in the filter is debounced; every request gets
 * a sequence number and an AbortSignal, and an answer that is not the latest request's is dropped, so
 * a slow early query can never overwrite a later one. Reloads when the screen comes back to the top.
 */
export function useListQuery<T, K extends string>(
  fetch: (options: ListOptions<K>) => Promise<Page<T>>,
  query: ListQuery<K>,
  options: { active: boolean; pageSize?: number },
): ListResult<T> {
  const pageSize = options.pageSize ?? 500;
  const [state, setState] = useState<{ rows: T[] | null; total: number | undefined; hasMore: boolean; loading: boolean; error: string | null }>({
    rows: null,
    total: undefined,
    hasMore: false,
    loading: true,
    error: null,
  });
  const seq = useRef(0);
  const controller = useRef<AbortController | null>(null);
  const [reloadToken, setReloadToken] = useState(0);
  const lastFilter = useRef(query.filter);
  const wasActive = useRef(options.active);

  const run = useCallback(
    (offset: number, previous: T[]) => {
      controller.current?.abort();
      const mine = ++seq.current;
      const ac = new AbortController();
      controller.current = ac;
      setState((s) => ({ ...s, loading: true }));
      fetch({ filter: query.filter, sort: query.sort, descending: query.descending, limit: pageSize, offset, signal: ac.signal }).then(
        (page) => {
          if (mine !== seq.current) return;
          setState({ rows: [...previous, ...page.rows], total: page.total, hasMore: page.hasMore, loading: false, error: null });
        },
        (error: unknown) => {
          if (mine !== seq.current || ac.signal.aborted) return;
          setState((s) => ({ ...s, loading: false, error: error instanceof Error ? error.message : String(error) }));
        },
      );
    },
    [fetch, query.filter, query.sort, query.descending, pageSize],
  );

  useEffect(() => {
    const typed = lastFilter.current !== query.filter;
    lastFilter.current = query.filter;
    if (!typed) {
      run(0, []);
      return;
    }
    const timer = setTimeout(() => run(0, []), FILTER_DEBOUNCE_MS);
    return () => clearTimeout(timer);
  }, [run, reloadToken]);

  // Coming back to the top of the stack (after an edit or a delete): show what the database has now.
  useEffect(() => {
    if (options.active && !wasActive.current) setReloadToken((t) => t + 1);
    wasActive.current = options.active;
  }, [options.active]);

  useEffect(() => () => controller.current?.abort(), []);

  const loadMore = useCallback(() => {
    if (state.loading || !state.hasMore || !state.rows) return;
    run(state.rows.length, state.rows);
  }, [run, state.loading, state.hasMore, state.rows]);

  return { ...state, loadMore, reload: useCallback(() => setReloadToken((t) => t + 1), []) };
}
