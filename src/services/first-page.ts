import type { ListOptions, Page, SiteSortKey, SiteSummary } from './types.ts';

/** The sites list's first page, as the console's list first asks for it (firstScreenStatements prefetches it). */
export const FIRST_PAGE = { filter: '', sort: 'siteId', descending: false, limit: 500, offset: 0 } as const;
/** How long a first page read at start may be shown as current (as long as a prefetched answer is kept). */
const SEED_KEEP_MS = 10_000;

const isFirstPage = (o: ListOptions<SiteSortKey>) =>
  (o.filter ?? '') === '' && (o.sort ?? 'siteId') === 'siteId' && !o.descending && o.limit === FIRST_PAGE.limit && (o.offset ?? 0) === 0 && o.after === undefined;

/**
 * The first page of sites, read while the console opened (its answer came in the first screen's one round
 * trip), handed once to the list for its first frame: the list then draws its rows at once, where it drew
 * "loading…" and then the rows after Ink's frame throttle (up to 33 ms). `taken` runs when it is handed over.
 */
export function firstPageSeed(page: Page<SiteSummary> | undefined, taken: () => void): (o: ListOptions<SiteSortKey>) => Page<SiteSummary> | undefined {
  let seed = page;
  const readAt = Date.now();
  return (o) => {
    const out = seed !== undefined && Date.now() - readAt < SEED_KEEP_MS && isFirstPage(o) ? seed : undefined;
    seed = undefined;
    if (out) taken();
    return out;
  };
}
