import type { EntityManager } from '@mikro-orm/postgresql';
import type { DbSession } from '../../db/session.ts';
import { toDatabaseError } from '../../db/db-errors.ts';
import type { TransactionRunner } from '../../db/sql-client.ts';
import { CabinetError } from '../../lib/errors.ts';
import type { InputRecord } from '../../lib/json-records.ts';
import { appendRevision, EDITABLE_SITE_FIELDS, lastRevision, stateAtVersion } from '../site-revisions.ts';
import { threeWay } from '../three-way.ts';
import { sanitizeLine } from '../../lib/sanitize.ts';
import type { SiteRecord } from '../types.ts';
import { PROMPT_MAX_CHARS } from '../../schema/limits.ts';
import { validateSiteField } from '../validation/site-input.ts';
import { mixedScriptWarning } from '../validation/domain-scripts.ts';
import { domainForDisplay } from '../../schema/field-rules.ts';
import { asGivenWarning, refusalOf } from './as-given.ts';
import { processActor, validateActor, validateNote } from '../write-context.ts';
import { pgErrorOf } from '../write-errors.ts';
import {
  readTimesAndVersion,
  InvalidImportError,
  isoSql,
  isPlainObject,
  ProblemList,
  unknownKeys,
  type ImportOptions,
  type ImportPlan,
  type ImportResult,
  type PlannedRow,
} from './records.ts';
import { SITE_FIELD_OF, SITE_KEYS, siteRowToRecord, siteText, type SiteKey, type SiteRow } from './site-columns.ts';

type EditableKey = 'domain' | 'brand_name' | 'language' | 'ai_script_id' | 'hubspot_pipeline' | 'hubspot_stage' | 'ai_prompt';
const EDITABLE: EditableKey[] = ['domain', 'brand_name', 'language', 'ai_script_id', 'hubspot_pipeline', 'hubspot_stage', 'ai_prompt'];
const NULLABLE = new Set<SiteKey>(['ai_script_id', 'hubspot_pipeline', 'hubspot_stage']);

/** A valid import record: the columns it names, as given (see as-given.ts). */
interface SiteImportRow {
  where: string;
  line: number;
  siteId: string;
  values: Partial<Record<EditableKey, string | null>>;
  /** Bookkeeping columns, used only when the row is created (a restore from an export). */
  createdAt?: string;
  version?: number;
  updatedAt?: string;
}

type ParsedSite = { ok: true; row: Omit<SiteImportRow, 'where' | 'line'>; warnings: string[] } | { ok: false; error: string };

/**
 * Checks one record. A value is refused only when the database could not hold it (NUL, not Unicode, a
 * missing NOT NULL column, a prompt over the CHECK's size); anything cabinet's validation would write
 * otherwise is kept byte for byte and named in `warnings`.
 */
export function parseSiteRecord(value: unknown): ParsedSite {
  if (!isPlainObject(value)) return { ok: false, error: 'expected a JSON object with site_id, domain, brand_name, …' };
  const errors: string[] = [];
  const warnings: string[] = [];
  const unknown = unknownKeys(value, SITE_KEYS);
  if (unknown.length > 0) errors.push(`unknown field${unknown.length === 1 ? '' : 's'} ${unknown.join(', ')} (known: ${SITE_KEYS.join(', ')})`);
  const raw = value.site_id;
  let siteId = '';
  if (typeof raw !== 'string') errors.push('site_id is required (a string)');
  else {
    const refused = refusalOf('site_id', raw);
    if (refused) errors.push(refused);
    else {
      siteId = raw;
      const warning = asGivenWarning('site_id', raw, validateSiteField('siteId', raw));
      if (warning) warnings.push(warning);
    }
  }
  const values: SiteImportRow['values'] = {};
  for (const key of EDITABLE) {
    if (!(key in value)) continue;
    let v = value[key];
    if (v === null) {
      if (NULLABLE.has(key)) values[key] = null;
      else errors.push(`${key} cannot be null`);
      continue;
    }
    if (typeof v === 'number' && Number.isSafeInteger(v) && (key === 'hubspot_pipeline' || key === 'hubspot_stage')) v = String(v);
    if (typeof v !== 'string') {
      errors.push(`${key} must be a string`);
      continue;
    }
    const refused = refusalOf(key, v) ?? (key === 'ai_prompt' && [...v].length > PROMPT_MAX_CHARS ? `ai_prompt is longer than ${PROMPT_MAX_CHARS.toLocaleString('en')} characters (the database's limit)` : undefined);
    if (refused) {
      errors.push(refused);
      continue;
    }
    values[key] = v;
    const checked = validateSiteField(SITE_FIELD_OF[key], v);
    const warning = asGivenWarning(key, v, checked);
    if (warning) warnings.push(warning);
    // A look-alike domain (UTS 39 mixed scripts) is imported, as what was there, but said.
    const ascii = key === 'domain' && checked.ok ? checked.value : null;
    const mixed = ascii ? mixedScriptWarning(ascii) : undefined;
    if (ascii && mixed) warnings.push(`domain ${domainForDisplay(ascii)}: ${mixed}`);
  }
  const row: Omit<SiteImportRow, 'where' | 'line'> = { siteId, values };
  const { times, version } = readTimesAndVersion(value, ['created_at', 'updated_at'], ['created_at', 'updated_at'], errors);
  if (times.created_at !== undefined) row.createdAt = times.created_at;
  if (times.updated_at !== undefined) row.updatedAt = times.updated_at;
  if (version !== undefined) row.version = version;
  if (errors.length > 0) return { ok: false, error: errors.join('; ') };
  return { ok: true, row, warnings };
}

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
    let after: SiteRecord;
    if (planned.action === 'create') {
      const v = row.values;
      const [inserted] = await run<SiteRow>(
        `insert into sites (site_id, domain, brand_name, language, ai_script_id, hubspot_pipeline, hubspot_stage, ai_prompt,
                            created_at, version, updated_at)
         values (?, ?, ?, ?, ?, ?, ?, ?, coalesce(?::timestamptz, now()), coalesce(?::int, 1), coalesce(?::timestamptz, now()))
         returning ${COLUMNS_SQL}`,
        [row.siteId, v.domain, v.brand_name, v.language ?? 'en', v.ai_script_id ?? null, v.hubspot_pipeline ?? null, v.hubspot_stage ?? null, v.ai_prompt ?? '',
          row.createdAt ?? null, row.version ?? null, row.updatedAt ?? row.createdAt ?? null],
      );
      after = siteRowToRecord(inserted!);
      const changed = EDITABLE_SITE_FIELDS.filter((f) => after[f] !== null && after[f] !== '');
      await appendRevision(tx, { siteId: row.siteId, action: 'create', version: after.version, changed, before: null, after, ...who });
      return;
    }
    // Column names come from the fixed EDITABLE list, never from the input.
    const keys = planned.fields as EditableKey[];
    const [updated] = await run<SiteRow>(`update sites set ${keys.map((k) => `${k} = ?`).join(', ')} where site_id = ? returning ${COLUMNS_SQL}`, [
      ...keys.map((k) => row.values[k]),
      row.siteId,
    ]);
    after = siteRowToRecord(updated!);
    const before = siteRowToRecord(currentRow!);
    const changed = keys.map((k) => SITE_FIELD_OF[k]);
    await appendRevision(tx, { siteId: row.siteId, action: 'update', version: after.version, changed, before, after, ...who });
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
        const missing = (['domain', 'brand_name'] as const).filter((k) => row.values[k] === undefined);
        if (missing.length > 0) {
          problems.add(row.where, `new site ${row.siteId} needs ${missing.join(' and ')}`, row.line);
          continue;
        }
        const after: Partial<SiteRow> = { language: 'en', ai_prompt: '', ai_script_id: null, hubspot_pipeline: null, hubspot_stage: null, ...row.values };
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
