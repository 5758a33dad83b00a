import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { ListOptions, Page } from '../../services/types.ts';
import { useConnectionHealth } from '../connection/connection-health.tsx';
import { appendPage, patchWindow, prependPage, refreshStart, windowAt, windowView, type ListWindow, type PageStart } from './list-window.ts';

export interface ListQuery<K extends string> {
  filter: string;
  sort: K;
  descending: boolean;
}

export interface ListResult<T> {
  /** The rows held in memory (a window of the whole list); null before the first answer. */
  rows: T[] | null;
  /** Position of rows[0] in the whole list. */
  start: number;
  total: number | undefined;
  hasMore: boolean;
  /** Rows before the window were dropped from memory (they are fetched again on the way back up). */
  hasPrevious: boolean;
  loading: boolean;
  error: string | null;
  loadMore(): void;
  loadPrevious(): void;
  /** Fetches again from where the window begins (after an edit, Ctrl-R, the database coming back). */
  reload(): void;
  /** Starts again from the first page (Home/g deep in a long list). */
  restart(): void;
  /**
   * Fetches again just the `count` rows from position `from` (the rows on screen: issue #14) and puts them in
   * place. The rows held and their start afterwards; `busy` while another fetch runs (try again later).
   */
  refreshVisible(from: number, count: number, key: (row: T) => string): Promise<{ rows: T[]; start: number; changed: boolean } | 'busy'>;
}

export const FILTER_DEBOUNCE_MS = 150;
/** Pages held at once: with 200-row pages, at most 600 rows whatever the table's size. */
export const MAX_PAGES = 3;

type Fetch = { kind: 'reset'; index: number } | { kind: 'append' } | { kind: 'prepend' };

/**
 * Fetches list pages for a query. A new filter is debounced; every request gets a sequence number and an
 * AbortSignal, and an answer that is not the latest request's is dropped, so a slow early query can never
 * overwrite a later one. Pages come by the service's keyset cursor when it gives one (`nextCursor` →
 * `after`), else by offset, and only MAX_PAGES of them are kept (list-window.ts). Reloads when the screen
 * comes back to the top and when the database answers again after being unreachable.
 */
export function useListQuery<T, K extends string>(
  fetch: (options: ListOptions<K>) => Promise<Page<T>>,
  query: ListQuery<K>,
  options: { active: boolean; pageSize?: number; maxPages?: number; initial?: (options: ListOptions<K>) => Page<T> | undefined },
): ListResult<T> {
  const pageSize = options.pageSize ?? 500;
  const maxPages = options.maxPages ?? MAX_PAGES;
  // A first page the caller already holds (the console's, read as it opened) is the first state: the first
  // frame has the rows, and the first fetch is not made.
  const seeded = useRef(false);
  const [state, setState] = useState<{ window: ListWindow<T> | null; loading: boolean; error: string | null }>(() => {
    const page = options.initial?.({ filter: query.filter, sort: query.sort, descending: query.descending, limit: pageSize, offset: 0 });
    if (!page) return { window: null, loading: true, error: null };
    seeded.current = true;
    return { window: windowAt(null, 0, page, pageSize), loading: false, error: null };
  });
  const windowRef = useRef<ListWindow<T> | null>(null);
  windowRef.current = state.window;
  const loadingRef = useRef(state.loading);
  loadingRef.current = state.loading;
  const seq = useRef(0);
  const controller = useRef<AbortController | null>(null);
  const [reloadToken, setReloadToken] = useState(0);
  const lastFilter = useRef(query.filter);
  const lastQuery = useRef<ListQuery<K> | null>(null);
  const wasActive = useRef(options.active);

  const run = useCallback(
    (what: Fetch) => {
      controller.current?.abort();
      const mine = ++seq.current;
      const ac = new AbortController();
      controller.current = ac;
      const current = windowRef.current;
      let index: number;
      if (what.kind === 'reset') index = what.index;
      else if (what.kind === 'append') index = (current?.pages.at(-1)?.index ?? -1) + 1;
      else index = (current?.pages[0]?.index ?? 1) - 1;
      const from: PageStart = current?.starts[index] ?? { offset: index * pageSize };
      setState((s) => ({ ...s, loading: true }));
      fetch({
        filter: query.filter,
        sort: query.sort,
        descending: query.descending,
        limit: pageSize,
        ...(from.after !== undefined ? { after: from.after } : { offset: from.offset }),
        signal: ac.signal,
      }).then(
        (page) => {
          if (mine !== seq.current) return;
          const base = windowRef.current;
          const next =
            what.kind === 'append' && base
              ? appendPage(base, page, pageSize, maxPages)
              : what.kind === 'prepend' && base
                ? prependPage(base, page, maxPages)
                : windowAt(what.kind === 'reset' && what.index === 0 ? null : base, index, page, pageSize);
          windowRef.current = next;
          setState({ window: next, loading: false, error: null });
        },
        (error: unknown) => {
          if (mine !== seq.current || ac.signal.aborted) return;
          setState((s) => ({ ...s, loading: false, error: error instanceof Error ? error.message : String(error) }));
        },
      );
    },
    [fetch, query.filter, query.sort, query.descending, pageSize, maxPages],
  );

  useEffect(() => {
    const typed = lastFilter.current !== query.filter;
    lastFilter.current = query.filter;
    const previous = lastQuery.current;
    const sameQuery = previous !== null && previous.filter === query.filter && previous.sort === query.sort && previous.descending === query.descending;
    lastQuery.current = query;
    if (seeded.current) {
      seeded.current = false;
      return;
    }
    // A reload keeps the place in the list; a new query starts at its top.
    const at: Fetch = sameQuery ? { kind: 'reset', index: windowRef.current?.pages[0]?.index ?? 0 } : { kind: 'reset', index: 0 };
    if (!sameQuery) windowRef.current = null;
    if (!typed) {
      run(at);
      return;
    }
    const timer = setTimeout(() => run(at), FILTER_DEBOUNCE_MS);
    return () => clearTimeout(timer);
  }, [run, reloadToken]);

  // Coming back to the top of the stack (after an edit or a delete): show what the database has now.
  useEffect(() => {
    if (options.active && !wasActive.current) setReloadToken((t) => t + 1);
    wasActive.current = options.active;
  }, [options.active]);

  // The database is back after being unreachable: show what it has (the error line goes with it).
  const { onRecovered } = useConnectionHealth();
  useEffect(() => onRecovered(() => setReloadToken((t) => t + 1)), [onRecovered]);

  useEffect(() => () => controller.current?.abort(), []);

  const view = useMemo(() => (state.window ? windowView(state.window, pageSize) : null), [state.window, pageSize]);
  const hasMore = state.window?.hasMore ?? false;
  const hasPrevious = view?.hasPrevious ?? false;

  const loadMore = useCallback(() => {
    if (state.loading || !hasMore) return;
    run({ kind: 'append' });
  }, [run, state.loading, hasMore]);

  const loadPrevious = useCallback(() => {
    if (state.loading || !hasPrevious) return;
    run({ kind: 'prepend' });
  }, [run, state.loading, hasPrevious]);

  const restart = useCallback(() => {
    windowRef.current = null;
    run({ kind: 'reset', index: 0 });
  }, [run]);

  const refreshVisible = useCallback(
    async (from: number, count: number, key: (row: T) => string) => {
      const base = windowRef.current;
      const at = refreshStart(base, from);
      if (loadingRef.current || !at) return 'busy' as const;
      const mine = seq.current;
      const page = await fetch({
        filter: query.filter,
        sort: query.sort,
        descending: query.descending,
        limit: Math.max(1, count),
        ...(at.after !== undefined ? { after: at.after } : { offset: at.offset }),
      }).catch(() => null);
      // Another fetch (a new filter, a page) answered meanwhile: this view is not the one refreshed.
      if (!page || mine !== seq.current || windowRef.current !== base) return 'busy' as const;
      const { window: next, changed } = patchWindow(base, from, page, key);
      if (changed) {
        windowRef.current = next;
        setState((s) => ({ ...s, window: next, error: null }));
      }
      return { ...windowView(next), changed };
    },
    [fetch, query.filter, query.sort, query.descending],
  );

  return {
    refreshVisible,
    rows: view?.rows ?? null,
    start: view?.start ?? 0,
    total: state.window?.total,
    hasMore,
    hasPrevious,
    loading: state.loading,
    error: state.error,
    loadMore,
    loadPrevious,
    reload: useCallback(() => setReloadToken((t) => t + 1), []),
    restart,
  };
}

