/**
 * A whole number with thousands separators, as `n.toLocaleString('en')` writes it (`1,234,567`), without
 * setting up ICU's number formatting: the first `toLocaleString` of a process costs ~15 ms of CPU, which the
 * console paid before its first rows for the list's count. Other numbers go to toLocaleString.
 */
export function groupedCount(n: number): string {
  if (!Number.isSafeInteger(n) || Object.is(n, -0)) return n.toLocaleString('en');
  return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}
