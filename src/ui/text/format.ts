/** Small display formats shared by the screens. */

const pad = (n: number) => String(n).padStart(2, '0');

/** A Date, or what a driver may hand over instead (ISO text, epoch milliseconds); null when it is no time at all. */
function asDate(value: Date | string | number | null | undefined): Date | null {
  if (value === null || value === undefined || value === '') return null;
  const date = value instanceof Date ? value : new Date(value);
  return Number.isNaN(date.getTime()) ? null : date;
}

/** 2026-03-04 09:15, in the admin's local time zone (what they compare with their clock). */
export function formatDateTime(value: Date | string | number | null | undefined): string {
  const date = asDate(value);
  if (!date) return '—';
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())} ${pad(date.getHours())}:${pad(date.getMinutes())}`;
}

/** 2026-03-04T09:15:00.000Z: exact, for detail views and for typing a timestamp back in. */
export function formatInstant(value: Date | string | number | null | undefined): string {
  const date = asDate(value);
  if (!date) return '—';
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
