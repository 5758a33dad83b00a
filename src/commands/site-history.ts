import { confirmTyped } from './confirm.ts';
import { ExitCode, usageError } from '../lib/errors.ts';
import { useColor } from '../lib/record-diff.ts';
import { sanitizeLine } from '../lib/sanitize.ts';
import { tableRenderer } from '../lib/lazy-table.ts';
import { EDITABLE_SITE_FIELDS } from '../schema/site-schema.ts';
import { KEY_OF_SITE_FIELD, siteRecordToRow, siteText } from '../services/transfer/site-columns.ts';
import type { DiffSide, HistoryEntry, RevisionDiff, SiteRecord } from '../services/types.ts';
import type { CommandContext } from './command.ts';
import { explainEditError } from './data.ts';
import { idArgument, maxArgs, onlyOptions, parseLimit, str, bool } from './options.ts';
import { printDiff, printJson, tableWidth } from './output.ts';
import { outsideNote, when } from './history-text.ts';
import { columnNames, fieldsToRow, name, note, withServices } from './site-common.ts';

const column = (field: string) => KEY_OF_SITE_FIELD[field as keyof typeof KEY_OF_SITE_FIELD] ?? field;

function historyJson(entry: HistoryEntry) {
  if (entry.kind === 'revision') {
    return {
      kind: 'revision',
      rev: entry.rev,
      action: entry.action,
      version: entry.version,
      at: entry.at.toISOString(),
      actor: entry.actor,
      note: entry.note,
      changed: entry.changed.map(column),
    };
  }
  return {
    kind: 'outside',
    rev: null,
    action: entry.action,
    from_version: entry.fromVersion,
    to_version: entry.toVersion,
    writes: entry.writes,
    at: entry.at?.toISOString() ?? null,
    actor: null,
    note: null,
    changed: entry.changed.map(column),
  };
}

/** `cabinet sites history ID`: cabinet's revisions newest first, and the gaps left by changes made elsewhere. */
export async function history(ctx: CommandContext): Promise<number> {
  onlyOptions(ctx, 'sites history', ['siteId', 'limit', 'before']);
  maxArgs(ctx, 'sites history', 1);
  const siteId = idArgument(ctx, 'sites history', 'siteId', true)!;
  const limit = parseLimit(str(ctx, 'limit'));
  const beforeText = str(ctx, 'before');
  const before = beforeText === undefined ? undefined : parseRev(beforeText, 'a revision after --before');
  if (before === 'current') throw usageError('--before takes a revision number (the oldest one shown), not "current"', 'e.g. cabinet sites history SITE_ID --before 120');
  return withServices(ctx, 'history', false, async ({ revisions }) => {
    const entries = await revisions.history(siteId, { ...(limit === undefined ? {} : { limit }), ...(before === undefined ? {} : { before }) });
    if (ctx.flags.json) {
      printJson(ctx.io, entries.map(historyJson));
      return ExitCode.ok;
    }
    ctx.io.stdout.write(
      (await tableRenderer())<HistoryEntry>(
        [
          { header: 'REV', value: (e) => (e.kind === 'revision' ? e.rev : '-'), align: 'right' },
          { header: 'WHEN', value: (e) => when(e.at) },
          { header: 'ACTION', value: (e) => e.action },
          { header: 'ACTOR', value: (e) => (e.kind === 'revision' ? e.actor : '(outside cabinet)'), truncate: true },
          { header: 'VERSION', value: (e) => (e.kind === 'revision' ? (e.version ?? '') : (e.toVersion ?? '')), align: 'right', drop: 1 },
          { header: 'CHANGED', value: (e) => columnNames(e.changed), truncate: true },
          { header: 'NOTE', value: (e) => (e.kind === 'revision' ? (e.note ?? '') : outsideNote(e)), truncate: true },
        ],
        entries,
        { width: tableWidth(ctx.io) },
      ),
    );
    return ExitCode.ok;
  });
}

/** A revision number, or `current` (the row as it is now). */
function parseRev(value: string | undefined, what: string): number | 'current' {
  if (value === undefined) throw usageError(`cabinet sites diff needs ${what}`, 'cabinet sites diff SITE_ID REV [REV2 | current] (revisions: cabinet sites history SITE_ID)');
  if (value === 'current') return 'current';
  if (!/^\d+$/.test(value) || Number(value) < 1 || !Number.isSafeInteger(Number(value))) {
    throw usageError(`a revision is a whole number ≥ 1 or "current", not "${sanitizeLine(value)}"`, 'see cabinet sites history SITE_ID');
  }
  return Number(value);
}

function sideLabel(side: DiffSide): string {
  const which = side.rev === 'current' ? 'current' : `revision ${side.rev}`;
  if (!side.record) return `${which} (no site)`;
  return `${which} (version ${side.version ?? '?'}, ${when(side.at)})`;
}

function shownValue(record: SiteRecord | null, field: keyof SiteRecord): string {
  if (!record) return '(no site)';
  const value = record[field];
  if (field === 'aiPrompt') return `${[...String(value)].length.toLocaleString('en')} characters`;
  if (value === null) return '(none)';
  if (value === '') return '""';
  return sanitizeLine(value instanceof Date ? value.toISOString() : value);
}

/** The prompt's unified diff for a terminal: every line escaped, coloured only on a terminal. */
function promptPatchText(patch: string, color: boolean): string {
  const lines = patch
    .split('\n')
    .filter((l) => !/^=+$/.test(l) && !l.startsWith('Index: '))
    .map((l) => l.replace(/^(---|\+\+\+) (.*?)\t.*$/, '$1 $2'))
    .map((l) => sanitizeLine(l.replace(/\t/g, '  ')));
  while (lines.at(-1) === '') lines.pop();
  if (!color) return lines.join('\n') + '\n';
  const paint = (l: string) =>
    /^(---|\+\+\+) /.test(l) ? `\x1b[1m${l}\x1b[0m` : l.startsWith('+') ? `\x1b[32m${l}\x1b[0m` : l.startsWith('-') ? `\x1b[31m${l}\x1b[0m` : l.startsWith('@@') ? `\x1b[36m${l}\x1b[0m` : l;
  return lines.map(paint).join('\n') + '\n';
}

function diffJson(d: RevisionDiff) {
  const side = (s: DiffSide) => ({ rev: s.rev, version: s.version, at: s.at?.toISOString() ?? null, site: s.record ? siteRecordToRow(s.record) : null });
  return {
    site_id: d.siteId,
    from: side(d.from),
    to: side(d.to),
    fields: d.fields.map((f) => ({ field: column(f.field), before: f.before, after: f.after })),
    prompt_patch: d.promptPatch,
  };
}

/** `cabinet sites diff ID REV [REV2|current]`: which fields differ, and the prompt as a unified diff. */
export async function diff(ctx: CommandContext): Promise<number> {
  onlyOptions(ctx, 'sites diff', []);
  maxArgs(ctx, 'sites diff', 3);
  const siteId = idArgument(ctx, 'sites diff', 'siteId', true)!;
  const from = parseRev(ctx.args[2], 'a REV');
  const to = ctx.args[3] === undefined ? 'current' : parseRev(ctx.args[3], 'REV2');
  return withServices(ctx, 'diff', false, async ({ revisions }) => {
    const d = await revisions.diff(siteId, from, to);
    if (ctx.flags.json) {
      printJson(ctx.io, diffJson(d));
      return ExitCode.ok;
    }
    const out = ctx.io.stdout;
    const header = `site ${sanitizeLine(siteId)}: ${sideLabel(d.from)} → ${sideLabel(d.to)}`;
    if (d.fields.length === 0) {
      out.write(`${header}\nNo differences.\n`);
      return ExitCode.ok;
    }
    // The prompt last: its unified diff follows.
    const fields = [...d.fields.filter((f) => f.field !== 'aiPrompt'), ...d.fields.filter((f) => f.field === 'aiPrompt')];
    const width = Math.max(...fields.map((f) => column(f.field).length)) + 2;
    const lines = fields.map((f) => `  ${column(f.field).padEnd(width)}${shownValue(d.from.record, f.field)} → ${shownValue(d.to.record, f.field)}`);
    out.write(`${header}\n${lines.join('\n')}\n`);
    if (d.promptPatch) out.write(promptPatchText(d.promptPatch, useColor(ctx.io.stdout)));
    return ExitCode.ok;
  });
}

/**
 * `cabinet sites restore ID --to REV`: shows the diff restoring makes, asks (or --yes), and writes the
 * revision's values back as a new revision. It is refused when the site changes between the diff and the write.
 */
export async function restore(ctx: CommandContext): Promise<number> {
  onlyOptions(ctx, 'sites restore', ['siteId', 'note', 'dryRun']);
  maxArgs(ctx, 'sites restore', 1);
  const siteId = idArgument(ctx, 'sites restore', 'siteId', true)!;
  if (ctx.flags.to === undefined) throw usageError('cabinet sites restore needs --to REV', `revisions: cabinet sites history ${sanitizeLine(siteId)}`);
  const rev = parseRev(ctx.flags.to, '--to REV');
  if (rev === 'current') throw usageError('--to takes a revision number', 'see cabinet sites history SITE_ID');
  return withServices(ctx, 'restore', true, async ({ sites, revisions }) => {
    try {
      const current = await sites.get(siteId);
      const d = await revisions.diff(siteId, 'current', rev);
      const target = d.to.record!;
      const values = Object.fromEntries(EDITABLE_SITE_FIELDS.map((f) => [f, target[f]])) as Partial<SiteRecord>;
      if (current && d.fields.length === 0) {
        ctx.io.stderr.write(`Nothing to restore: site ${sanitizeLine(siteId)} already has the values of revision ${rev}.\n`);
        if (ctx.flags.json) printJson(ctx.io, siteRecordToRow(current));
        return ExitCode.ok;
      }
      const before = current ? siteRecordToRow(current) : undefined;
      printDiff(ctx.io, name(siteId), before ? siteText(before) : null, siteText(fieldsToRow(siteId, values, before)));
      if (bool(ctx, 'dryRun')) {
        ctx.io.stderr.write('Dry run: nothing was written.\n');
        return ExitCode.ok;
      }
      if (!current) ctx.io.stderr.write(`Site ${sanitizeLine(siteId)} does not exist now: restoring creates it again, and n8n finds it on its next run.\n`);
      if (!(await confirmTyped(ctx.io, `Restore site ${siteId} to revision ${rev}?`, 'yes', ctx.flags.yes))) {
        ctx.io.stderr.write('Nothing was restored.\n');
        return ExitCode.failure;
      }
      // The values confirmed are restored over the row that was shown: a change since refuses the write.
      const change = await revisions.restore(siteId, rev, { ...note(ctx), ...(current ? { expectedVersion: current.version } : {}) });
      const to = change.after ? ` (now version ${change.after.version})` : '';
      ctx.io.stderr.write(`Restored site ${sanitizeLine(siteId)} to revision ${rev}${change.rev ? ` as revision ${change.rev}` : ''}${to}.\n`);
      if (ctx.flags.json && change.after) printJson(ctx.io, siteRecordToRow(change.after));
      return ExitCode.ok;
    } catch (error) {
      throw explainEditError(error, 'sites');
    }
  });
}
