/**
 * A number per line of the editor's text (its wrapped rows, its UTF-8 bytes) and their total, kept from one
 * change to the next: a key changes one line and leaves the others the same strings, so comparing the
 * lines by reference from both ends finds the changed ones, and only those are measured again. A key in a
 * 99,000-character prompt then measures one line, not all 400.
 */
export interface LineSums {
  lines: readonly string[];
  values: number[];
  total: number;
}

export function lineSums(lines: readonly string[], measure: (line: string) => number, last: LineSums | null): LineSums {
  if (last?.lines === lines) return last;
  const old = last?.lines ?? [];
  const shortest = Math.min(old.length, lines.length);
  let head = 0;
  while (head < shortest && old[head] === lines[head]) head++;
  let tail = 0;
  while (tail < shortest - head && old[old.length - 1 - tail] === lines[lines.length - 1 - tail]) tail++;
  const middle = lines.slice(head, lines.length - tail).map(measure);
  let total = last?.total ?? 0;
  for (let i = head; i < old.length - tail; i++) total -= last!.values[i]!;
  for (const v of middle) total += v;
  const values = last ? [...last.values.slice(0, head), ...middle, ...last.values.slice(old.length - tail)] : middle;
  return { lines, values, total };
}

/** The sum of the first `count` values. */
export function sumBefore(sums: LineSums, count: number): number {
  let n = 0;
  for (let i = 0; i < count; i++) n += sums.values[i]!;
  return n;
}
