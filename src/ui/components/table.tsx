import { useMemo, useRef, type RefObject } from 'react';
import { Box, Text } from 'ink';
import { displayWidth, fit } from '../text/graphemes.ts';

export interface Column<T> {
  id: string;
  header: string;
  /** A fixed width in cells … */
  width?: number;
  /** … or a share of the room left by the fixed columns (at least `min`). */
  flex?: number;
  min?: number;
  align?: 'left' | 'right';
  /** Narrow terminals drop the lowest priority columns first, and cut the lowest priority ones first. */
  priority?: number;
  /**
   * Worth showing only whole: dropped (lowest priority first) before any column would have to be cut
   * below what its cells need, so an id is never cut to keep a date.
   */
  optional?: boolean;
  /** The cell's text: already display-sanitised. */
  cell(row: T): string;
}

const MARKER = 2;
const GAP = 1;

/**
 * Widths for the columns that fit in `width` (dropped columns are absent). Flexible columns get what their
 * content needs when there is room; when there is not, optional columns are dropped first, then the
 * lowest priority columns shrink first, never below `min`.
 */
export function layoutColumns<T>(columns: Column<T>[], width: number, rows: readonly T[] = []): { column: Column<T>; width: number }[] {
  let shown = [...columns];
  const need = (cols: Column<T>[]) => MARKER + cols.reduce((n, c) => n + (c.width ?? c.min ?? 4), 0) + GAP * Math.max(0, cols.length - 1);
  while (shown.length > 1 && need(shown) > width) {
    const drop = shown.reduce((low, c) => ((c.priority ?? 0) < (low.priority ?? 0) ? c : low), shown[shown.length - 1]!);
    shown = shown.filter((c) => c !== drop);
  }
  const natural = new Map(
    shown.filter((c) => c.width === undefined).map((c) => {
      let w = displayWidth(c.header) + 2;
      for (const row of rows) w = Math.max(w, displayWidth(c.cell(row)));
      return [c, Math.max(c.min ?? 4, w)] as const;
    }),
  );
  const fixedOf = (cols: Column<T>[]) => MARKER + GAP * Math.max(0, cols.length - 1) + cols.reduce((n, c) => n + (c.width ?? natural.get(c) ?? 0), 0);
  // Optional columns go before anything is cut.
  for (;;) {
    const optional = shown.filter((c) => c.optional);
    if (optional.length === 0 || fixedOf(shown) <= width) break;
    const drop = optional.reduce((low, c) => ((c.priority ?? 0) < (low.priority ?? 0) ? c : low));
    shown = shown.filter((c) => c !== drop);
  }
  const room = Math.max(0, width - MARKER - GAP * Math.max(0, shown.length - 1) - shown.reduce((n, c) => n + (c.width ?? 0), 0));
  const flexible = shown.filter((c) => c.width === undefined);
  const wanted = flexible.reduce((n, c) => n + natural.get(c)!, 0);
  const widths = new Map<Column<T>, number>();
  for (const c of flexible) widths.set(c, natural.get(c)!);
  if (wanted <= room) {
    // Everything fits: natural widths, the spare room to the widest-flex column so the table spans the width.
    const widest = flexible.reduce<Column<T> | undefined>((a, c) => (!a || (c.flex ?? 1) > (a.flex ?? 1) ? c : a), undefined);
    if (widest) widths.set(widest, widths.get(widest)! + room - wanted);
  } else {
    // Shrink the lowest priority first, each down to its minimum: the id is the last to be cut.
    let over = wanted - room;
    for (const c of [...flexible].sort((a, b) => (a.priority ?? 0) - (b.priority ?? 0))) {
      const take = Math.min(over, widths.get(c)! - Math.min(c.min ?? 4, widths.get(c)!));
      widths.set(c, widths.get(c)! - take);
      over -= take;
    }
  }
  return shown.map((column) => ({ column, width: column.width ?? widths.get(column) ?? 0 }));
}

/**
 * Rows as a table that never wraps: every cell is truncated (with …) or padded to its column, by display
 * width, so wide characters cannot push the line over. Scrolls to keep the cursor row in view.
 */
export function Table<T>({
  columns,
  rows,
  cursor,
  width,
  height,
  rowKey,
  sortId,
  descending,
  start = 0,
  mark,
  offsetRef,
}: {
  columns: Column<T>[];
  rows: T[];
  /** The selected row's position in the whole list (rows[0] is at `start`). */
  cursor: number;
  /** Where `rows` begin in the whole list: a long list keeps only a window of it in memory. */
  start?: number;
  width: number;
  height: number;
  rowKey(row: T): string;
  sortId?: string;
  descending?: boolean;
  /** A row someone else is editing (presence): marked ✎ in the gutter, next to the cursor's ›. */
  mark?(row: T): boolean;
  /** The first row shown, owned by the caller when it must know it (a live refresh of the rows on screen). */
  offsetRef?: RefObject<number>;
}) {
  const layout = useMemo(() => layoutColumns(columns, width, rows), [columns, width, rows]);
  const visible = Math.max(1, height - 1);
  // The first row shown, as a position in the whole list: a window that moves keeps the view still.
  const own = useRef(0);
  const offset = offsetRef ?? own;
  if (cursor < offset.current) offset.current = cursor;
  if (cursor >= offset.current + visible) offset.current = cursor - visible + 1;
  offset.current = Math.max(start, Math.min(offset.current, start + Math.max(0, rows.length - visible)));
  const line = (cells: string[]) => cells.join(' ');
  const headers = layout.map(({ column, width: w }) => {
    const mark = column.id === sortId ? (descending ? ' ▼' : ' ▲') : '';
    return fit(column.header + mark, w, column.align);
  });
  return (
    <Box flexDirection="column" width={width} height={height}>
      <Text bold dimColor>
        {'  ' + line(headers)}
      </Text>
      {rows.slice(offset.current - start, offset.current - start + visible).map((row, i) => {
        const index = offset.current + i;
        const selected = index === cursor;
        const text = line(layout.map(({ column, width: w }) => fit(column.cell(row), w, column.align)));
        return (
          <Text key={rowKey(row)} inverse={selected} wrap="truncate-end">
            {(selected ? '›' : ' ') + (mark?.(row) ? '✎' : ' ') + text}
          </Text>
        );
      })}
    </Box>
  );
}
