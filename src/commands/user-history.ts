import { ExitCode, usageError } from '../lib/errors.ts';
import { tableRenderer } from '../lib/lazy-table.ts';
import { sanitizeLine } from '../lib/sanitize.ts';
import type { UserHistoryEntry } from '../services/types.ts';
import { USER_NAMING_FIELDS, type UserColumn } from '../schema/user-schema.ts';
import type { CommandContext } from './command.ts';
import { withReadServices } from './data.ts';
import { idArgument, maxArgs, onlyOptions, parseLimit, str } from './options.ts';
import { printJson, tableWidth } from './output.ts';
import { outsideNote, when } from './history-text.ts';

const shown = (v: string | number | null | undefined) => (v === null || v === undefined ? '(none)' : v === '' ? '""' : String(v));

/** The columns whose values name a user in a create's or a delete's line (the table's `names` fields). */
const NAMING_COLUMNS = USER_NAMING_FIELDS.map((f) => f.column);

/**
 * What the change did: for a create, the naming columns' values (`email a@x`); for a delete, `deleted a@x`;
 * otherwise old → new for each column it touched (`email: a@x → b@x; last_seen: … → …`).
 */
export function userChangeText(entry: UserHistoryEntry): string {
  if (entry.action === 'delete') return entry.before ? `deleted ${NAMING_COLUMNS.map((c) => shown(entry.before![c])).join(', ')}` : 'deleted';
  if (!entry.before) return entry.after ? NAMING_COLUMNS.map((c) => `${c} ${shown(entry.after![c])}`).join('; ') : '';
  return entry.changed.map((c) => `${c}: ${shown(entry.before![c as UserColumn])} → ${shown(entry.after?.[c as UserColumn])}`).join('; ');
}

function historyJson(entry: UserHistoryEntry) {
  const common = { action: entry.action, changed: entry.changed, old_values: entry.before, new_values: entry.after };
  if (entry.kind === 'revision') {
    return { kind: 'revision', rev: entry.rev, version: entry.version, at: entry.at.toISOString(), actor: entry.actor, note: entry.note, ...common };
  }
  return {
    kind: 'outside',
    rev: null,
    from_version: entry.fromVersion,
    to_version: entry.toVersion,
    writes: entry.writes,
    at: entry.at?.toISOString() ?? null,
    actor: null,
    note: null,
    ...common,
  };
}

/** `cabinet users history ID`: who created, changed or deleted a user, when, from where, old → new; gaps for changes made elsewhere. */
export async function userHistoryCommand(ctx: CommandContext): Promise<number> {
  onlyOptions(ctx, 'users history', ['userId', 'limit', 'before']);
  maxArgs(ctx, 'users history', 1);
  const userId = idArgument(ctx, 'users history', 'userId', true)!;
  const limit = parseLimit(str(ctx, 'limit'));
  const beforeText = str(ctx, 'before');
  if (beforeText !== undefined && (!/^\d+$/.test(beforeText) || !Number.isSafeInteger(Number(beforeText)) || Number(beforeText) < 1)) {
    throw usageError(`--before takes a revision number ≥ 1, not "${sanitizeLine(beforeText)}"`, 'e.g. cabinet users history USER_ID --before 120');
  }
  const before = beforeText === undefined ? undefined : Number(beforeText);
  return withReadServices(ctx, 'users history', async ({ users }) => {
    const entries = await users.history(userId, { ...(limit === undefined ? {} : { limit }), ...(before === undefined ? {} : { before }) });
    if (ctx.flags.json) {
      printJson(ctx.io, entries.map(historyJson));
      return ExitCode.ok;
    }
    ctx.io.stdout.write(
      (await tableRenderer())<UserHistoryEntry>(
        [
          { header: 'REV', value: (e) => (e.kind === 'revision' ? e.rev : '-'), align: 'right' },
          { header: 'WHEN', value: (e) => when(e.at) },
          { header: 'ACTION', value: (e) => e.action },
          { header: 'ACTOR', value: (e) => (e.kind === 'revision' ? e.actor : '(outside cabinet)'), truncate: true },
          { header: 'VERSION', value: (e) => (e.kind === 'revision' ? (e.version ?? '') : (e.toVersion ?? '')), align: 'right', drop: 1 },
          { header: 'CHANGE', value: (e) => userChangeText(e), truncate: true },
          { header: 'NOTE', value: (e) => (e.kind === 'revision' ? (e.note ?? '') : outsideNote(e)), truncate: true, drop: 2 },
        ],
        entries,
        { width: tableWidth(ctx.io) },
      ),
    );
    return ExitCode.ok;
  });
}
