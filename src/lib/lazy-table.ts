import type { renderTable } from './table.ts';

/**
 * renderTable, loaded on first use: measuring display width (string-width, Intl.Segmenter and Unicode
 * property regexes) costs ~40 ms to load, which `--json` and `--ndjson` output never needs.
 */
export async function tableRenderer(): Promise<typeof renderTable> {
  return (await import('./table.ts')).renderTable;
}
