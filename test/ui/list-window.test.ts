import { describe, expect, it } from 'vitest';
import { appendPage, prependPage, windowAt, windowView, type ListWindow } from '../../src/ui/hooks/list-window.ts';

const PAGE = 200;
const rows = (index: number) => Array.from({ length: PAGE }, (_, i) => index * PAGE + i);
const cursorAfter = (index: number) => `cursor-after-${index}`;
const fetched = (index: number, hasMore = true) => ({ rows: rows(index), hasMore, ...(hasMore ? { nextCursor: cursorAfter(index) } : {}) });

describe('a list window in bounded memory', () => {
  it('holds at most maxPages pages however far it scrolls (a million rows stay a few hundred in memory)', () => {
    let w: ListWindow<number> = windowAt(null, 0, fetched(0), PAGE);
    for (let i = 1; i < 5000; i++) w = appendPage(w, fetched(i), PAGE, 3);
    const view = windowView(w, PAGE);
    expect(view.rows).toHaveLength(3 * PAGE);
    expect(view.start).toBe(4997 * PAGE);
    expect(view.rows[0]).toBe(4997 * PAGE);
    expect(view.hasPrevious).toBe(true);
    // What stays per page passed is one cursor string, not its rows.
    expect(w.starts).toHaveLength(5001);
  });

  it('remembers the keyset cursor that fetches each page, so a dropped page is fetched again by cursor', () => {
    let w: ListWindow<number> = windowAt(null, 0, fetched(0), PAGE);
    for (let i = 1; i < 6; i++) w = appendPage(w, fetched(i), PAGE, 3);
    expect(windowView(w, PAGE).start).toBe(3 * PAGE);
    expect(w.starts[3]).toEqual({ offset: 3 * PAGE, after: cursorAfter(2) });
    expect(w.starts[2]).toEqual({ offset: 2 * PAGE, after: cursorAfter(1) });
    w = prependPage(w, fetched(2), 3);
    const view = windowView(w, PAGE);
    expect(view.start).toBe(2 * PAGE);
    expect(view.rows).toHaveLength(3 * PAGE);
    // The last page was let go again, so there is more after the window.
    expect(w.hasMore).toBe(true);
  });

  it('falls back to offsets when the service gives no cursor, and knows when the list ends', () => {
    let w: ListWindow<number> = windowAt(null, 0, { rows: rows(0), hasMore: true }, PAGE);
    expect(w.starts[1]).toEqual({ offset: PAGE });
    w = appendPage(w, { rows: [1, 2, 3], hasMore: false }, PAGE, 3);
    expect(w.hasMore).toBe(false);
    expect(windowView(w, PAGE).rows).toHaveLength(PAGE + 3);
  });

  it('a reload from a page deep in the list keeps the cursors before it', () => {
    let w: ListWindow<number> = windowAt(null, 0, fetched(0), PAGE);
    for (let i = 1; i < 8; i++) w = appendPage(w, fetched(i), PAGE, 3);
    w = windowAt(w, 5, fetched(5), PAGE);
    expect(windowView(w, PAGE)).toMatchObject({ start: 5 * PAGE, hasPrevious: true });
    expect(w.starts[4]).toEqual({ offset: 4 * PAGE, after: cursorAfter(3) });
    expect(w.starts[6]).toEqual({ offset: 6 * PAGE, after: cursorAfter(5) });
  });
});
