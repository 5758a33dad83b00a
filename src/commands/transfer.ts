import fs from 'node:fs';
import { confirmTyped } from './confirm.ts';
import { CabinetError, ExitCode, usageError } from '../lib/errors.ts';
import { readRecords, type InputRecord } from '../lib/json-records.ts';
import { formatBytes, progress } from '../lib/progress.ts';
import { tableRenderer } from '../lib/lazy-table.ts';
import type { DataServices } from '../services/data-services.ts';
import type { ReadServices } from '../services/read-services.ts';
import { withReadServices } from './data.ts';
import { processActor } from '../services/write-context.ts';
import { sanitizeLine } from '../lib/sanitize.ts';
import { MAX_EXPORT_JOBS } from '../services/transfer/user-export.ts';
import { InvalidImportError, type ImportWarning, type ImportOptions, type ImportPlan, type ImportResult, type PlannedRow } from '../services/transfer/records.ts';
import type { CommandContext, CommandIO } from './command.ts';
import { assertGate, refuseWhenReadOnly } from './read-only.ts';
import { bool, maxArgs, onlyOptions, str } from './options.ts';
import { printDiff, recordText, tableWidth } from './output.ts';
import { openExportOutput } from './transfer-output.ts';

/** What export and import need to know about an entity. */
export interface TransferKind {
  command: 'sites' | 'users';
  noun: string;
  plural: string;
  /** Every row as the export's JSON text (NDJSON or an array); `write` gets text and the rows it holds. */
  export(services: ReadServices, format: ExportFormat, write: (text: string | Uint8Array, rows: number) => void | Promise<void>, options: { jobs?: number; reuseText?: boolean }): Promise<number>;
  import(services: DataServices, records: AsyncIterable<InputRecord>, options: ImportOptions & { note?: string }): Promise<ImportResult>;
}

export type ExportFormat = 'ndjson' | 'array';

/** An export of a kind whose service hands over row objects (sites: few rows), as JSON text. */
export function exportObjects(source: (services: ReadServices, write: (row: object) => void | Promise<void>) => Promise<number>): TransferKind['export'] {
  return async (services, format, write) => {
    const text = recordText(format === 'ndjson');
    const n = await source(services, (row) => write(text.record(row), 1));
    await write(text.end(), 0);
    return n;
  };
}

/** A count with thousands separators (`1,000,000`, as toLocaleString('en')), without starting ICU's number formatting (15 ms). */
const count = (n: number) => String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
const plural = (n: number, kind: TransferKind) => `${count(n)} ${n === 1 ? kind.noun : kind.plural}`;

/** `cabinet sites export` / `cabinet users export`: every row, all columns, stable order. */
export async function runExport(ctx: CommandContext, kind: TransferKind, extraOptions: string[] = []): Promise<number> {
  onlyOptions(ctx, `${kind.command} export`, ['ndjson', 'output', ...extraOptions]);
  maxArgs(ctx, `${kind.command} export`, 0);
  const file = str(ctx, 'output');
  const jobs = parseJobs(str(ctx, 'jobs'));
  // Reading only: the light read pool, without loading the ORM (the embedded sandbox may first need it).
  return withReadServices(ctx, `${kind.command} export`, async (services) => {
    const out = openExportOutput(ctx.io, file);
    const bar = progress(ctx.io.stderr);
    try {
      let rows = 0;
      let shown = 0;
      const counted = (more: number) => {
        rows += more;
        // At most five times a second (the bar's own limit): a number formatted for each chunk cost 3% of a million-user export.
        const now = performance.now();
        if (rows >= 1000 && now - shown >= 200) {
          shown = now;
          bar.update(`exporting ${kind.plural}: ${count(rows)}`);
        }
      };
      // A file is written before `write` returns: the export may then reuse its buffer for the next chunk.
      const toFile = file !== undefined && file !== '-';
      const n = await kind.export(services, bool(ctx, 'ndjson') ? 'ndjson' : 'array', (text, held) => {
        const written = out.write(text);
        if (written === undefined) return counted(held);
        return written.then(() => counted(held));
      }, { ...(jobs === undefined ? {} : { jobs }), reuseText: toFile });
      await out.commit();
      bar.done();
      if (file !== undefined && file !== '-') ctx.io.stderr.write(`Exported ${plural(n, kind)} to ${file}.\n`);
      return ExitCode.ok;
    } catch (error) {
      bar.done();
      out.abort();
      throw error;
    }
  });
}

/** `--jobs N`: parallel COPY streams for an export, 1 to MAX_EXPORT_JOBS. */
function parseJobs(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value.trim()) || Number(value) < 1 || Number(value) > MAX_EXPORT_JOBS) {
    throw usageError(`--jobs must be a whole number from 1 to ${MAX_EXPORT_JOBS}, not "${sanitizeLine(value)}"`);
  }
  return Number(value);
}

function openInput(ctx: CommandContext, kind: TransferKind, file: string | undefined): { stream: AsyncIterable<Buffer | string>; size?: number; fromStdin: boolean } {
  if (file === undefined || file === '-') {
    if (ctx.io.stdin.isTTY) throw usageError(`cabinet ${kind.command} import needs a FILE, or data piped to stdin`, `e.g. cabinet ${kind.command} import ${kind.command}.ndjson`);
    return { stream: ctx.io.stdin as AsyncIterable<Buffer>, fromStdin: true };
  }
  let size: number;
  try {
    const stat = fs.statSync(file);
    if (!stat.isFile()) throw new CabinetError(`${file} is not a file`, { code: 'input' });
    size = stat.size;
  } catch (error) {
    if (error instanceof CabinetError) throw error;
    throw new CabinetError(`cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`, { code: 'input' });
  }
  return { stream: fs.createReadStream(file), size, fromStdin: false };
}

async function planTable(io: CommandIO, plan: ImportPlan, onlyChanges = false): Promise<string> {
  const label = { create: 'create', change: 'change', unchanged: 'unchanged' } as const;
  return (await tableRenderer())<PlannedRow>(
    [
      { header: 'ACTION', value: (r) => label[r.action] },
      { header: plan.entity === 'site' ? 'SITE ID' : 'USER ID', value: (r) => r.id },
      { header: 'FIELDS', value: (r) => (r.action === 'change' ? r.fields.join(', ') : ''), truncate: true },
      { header: 'WHERE', value: (r) => r.where, truncate: true },
    ],
    onlyChanges ? plan.rows.filter((r) => r.action !== 'unchanged') : plan.rows,
    { width: tableWidth(io) },
  );
}

export function summary(plan: ImportPlan, kind: TransferKind, applied: boolean): string {
  const verbs = applied ? ['Created', 'changed', 'left'] : ['Would create', 'change', 'leave'];
  return `${verbs[0]} ${plural(plan.created, kind)}, ${verbs[1]} ${count(plan.changed)}, ${verbs[2]} ${count(plan.unchanged)} alone.`;
}

function planJson(plan: ImportPlan, applied: boolean) {
  return {
    applied,
    total: plan.total,
    created: plan.created,
    changed: plan.changed,
    unchanged: plan.unchanged,
    sampled: plan.sampled,
    rows: plan.rows.map((r) => ({ action: r.action, id: r.id, where: r.where, ...(r.action === 'change' ? { fields: r.fields } : {}) })),
  };
}

/** The diffs of what would change (sites), on stderr: a change that writes is shown before it is made. */
function printPlanDiffs(ctx: CommandContext, plan: ImportPlan, kind: TransferKind, creates = true): void {
  for (const row of plan.rows) {
    if (row.action === 'unchanged' || row.after === undefined || (row.action === 'create' && !creates)) continue;
    printDiff(ctx.io, `${kind.command}/${row.id}`, row.before ?? null, row.after);
  }
}

/** Prints the rows an import refused, one line each, before the one-line error. */
export function reportProblems(ctx: CommandContext, error: unknown): void {
  if (!(error instanceof InvalidImportError)) return;
  for (const p of error.problems) ctx.io.stderr.write(`cabinet: ${sanitizeLine(p.where)}: ${sanitizeLine(p.message)}\n`);
  if (error.count > error.problems.length) ctx.io.stderr.write(`cabinet: … and ${error.count - error.problems.length} more\n`);
}

/** The most warning lines printed; the count goes on (a million odd addresses would bury everything else). */
const MAX_WARNING_LINES = 1000;

/** Prints each import warning as one line on stderr as it comes, and counts them. */
function warningPrinter(ctx: CommandContext) {
  let count = 0;
  return {
    add(warning: ImportWarning): void {
      count++;
      if (count <= MAX_WARNING_LINES) ctx.io.stderr.write(`cabinet: warning: ${warning.where}: ${sanitizeLine(warning.message)}\n`);
    },
    /** The closing line: how many, and how many were not printed. */
    summary(): void {
      if (count === 0) return;
      const hidden = count > MAX_WARNING_LINES ? ` (the first ${MAX_WARNING_LINES.toLocaleString('en')} shown)` : '';
      ctx.io.stderr.write(`cabinet: ${count.toLocaleString('en')} warning${count === 1 ? '' : 's'}${hidden}: values kept as given that cabinet would write otherwise\n`);
    },
  };
}

/** Plans, prints the plan, asks when existing rows would change, and applies in one transaction. */
export async function applyRecords(
  ctx: CommandContext,
  kind: TransferKind,
  services: DataServices,
  records: AsyncIterable<InputRecord>,
  options: {
    dryRun: boolean;
    /** Rows from an older version may write fields someone else changed since (import --force). */
    force?: boolean;
    note?: string;
    onProgress?: (rows: number) => void;
    /** No table of planned rows on stderr (the caller prints its own summary). */
    quietPlan?: boolean;
    /** Diffs for rows that would be created too (default); seeding shows only changes to existing rows. */
    diffCreates?: boolean;
  },
): Promise<ImportResult> {
  const io = ctx.io;
  const warnings = warningPrinter(ctx);
  try {
    const result = await kind.import(services, records, {
      dryRun: options.dryRun,
      ...(options.force ? { force: true } : {}),
      onWarning: warnings.add,
      ...(options.note === undefined ? {} : { note: options.note }),
      ...(options.onProgress ? { onProgress: options.onProgress } : {}),
      confirm: async (plan) => {
        printPlanDiffs(ctx, plan, kind, options.diffCreates ?? true);
        if (!options.quietPlan && plan.created + plan.changed > 0) io.stderr.write(await planTable(io, plan, true));
        if (!options.quietPlan) io.stderr.write(summary(plan, kind, false) + '\n');
        if (plan.locks) io.stderr.write(`Note: ${plan.locks}.\n`);
        // Creating rows destroys nothing; overwriting existing ones needs a yes.
        if (plan.changed === 0) return true;
        return confirmTyped(io, `Change ${plural(plan.changed, kind)}?`, 'yes', ctx.flags.yes);
      },
    });
    if (options.dryRun) printPlanDiffs(ctx, result.plan, kind, options.diffCreates ?? true);
    warnings.summary();
    return result;
  } catch (error) {
    warnings.summary();
    reportProblems(ctx, error);
    throw error;
  }
}

/** `cabinet sites import` / `cabinet users import`: JSON array or NDJSON, from a file or stdin. */
export async function runImport(ctx: CommandContext, kind: TransferKind, extraOptions: string[] = []): Promise<number> {
  onlyOptions(ctx, `${kind.command} import`, ['dryRun', ...extraOptions]);
  const note = str(ctx, 'note');
  maxArgs(ctx, `${kind.command} import`, 1);
  const dryRun = bool(ctx, 'dryRun');
  const input = openInput(ctx, kind, ctx.args[1]);
  const action = `${kind.command} import`;
  // A dry run writes nothing, so it is allowed read-only too.
  if (!dryRun) refuseWhenReadOnly(ctx, action);
  const context = { readOnly: ctx.flags.readOnly, ...(ctx.flags.actor === undefined ? {} : { actor: processActor(ctx.flags.actor) }) };
  const db = await ctx.openDb();
  const bar = progress(ctx.io.stderr);
  try {
    const { openDataServices } = await import('../services/data-services.ts');
    const services = await openDataServices(db, (l) => ctx.io.stderr.write(`cabinet: ${sanitizeLine(l)}\n`), context);
    if (!dryRun) assertGate(services.gates[kind.command], action);
    let bytes = 0;
    const records = readRecords(input.stream, { onBytes: (n) => (bytes += n) });
    const result = await applyRecords(ctx, kind, services, records, {
      dryRun,
      ...(extraOptions.includes('force') && bool(ctx, 'force') ? { force: true } : {}),
      ...(note === undefined ? {} : { note }),
      onProgress: (rows) =>
        bar.update(`reading ${kind.plural}: ${rows.toLocaleString('en')} rows, ${formatBytes(bytes)}${input.size ? ` of ${formatBytes(input.size)}` : ''}`),
    });
    bar.done();
    const { plan, applied } = result;
    if (ctx.flags.json) {
      ctx.io.stdout.write(JSON.stringify(planJson(plan, applied), null, 2) + '\n');
    } else if (dryRun) {
      ctx.io.stdout.write(await planTable(ctx.io, plan));
      if (plan.sampled) ctx.io.stdout.write(`(the first rows of each kind; ${plural(plan.total, kind)} in all)\n`);
      ctx.io.stdout.write(`${summary(plan, kind, false)} Dry run: nothing was written.\n`);
      if (plan.locks) ctx.io.stdout.write(`Note: ${plan.locks}.\n`);
    }
    if (!dryRun) {
      if (applied) ctx.io.stderr.write(`${summary(plan, kind, true)}\n${result.note ? `Note: ${result.note}.\n` : ''}`);
      else if (plan.created + plan.changed === 0) ctx.io.stderr.write(`Nothing to import: all ${plural(plan.total, kind)} are already up to date.\n`);
      else {
        ctx.io.stderr.write('Nothing was imported.\n');
        return ExitCode.failure;
      }
    }
    return ExitCode.ok;
  } finally {
    bar.done();
    await db.close();
  }
}
