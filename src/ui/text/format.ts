/** Small display formats shared by the screens. */

const pad = (n: number) => String(n).padStart(2, '0');

/** 2026-03-04 09:15, in the admin's local time zone (what they compare with their clock). */
export function formatDateTime(date: Date | null | undefined): string {
  if (!date || Number.isNaN(date.getTime())) return '—';
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())} ${pad(date.getHours())}:${pad(date.getMinutes())}`;
}

/** 2026-03-04T09:15:00.000Z: exact, for detail views and for typing a timestamp back in. */
export function formatInstant(date: Date | null | undefined): string {
  if (!date || Number.isNaN(date.getTime())) return '—';
  return date.toISOString();
}

/** 950, 12.3k, 100k: a prompt's size in a column. */
export function formatCount(n: number): string {
  if (n < 1000) return String(n);
  if (n < 10_000) return `${(n / 1000).toFixed(1)}k`;
  return `${Math.round(n / 1000)}k`;
}

export function plural(n: number, word: string, many = `${word}s`): string {
  return `${n.toLocaleString('en')} ${n === 1 ? word : many}`;
}
