import type { Column } from '../lib/table.ts';
import { tableRenderer } from '../lib/lazy-table.ts';
import { ExitCode } from '../lib/errors.ts';
import type { Page } from '../services/types.ts';
import type { CommandContext } from './command.ts';
import { printJson, put, recordText, tableWidth } from './output.ts';

export interface Listing<T> {
  /** At most this many rows; undefined: all. */
  limit: number | undefined;
  /** One page: by keyset (`after`, when the service hands out cursors) or by offset. */
  page(options: { limit: number; offset?: number; after?: string }): Promise<Page<T>>;
  ndjson: boolean;
  toJson(row: T): object;
  columns: Column<T>[];
  /** Said on stderr when nothing matched. */
  empty: string;
  /** Said on stderr under a table cut short by the limit. */
  more?: string;
}

/**
 * `sites list` / `users list`: fetches pages of at most 1000 rows (NDJSON streams them as they come),
 * then prints a JSON array or a table fitted to the terminal.
 */
export async function printListing<T>(ctx: CommandContext, listing: Listing<T>): Promise<number> {
  const rows: T[] = [];
  const ndjson = listing.ndjson ? recordText(true) : undefined;
  let seen = 0;
  let more = false;
  let after: string | undefined;
  while (listing.limit === undefined || seen < listing.limit) {
    // Keyset paging when the service offers it: deep pages cost the same as the first.
    const page = await listing.page({ limit: Math.min(listing.limit === undefined ? 1000 : listing.limit - seen, 1000), ...(after === undefined ? { offset: seen } : { after }) });
    for (const row of page.rows) {
      if (ndjson) await put(ctx.io.stdout, ndjson.record(listing.toJson(row)));
      else rows.push(row);
    }
    seen += page.rows.length;
    after = page.nextCursor;
    more = page.hasMore;
    if (!page.hasMore) break;
  }
  if (ndjson) return ExitCode.ok;
  if (ctx.flags.json) {
    printJson(ctx.io, rows.map(listing.toJson));
    return ExitCode.ok;
  }
  if (rows.length === 0) {
    ctx.io.stderr.write(`${listing.empty}\n`);
    return ExitCode.ok;
  }
  ctx.io.stdout.write((await tableRenderer())<T>(listing.columns, rows, { width: tableWidth(ctx.io) }));
  if (more && listing.more) ctx.io.stderr.write(`${listing.more}\n`);
  return ExitCode.ok;
}
