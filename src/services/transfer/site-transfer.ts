import type { EntityManager } from '@mikro-orm/postgresql';
import type { DbSession } from '../../db/session.ts';
import { toDatabaseError } from '../../db/db-errors.ts';
import type { TransactionRunner } from '../../db/sql-client.ts';
import { CabinetError } from '../../lib/errors.ts';
import type { InputRecord } from '../../lib/json-records.ts';
import { appendRevision, lastRevision, stateAtVersion } from '../site-revisions.ts';
import { threeWay } from '../three-way.ts';
import { sanitizeLine } from '../../lib/sanitize.ts';
import { processActor, validateActor, validateNote } from '../write-context.ts';
import { pgErrorOf } from '../write-errors.ts';
import {
  InvalidImportError,
  isoSql,
  ProblemList,
  type ImportOptions,
  type ImportPlan,
  type ImportResult,
  type PlannedRow,
} from './records.ts';
import {
  EDITABLE_KEYS as EDITABLE,
  NEW_SITE_DEFAULTS,
  REQUIRED_NEW_KEYS,
  SITE_FIELD_OF,
  SITE_KEYS,
  siteRowToRecord,
  siteText,
  type EditableKey,
  type SiteRow,
} from './site-columns.ts';
import { parseSiteRecord, type SiteImportRow } from './site-records.ts';

const COLUMNS_SQL = SITE_KEYS.map((k) => (k === 'created_at' || k === 'updated_at' ? `${isoSql(k)} as ${k}` : k)).join(', ');

/** Every site, ordered by site id (byte order, the same on every server), all columns. Sites are few. */
export async function exportSites(transaction: TransactionRunner, write: (row: SiteRow) => void | Promise<void>): Promise<number> {
  return transaction(async (client) => {
    const { rows } = await client.query<SiteRow>(`select ${COLUMNS_SQL} from sites order by site_id collate "C"`);
    for (const row of rows) await write(row);
    return rows.length;
  });
}

/**
 * Sites to and from JSON. The table is small (one row per customer site), so an import is read whole,
 * checked against the live rows, and applied row by row inside one transaction, each change recorded in
 * the site's history (site_revisions) like an edit in the console.
 */
export class SiteTransfer {
  readonly #db: Pick<DbSession, 'orm' | 'target'>;
  readonly #actor: string;

  constructor(db: Pick<DbSession, 'orm' | 'target'>, context: { actor?: string } = {}) {
    this.#db = db;
    this.#actor = context.actor ?? processActor();
  }

  async import(records: AsyncIterable<InputRecord>, options: ImportOptions & { actor?: string; note?: string } = {}): Promise<ImportResult> {
    const who = { actor: validateActor(options.actor, this.#actor), note: validateNote(options.note) ?? 'cabinet sites import' };
    const problems = new ProblemList();
    const rows: SiteImportRow[] = [];
    const firstSeen = new Map<string, string>();
    let warnings = 0;
    for await (const record of records) {
      if (record.error) {
        problems.add(record.where, record.error, record.line);
        continue;
      }
      const parsed = parseSiteRecord(record.value);
      if (!parsed.ok) {
        problems.add(record.where, parsed.error, record.line);
        continue;
      }
      const earlier = firstSeen.get(parsed.row.siteId);
      if (earlier) {
        problems.add(record.where, `site ${parsed.row.siteId} appears twice (also at ${earlier})`, record.line);
        continue;
      }
      firstSeen.set(parsed.row.siteId, record.where);
      for (const message of parsed.warnings) {
        warnings++;
        options.onWarning?.({ where: record.where, message });
      }
      rows.push({ where: record.where, line: record.line, ...parsed.row });
      options.onProgress?.(rows.length);
    }
    // Rows that are fine on their own are still checked against the database, so one run reports everything.

    const em = (this.#db.orm.em as unknown as EntityManager).fork();
    try {
      return await em.transactional(async (tx) => {
        const run = <T extends object>(sql: string, params: unknown[] = []) =>
          tx.getConnection().execute<T[]>(sql, params, 'all', tx.getTransactionContext());
        // The rows this import may change stay as planned until it commits.
        if (rows.length > 0) await run(`select 1 from sites where site_id in (${rows.map(() => '?').join(', ')}) for update`, rows.map((r) => r.siteId));
        const current = new Map((await run<SiteRow>(`select ${COLUMNS_SQL} from sites`)).map((r) => [r.site_id!, r]));
        const writable = await this.#olderRows(tx, rows, current, problems, options.force ?? false);
        const plan = this.#plan(rows, current, problems, writable);
        if (problems.count > 0) throw new InvalidImportError('site', problems);
        if (options.dryRun || plan.created + plan.changed === 0) return { plan, applied: false, warnings };
        if (options.confirm && !(await options.confirm(plan))) return { plan, applied: false, warnings };
        const byId = new Map(rows.map((r) => [r.siteId, r]));
        for (const p of plan.rows) {
          if (p.action === 'unchanged') continue;
          try {
            await this.#applyRow(tx, run, byId.get(p.id)!, p, current.get(p.id) ?? null, who);
          } catch (error) {
            const { code, constraint } = pgErrorOf(error);
            if (code !== '23505') throw error;
            // Another writer got there first, or two sites in the file swap domains (not possible in one step).
            throw new CabinetError(`${p.where}: site ${p.id} violates ${constraint ?? 'a unique constraint'}; nothing was imported`, { code: 'conflict', cause: error });
          }
        }
        return { plan, applied: true, warnings };
      });
    } catch (error) {
      throw toDatabaseError(error, this.#db.target);
    }
  }

  async #applyRow(
    tx: EntityManager,
    run: <T extends object>(sql: string, params?: unknown[]) => Promise<T[]>,
    row: SiteImportRow,
    planned: PlannedRow,
    currentRow: SiteRow | null,
    who: { actor: string; note: string },
  ): Promise<void> {
    if (planned.action === 'create') {
      // Every column the import may give, with a new site's defaults for those left out; the database's own
      // bookkeeping only when the file carries it (a restore from an export).
      const values = { ...NEW_SITE_DEFAULTS, ...row.values };
      const [inserted] = await run<SiteRow>(
        `insert into sites (site_id, ${EDITABLE.join(', ')}, created_at, version, updated_at)
         values (?, ${EDITABLE.map(() => '?').join(', ')}, coalesce(?::timestamptz, now()), coalesce(?::int, 1), coalesce(?::timestamptz, now()))
         returning ${COLUMNS_SQL}`,
        [row.siteId, ...EDITABLE.map((k) => values[k] ?? null), row.createdAt ?? null, row.version ?? null, row.updatedAt ?? row.createdAt ?? null],
      );
      await appendRevision(tx, { siteId: row.siteId, action: 'create', before: null, after: siteRowToRecord(inserted!), ...who });
      return;
    }
    // Column names come from the fixed EDITABLE list, never from the input.
    const keys = planned.fields as EditableKey[];
    const [updated] = await run<SiteRow>(`update sites set ${keys.map((k) => `${k} = ?`).join(', ')} where site_id = ? returning ${COLUMNS_SQL}`, [
      ...keys.map((k) => row.values[k]),
      row.siteId,
    ]);
    await appendRevision(tx, { siteId: row.siteId, action: 'update', before: siteRowToRecord(currentRow!), after: siteRowToRecord(updated!), ...who });
  }

  /**
   * Rows exported at a version older than the row now (someone wrote since): by the one rule, the file's
   * fields that only the file changed are written, fields only they changed keep theirs, and a field both
   * changed refuses the row (naming the fields, who and when) unless `force`. Returns, per such row, the
   * fields it may write. With no history of the file's version, every field that differs is a conflict.
   */
  async #olderRows(tx: EntityManager, rows: SiteImportRow[], current: Map<string, SiteRow>, problems: ProblemList, force: boolean): Promise<Map<string, Set<EditableKey>>> {
    const writable = new Map<string, Set<EditableKey>>();
    for (const row of rows) {
      const now = current.get(row.siteId);
      if (!now || row.version === undefined || now.version === undefined || now.version === null || row.version >= Number(now.version)) continue;
      const theirs = siteRowToRecord(now);
      const baseRecord = await stateAtVersion(tx, row.siteId, row.version, theirs.createdAt);
      const base = baseRecord ? (Object.fromEntries(EDITABLE.map((k) => [k, baseRecord[SITE_FIELD_OF[k]] as string | null])) as Record<EditableKey, string | null>) : null;
      const mine = Object.fromEntries(EDITABLE.filter((k) => k in row.values).map((k) => [k, row.values[k] ?? null])) as Partial<Record<EditableKey, string | null>>;
      const rule = threeWay(EDITABLE, base, now as Record<EditableKey, string | null>, mine);
      if (rule.conflicts.length > 0 && !force) {
        const last = await lastRevision(tx, row.siteId);
        const by = last && last.version === theirs.version ? `by ${sanitizeLine(last.actor)}` : 'outside cabinet';
        problems.add(
          row.where,
          `site ${row.siteId} was changed ${by} at ${theirs.updatedAt.toISOString()} since this file's version ${row.version} (now ${theirs.version}); ` +
            `changed on both sides: ${rule.conflicts.join(', ')} (export again, or --force to write the file's values over theirs)`,
          row.line,
        );
        continue;
      }
      writable.set(row.siteId, new Set([...rule.mine, ...(force ? rule.conflicts : [])]));
    }
    return writable;
  }

  #plan(rows: SiteImportRow[], current: Map<string, SiteRow>, problems: ProblemList, writable: Map<string, Set<EditableKey>> = new Map()): ImportPlan {
    const planned: PlannedRow[] = [];
    // Domains must stay unique once everything is applied: look at the final state, not the file alone.
    const finalDomain = new Map<string, string>();
    for (const [id, row] of current) finalDomain.set(id, row.domain!);
    for (const row of rows) if (row.values.domain != null) finalDomain.set(row.siteId, row.values.domain);
    const sitesByDomain = new Map<string, string[]>();
    for (const [id, domain] of finalDomain) sitesByDomain.set(domain, [...(sitesByDomain.get(domain) ?? []), id]);
    const whereOf = new Map(rows.map((r) => [r.siteId, r.where]));
    for (const row of rows) {
      const before = current.get(row.siteId) ?? null;
      const domain = finalDomain.get(row.siteId);
      const owner = domain === undefined ? undefined : sitesByDomain.get(domain)!.find((id) => id !== row.siteId);
      if (owner) {
        const at = whereOf.get(owner);
        problems.add(row.where, `domain ${domain} is also used by site ${owner}${at ? ` (${at})` : ' in the database'}`, row.line);
        continue;
      }
      if (!before) {
        const missing = REQUIRED_NEW_KEYS.filter((k) => row.values[k] === undefined);
        if (missing.length > 0) {
          problems.add(row.where, `new site ${row.siteId} needs ${missing.join(' and ')}`, row.line);
          continue;
        }
        const after: Partial<SiteRow> = { ...NEW_SITE_DEFAULTS, ...row.values };
        planned.push({ id: row.siteId, where: row.where, action: 'create', fields: Object.keys(row.values), before: null, after: siteText(after) });
        continue;
      }
      // A row from an older version writes only what the rule lets it (their newer fields stay).
      const allowed = writable.get(row.siteId);
      const fields = EDITABLE.filter((k) => k in row.values && row.values[k] !== before[k] && (!allowed || allowed.has(k)));
      planned.push({
        id: row.siteId,
        where: row.where,
        action: fields.length > 0 ? 'change' : 'unchanged',
        fields,
        before: siteText(before),
        after: siteText({ ...before, ...Object.fromEntries(fields.map((k) => [k, row.values[k]])) }),
      });
    }
    return {
      entity: 'site',
      total: rows.length,
      created: planned.filter((p) => p.action === 'create').length,
      changed: planned.filter((p) => p.action === 'change').length,
      unchanged: planned.filter((p) => p.action === 'unchanged').length,
      rows: planned,
      sampled: false,
    };
  }
}
