import { ExitCode, usageError, type CabinetError } from '../lib/errors.ts';
import { sanitizeLine } from '../lib/sanitize.ts';
import type { DataServices } from '../services/data-services.ts';
import type { WriteOptions } from '../services/types.ts';
import type { CommandContext } from './command.ts';
import { confirmTyped } from './confirm.ts';
import { explainEditError, parseExpectVersion, withDataServices, type WriteTable } from './data.ts';
import { bool, idArgument, maxArgs, onlyOptions, str } from './options.ts';
import { printDiff, printJson } from './output.ts';

/**
 * What `cabinet sites set|delete` and `cabinet users set|delete` need to know about their table; the
 * steps (read the row, show the diff, dry run, confirm, write with the version shown, explain a refusal)
 * are runRecordWrite's, the same for both.
 */
export interface RecordWriteTarget<R extends { version: number }, P, F> {
  command: WriteTable;
  noun: 'site' | 'user';
  idOption: 'siteId' | 'userId';
  /** The options set and delete accept besides the id, --dry-run and --expect-version. */
  setOptions: readonly string[];
  deleteOptions: readonly string[];
  /** The fields given as options (set); `emptyHint` says which there are when none was. */
  readPatch(ctx: CommandContext): Promise<P>;
  emptyHint: string;
  /** The patch checked before connecting, with the services' own validators (the service checks again). */
  validatePatch(patch: P): F;
  get(services: DataServices, id: string): Promise<R | null>;
  update(services: DataServices, id: string, patch: P, options: WriteOptions): Promise<{ after: R | null; changed: readonly string[] }>;
  remove(services: DataServices, id: string, options: WriteOptions): Promise<R>;
  /** The write's options from the command line besides the version (--note, --allow-mixed-script). */
  writeOptions(ctx: CommandContext): WriteOptions;
  /** The record as the diff shows it, before and after the patch. */
  text(record: R): string;
  patchedText(id: string, current: R, fields: F): string;
  toJson(record: R): unknown;
  /** The changed fields as the table's columns (brand_name). */
  columns(changed: readonly string[]): string;
  notFound(id: string): CabinetError;
  /** Warnings about the row or the patch, said before the diff (set). */
  beforeDiff?(ctx: CommandContext, id: string, current: R, fields: F): void;
  /** Warnings about the result, said after the diff (set). */
  afterDiff?(ctx: CommandContext, id: string, current: R, fields: F): void;
  /** What the delete does beyond the row, said before the confirmation. */
  beforeDelete?(ctx: CommandContext, id: string): void;
}

/** `cabinet TABLE set` or `cabinet TABLE delete`, run for `target`. */
export function runRecordWrite<R extends { version: number }, P extends object, F>(
  action: 'set' | 'delete',
  target: RecordWriteTarget<R, P, F>,
): (ctx: CommandContext) => Promise<number> {
  return action === 'set' ? (ctx) => set(ctx, target) : (ctx) => remove(ctx, target);
}

/** Opens the database and the services for the write; a write (not a dry run) is refused up front when read-only. */
function withServices<T>(ctx: CommandContext, command: WriteTable, action: string, fn: (services: DataServices) => Promise<T>): Promise<T> {
  return withDataServices(ctx, { action: `${command} ${action}`, writes: bool(ctx, 'dryRun') ? undefined : command }, fn);
}

async function set<R extends { version: number }, P extends object, F>(ctx: CommandContext, t: RecordWriteTarget<R, P, F>): Promise<number> {
  const action = `${t.command} set`;
  onlyOptions(ctx, action, [...t.setOptions, t.idOption, 'dryRun', 'expectVersion']);
  maxArgs(ctx, action, 1);
  const id = idArgument(ctx, action, t.idOption, true)!;
  const expectedVersion = parseExpectVersion(str(ctx, 'expectVersion'));
  const patch = await t.readPatch(ctx);
  if (Object.keys(patch).length === 0) throw usageError('nothing to set', t.emptyHint);
  const fields = t.validatePatch(patch);
  return withServices(ctx, t.command, 'set', async (services) => {
    // With --expect-version the service refuses, in the write's own transaction, a row that moved on.
    const write = () => t.update(services, id, patch, { ...t.writeOptions(ctx), ...(expectedVersion === undefined ? {} : { expectedVersion }) });
    const updated = (change: { after: R | null; changed: readonly string[] }) => {
      const changed = change.changed.length === 0 ? 'nothing changed' : t.columns(change.changed);
      ctx.io.stderr.write(`Updated ${t.noun} ${sanitizeLine(id)}: ${changed}.\n`);
      if (ctx.flags.json && change.after) printJson(ctx.io, t.toJson(change.after));
      return ExitCode.ok;
    };
    try {
      const current = await t.get(services, id);
      // Already stale or gone: the service says so (version now, who changed it) before any diff is shown.
      if (expectedVersion !== undefined && current?.version !== expectedVersion) return updated(await write());
      if (!current) throw t.notFound(id);
      t.beforeDiff?.(ctx, id, current, fields);
      const beforeText = t.text(current);
      const afterText = t.patchedText(id, current, fields);
      if (beforeText === afterText) {
        ctx.io.stderr.write(`No change: ${t.noun} ${sanitizeLine(id)} already has these values.\n`);
        if (ctx.flags.json) printJson(ctx.io, t.toJson(current));
        return ExitCode.ok;
      }
      printDiff(ctx.io, `${t.command}/${id}`, beforeText, afterText);
      t.afterDiff?.(ctx, id, current, fields);
      if (bool(ctx, 'dryRun')) {
        ctx.io.stderr.write('Dry run: nothing was written.\n');
        return ExitCode.ok;
      }
      return updated(await write());
    } catch (error) {
      throw explainEditError(error, t.command);
    }
  });
}

async function remove<R extends { version: number }, P extends object, F>(ctx: CommandContext, t: RecordWriteTarget<R, P, F>): Promise<number> {
  const action = `${t.command} delete`;
  onlyOptions(ctx, action, [...t.deleteOptions, t.idOption, 'dryRun', 'expectVersion']);
  maxArgs(ctx, action, 1);
  const id = idArgument(ctx, action, t.idOption, true)!;
  const expectedVersion = parseExpectVersion(str(ctx, 'expectVersion'));
  return withServices(ctx, t.command, 'delete', async (services) => {
    const deleted = (record: R) => {
      ctx.io.stderr.write(`Deleted ${t.noun} ${sanitizeLine(id)}.\n`);
      if (ctx.flags.json) printJson(ctx.io, t.toJson(record));
      return ExitCode.ok;
    };
    try {
      const current = await t.get(services, id);
      // Already stale or gone: refused by the service with the version now and who changed it.
      if (expectedVersion !== undefined && current?.version !== expectedVersion) return deleted(await t.remove(services, id, { ...t.writeOptions(ctx), expectedVersion }));
      if (!current) throw t.notFound(id);
      printDiff(ctx.io, `${t.command}/${id}`, t.text(current), null);
      if (bool(ctx, 'dryRun')) {
        ctx.io.stderr.write('Dry run: nothing was deleted.\n');
        return ExitCode.ok;
      }
      t.beforeDelete?.(ctx, id);
      if (!(await confirmTyped(ctx.io, `Delete ${t.noun} ${id}?`, id, ctx.flags.yes))) {
        ctx.io.stderr.write('Nothing was deleted.\n');
        return ExitCode.failure;
      }
      // What was shown and confirmed is what gets deleted: a change made since refuses the delete.
      return deleted(await t.remove(services, id, { ...t.writeOptions(ctx), expectedVersion: expectedVersion ?? current.version }));
    } catch (error) {
      throw explainEditError(error, t.command);
    }
  });
}
