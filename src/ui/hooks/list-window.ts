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
  rows: T[];
}

export interface ListWindow<T> {
  pages: WindowPage<T>[];
  /** starts[i]: how to fetch page i. One small entry per page reached, rows themselves are not kept. */
  starts: PageStart[];
  /** There is more after the last page held. */
  hasMore: boolean;
  total: number | undefined;
}

export const EMPTY_WINDOW: ListWindow<never> = { pages: [], starts: [{ offset: 0 }], hasMore: false, total: undefined };

/** What a fetched page brings (the service's Page). */
export interface FetchedPage<T> {
  rows: T[];
  hasMore: boolean;
  nextCursor?: string;
  total?: number;
}

function startAfter(index: number, page: FetchedPage<unknown>, pageSize: number): PageStart {
  return page.nextCursor ? { offset: (index + 1) * pageSize, after: page.nextCursor } : { offset: (index + 1) * pageSize };
}

/** The window holding just page `index` (a new query, or a reload from where the window began). */
export function windowAt<T>(previous: ListWindow<T> | null, index: number, page: FetchedPage<T>, pageSize: number): ListWindow<T> {
  const starts = (previous?.starts ?? [{ offset: 0 }]).slice(0, index + 1);
  starts[index + 1] = startAfter(index, page, pageSize);
  return { pages: [{ index, rows: page.rows }], starts: page.hasMore ? starts : starts.slice(0, index + 1), hasMore: page.hasMore, total: page.total };
}

/** Adds the page after the window; the first page goes when more than `maxPages` are held. */
export function appendPage<T>(window: ListWindow<T>, page: FetchedPage<T>, pageSize: number, maxPages: number): ListWindow<T> {
  const last = window.pages.at(-1);
  const index = last ? last.index + 1 : 0;
  const starts = [...window.starts];
  if (page.hasMore) starts[index + 1] = startAfter(index, page, pageSize);
  const pages = [...window.pages, { index, rows: page.rows }];
  return { pages: pages.length > maxPages ? pages.slice(pages.length - maxPages) : pages, starts, hasMore: page.hasMore, total: page.total ?? window.total };
}

/** Adds the page before the window (fetched again from its start); the last page goes when more than `maxPages` are held. */
export function prependPage<T>(window: ListWindow<T>, page: FetchedPage<T>, maxPages: number): ListWindow<T> {
  const first = window.pages[0];
  if (!first || first.index === 0) return window;
  const pages = [{ index: first.index - 1, rows: page.rows }, ...window.pages];
  const dropped = pages.length > maxPages;
  return { ...window, pages: dropped ? pages.slice(0, maxPages) : pages, hasMore: dropped || window.hasMore };
}

/** The rows held, their position in the whole list, and whether there is more before or after. */
export function windowView<T>(window: ListWindow<T>, pageSize: number): { rows: T[]; start: number; hasPrevious: boolean } {
  const first = window.pages[0];
  return { rows: window.pages.flatMap((p) => p.rows), start: first ? first.index * pageSize : 0, hasPrevious: (first?.index ?? 0) > 0 };
}
