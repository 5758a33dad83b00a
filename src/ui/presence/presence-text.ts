import type { PresenceEntry } from '../../presence/presence-reader.ts';
import type { PresenceSnapshot, PresenceStatus } from '../../presence/presence-service.ts';
import { sanitizeLine } from '../../lib/sanitize.ts';
import { formatDateTime } from '../text/format.ts';

const pad = (n: number) => String(n).padStart(2, '0');

/** 10:02 today, else the date too (local time, as the admin's clock). */
export function sinceText(since: Date | null, now = new Date()): string {
  if (!since) return '';
  const today = since.toDateString() === now.toDateString();
  return ` since ${today ? `${pad(since.getHours())}:${pad(since.getMinutes())}` : formatDateTime(since)}`;
}

/** "boris is editing since 10:02 from 100.101.2.3". */
export function editorLine(entry: PresenceEntry, now = new Date()): string {
  const since = sinceText(entry.since, now);
  if (entry.who === null) return `a session of role ${sanitizeLine(entry.role ?? '?')} is editing${since} (who and from where are hidden from this role)`;
  return `${sanitizeLine(entry.who)} is editing${since} from ${sanitizeLine(entry.from ?? '?')}`;
}

/** The detail's line when nobody else is editing: which presence mode applies. */
export function quietLine(snapshot: PresenceSnapshot | undefined, status: PresenceStatus | undefined, what: string): string {
  if (status?.state === 'failed') return `presence: others cannot see your edits now: ${sanitizeLine(status.reason)}`;
  if (!snapshot) return 'presence: checking who else is editing…';
  if (snapshot.error) return `presence unknown: ${sanitizeLine(snapshot.error)}`;
  const via = status?.pooled ? ' (through a pooler)' : '';
  return `presence: no other console is editing this ${what}${via}`;
}
