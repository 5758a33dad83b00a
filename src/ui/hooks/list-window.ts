/**
 * A long list in bounded memory: only a few consecutive pages are kept, the first ones dropped as the
 * cursor moves down and fetched again when it comes back up. How each page is fetched is remembered (a
 * keyset cursor, `Page.nextCursor` → `ListOptions.after`, or an offset when the service has no cursors),
 * so going back costs one page query, and a million-row table never grows the console's memory.
 */
export interface PageStart {
  /** Position of the page's first row in the whole list. */
  offset: number;
  /** The keyset cursor that fetches this page (absent: fetch by offset). */
  after?: string;
}

export interface WindowPage<T> {
  /** The page's number in the whole list (0, 1, 2…). */
  index: number;
  /** Position of its first row in the whole list (a live refresh may leave a page longer or shorter). */
  start: number;
  rows: T[];
}

export interface ListWindow<T> {
  pages: WindowPage<T>[];
  /** starts[i]: how to fetch page i. One small entry per page reached, rows themselves are not kept. */
  starts: PageStart[];
  /** There is more after the last page held. */
  hasMore: boolean;
  total: number | undefined;
  /** Keyset lists: the cursor that continues after a row (Page.cursorOf), for refreshing from any row. */
  cursorOf?: (row: T) => string;
}

/** What a fetched page brings (the service's Page). */
export interface FetchedPage<T> {
  rows: T[];
  hasMore: boolean;
  nextCursor?: string;
  total?: number;
  cursorOf?: (row: T) => string;
}

function startAfter<T>(start: number, page: FetchedPage<T>): PageStart {
  const offset = start + page.rows.length;
  return page.nextCursor ? { offset, after: page.nextCursor } : { offset };
}

function withCursorOf<T>(window: ListWindow<T>, page: FetchedPage<T>): ListWindow<T> {
  const cursorOf = page.cursorOf ?? window.cursorOf;
  return cursorOf ? { ...window, cursorOf } : window;
}

/** The window holding just page `index` (a new query, or a reload from where the window began). */
export function windowAt<T>(previous: ListWindow<T> | null, index: number, page: FetchedPage<T>, pageSize: number): ListWindow<T> {
  const starts = (previous?.starts ?? [{ offset: 0 }]).slice(0, index + 1);
  const start = starts[index]?.offset ?? index * pageSize;
  starts[index + 1] = startAfter(start, page);
  return withCursorOf(
    { pages: [{ index, start, rows: page.rows }], starts: page.hasMore ? starts : starts.slice(0, index + 1), hasMore: page.hasMore, total: page.total },
    page,
  );
}

/** Adds the page after the window; the first page goes when more than `maxPages` are held. */
export function appendPage<T>(window: ListWindow<T>, page: FetchedPage<T>, pageSize: number, maxPages: number): ListWindow<T> {
  const last = window.pages.at(-1);
  const index = last ? last.index + 1 : 0;
  const start = last ? last.start + last.rows.length : (window.starts[index]?.offset ?? index * pageSize);
  const starts = [...window.starts];
  if (page.hasMore) starts[index + 1] = startAfter(start, page);
  const pages = [...window.pages, { index, start, rows: page.rows }];
  return withCursorOf(
    { ...window, pages: pages.length > maxPages ? pages.slice(pages.length - maxPages) : pages, starts, hasMore: page.hasMore, total: page.total ?? window.total },
    page,
  );
}

/** Adds the page before the window (fetched again from its start); the last page goes when more than `maxPages` are held. */
export function prependPage<T>(window: ListWindow<T>, page: FetchedPage<T>, maxPages: number): ListWindow<T> {
  const first = window.pages[0];
  if (!first || first.index === 0) return window;
  const pages = [{ index: first.index - 1, start: Math.max(0, first.start - page.rows.length), rows: page.rows }, ...window.pages];
  const dropped = pages.length > maxPages;
  return { ...window, pages: dropped ? pages.slice(0, maxPages) : pages, hasMore: dropped || window.hasMore };
}

/** The rows held, their position in the whole list, and whether there is more before or after. */
export function windowView<T>(window: ListWindow<T>, _pageSize?: number): { rows: T[]; start: number; hasPrevious: boolean } {
  const first = window.pages[0];
  return { rows: window.pages.flatMap((p) => p.rows), start: first ? first.start : 0, hasPrevious: (first?.index ?? 0) > 0 };
}

/**
 * Where to fetch the rows from position `from` on, to refresh what is on screen (issue #14): after the row
 * above it (keyset lists: its cursor, so changes further up do not shift the view), else by offset.
 * undefined when `from` is not held.
 */
export function refreshStart<T>(window: ListWindow<T> | null, from: number): PageStart | undefined {
  const first = window?.pages[0];
  if (!window || !first) return from === 0 ? { offset: 0 } : undefined;
  const rows = window.pages.flatMap((p) => p.rows);
  const k = from - first.start;
  if (k < 0 || k > rows.length) return undefined;
  if (k === 0) return window.starts[first.index] ?? { offset: from };
  return window.cursorOf ? { offset: from, after: window.cursorOf(rows[k - 1]!) } : { offset: from };
}

/**
 * Puts the rows fetched from position `from` (the rows on screen, refreshed) into the window. The same rows
 * in the same order: each is replaced where it is. Otherwise (an insert, a delete, a row sorted elsewhere)
 * what was held after them is dropped and fetched again when scrolled to, from right after them.
 * `changed`: something a person would see is different.
 */
export function patchWindow<T>(window: ListWindow<T> | null, from: number, page: FetchedPage<T>, key: (row: T) => string): { window: ListWindow<T>; changed: boolean } {
  const first = window?.pages[0];
  if (!window || !first) return { window: windowAt(null, 0, page, page.rows.length || 1), changed: page.rows.length > 0 };
  const rows = window.pages.flatMap((p) => p.rows);
  const k = from - first.start;
  const held = rows.slice(k, k + page.rows.length);
  const sameRows = held.length === page.rows.length && held.every((r, i) => key(r) === key(page.rows[i]!)) && (page.hasMore || rows.length <= k + page.rows.length);
  const total = page.total ?? window.total;
  if (sameRows) {
    const changed = total !== window.total || held.some((r, i) => JSON.stringify(r) !== JSON.stringify(page.rows[i]));
    if (!changed) return { window, changed };
    const pages = window.pages.map((p) => ({
      ...p,
      rows: p.rows.map((r, i) => {
        const at = p.start + i - from;
        return at >= 0 && at < page.rows.length ? page.rows[at]! : r;
      }),
    }));
    return { window: { ...window, pages, total }, changed };
  }
  // The page holding position `from` keeps its rows before it and takes the fetched ones; later pages go.
  const j = Math.max(0, window.pages.findLastIndex((p) => p.start <= from));
  const at = window.pages[j]!;
  const pages = [...window.pages.slice(0, j), { ...at, rows: [...at.rows.slice(0, from - at.start), ...page.rows] }];
  const starts = window.starts.slice(0, at.index + 1);
  if (page.hasMore) starts[at.index + 1] = startAfter(from, page);
  return { window: withCursorOf({ ...window, pages, starts, hasMore: page.hasMore, total }, page), changed: true };
}
