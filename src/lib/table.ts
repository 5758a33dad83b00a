import stringWidth from 'string-width';
import { sanitizeLine } from './sanitize.ts';

export interface Column<Row> {
  header: string;
  value(row: Row): unknown;
  align?: 'left' | 'right';
  /** May be cut (with …) to fit the terminal; ids and numbers are never cut. */
  truncate?: boolean;
  /** May be left out on a narrow terminal; the highest number goes first (like kubectl's -o wide columns). */
  drop?: number;
}

export interface TableOptions {
  /** The terminal width: set only on a TTY, where lines are cut to fit instead of wrapping. */
  width?: number | undefined;
}

const GAP = '   ';

/** Cuts `text` to at most `width` terminal cells, ending in … when something was cut. */
export function fitWidth(text: string, width: number): string {
  if (stringWidth(text) <= width) return text;
  if (width <= 1) return width === 1 ? '…' : '';
  let out = '';
  let used = 0;
  for (const ch of text) {
    const w = stringWidth(ch);
    if (used + w > width - 1) break;
    out += ch;
    used += w;
  }
  return out + '…';
}

function pad(text: string, width: number, align: 'left' | 'right'): string {
  const fill = ' '.repeat(Math.max(0, width - stringWidth(text)));
  return align === 'right' ? fill + text : text + fill;
}

/**
 * A plain table as kubectl and gh print them: upper-case headers, columns separated by spaces, every
 * value through sanitizeLine. On a terminal the widest cuttable columns shrink until a line fits.
 */
export function renderTable<Row>(allColumns: Column<Row>[], rows: Row[], options: TableOptions = {}): string {
  let columns = allColumns;
  for (;;) {
    const fitted = layout(columns, rows, options.width);
    const droppable = columns.filter((c) => c.drop !== undefined).sort((a, b) => b.drop! - a.drop!);
    if (fitted.fits || droppable.length === 0) return fitted.text;
    columns = columns.filter((c) => c !== droppable[0]);
  }
}

function layout<Row>(columns: Column<Row>[], rows: Row[], width: number | undefined): { text: string; fits: boolean } {
  const cells = rows.map((row) => columns.map((c) => sanitizeLine(c.value(row))));
  const widths = columns.map((c, i) => Math.max(stringWidth(c.header), ...cells.map((r) => stringWidth(r[i]!))));
  const total = () => widths.reduce((a, b) => a + b, 0) + GAP.length * (columns.length - 1);
  if (width !== undefined) {
    const floor = columns.map((c, i) => Math.min(widths[i]!, Math.max(stringWidth(c.header), 8)));
    while (total() > width) {
      let widest = -1;
      columns.forEach((c, i) => {
        if (c.truncate && widths[i]! > floor[i]! && (widest < 0 || widths[i]! > widths[widest]!)) widest = i;
      });
      if (widest < 0) break;
      widths[widest]!--;
    }
  }
  const line = (values: string[]) => {
    const text = values
      .map((v, i) => pad(fitWidth(v, widths[i]!), widths[i]!, columns[i]!.align ?? 'left'))
      .join(GAP)
      .trimEnd();
    // Last resort when the columns that are never cut are wider than the terminal: no wrapped lines.
    return width === undefined ? text : fitWidth(text, width);
  };
  return { text: [line(columns.map((c) => c.header)), ...cells.map(line)].join('\n') + '\n', fits: width === undefined || total() <= width };
}
