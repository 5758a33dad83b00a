/**
 * A string-keyed memo that forgets everything once it holds `limit` entries: a terminal frame asks for the
 * width of the same letters and rows thousands of times, and from frame to frame most of them are the
 * same, so a plain Map answers almost every question; clearing it whole keeps memory flat over hours of
 * typing without the bookkeeping of an LRU (a cleared memo refills within one frame). Keys longer than
 * `maxKeyLength` are computed every time and never kept (a long text is rarely asked twice, and keeping
 * 20,000 of them could hold gigabytes).
 */
export const MEMO_LIMIT = 20_000;
export const MEMO_MAX_KEY_LENGTH = 2_048;

export function boundedMemo<T>(compute: (key: string) => T, limit = MEMO_LIMIT, maxKeyLength = MEMO_MAX_KEY_LENGTH): (key: string) => T {
  const memo = new Map<string, T>();
  return (key) => {
    if (key.length > maxKeyLength) return compute(key);
    let value = memo.get(key);
    if (value === undefined && !memo.has(key)) {
      value = compute(key);
      if (memo.size >= limit) memo.clear();
      memo.set(key, value);
    }
    return value as T;
  };
}
