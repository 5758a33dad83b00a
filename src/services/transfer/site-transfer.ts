import type { DbSession } from '../../db/session.ts';
import { withSqlClient, withTransaction, type SqlClient } from '../../db/sql-client.ts';
import type { InputRecord } from '../../lib/json-records.ts';
import { validateSiteField } from '../validation/site-input.ts';
import { pgErrorOf } from '../write-errors.ts';
import { CabinetError } from '../../lib/errors.ts';
import {
  checkTimestamp,
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
import { SITE_FIELD_OF, SITE_KEYS, siteText, type SiteKey, type SiteRow } from './site-columns.ts';

type EditableKey = Exclude<SiteKey, 'site_id' | 'created_at'>;
const EDITABLE: EditableKey[] = ['domain', 'brand_name', 'language', 'ai_script_id', 'hubspot_pipeline', 'hubspot_stage', 'ai_prompt'];
const NULLABLE = new Set<SiteKey>(['ai_script_id', 'hubspot_pipeline', 'hubspot_stage']);

/** A valid import record: the columns it names, normalised by the same validators as the console. */
interface SiteImportRow {
  where: string;
  siteId: string;
  values: Partial<Record<EditableKey, string | null>>;
  createdAt?: string;
}

/** Checks one record; returns the normalised row or every problem with it, joined. */
export function parseSiteRecord(value: unknown): { ok: true; row: Omit<SiteImportRow, 'where'> } | { ok: false; error: string } {
  if (!isPlainObject(value)) return { ok: false, error: 'expected a JSON object with site_id, domain, brand_name, …' };
  const errors: string[] = [];
  const unknown = unknownKeys(value, SITE_KEYS);
  if (unknown.length > 0) errors.push(`unknown field${unknown.length === 1 ? '' : 's'} ${unknown.join(', ')} (known: ${SITE_KEYS.join(', ')})`);
  const raw = value.site_id;
  let siteId = '';
  if (typeof raw !== 'string') errors.push('site_id is required (a string)');
  else {
    const r = validateSiteField('siteId', raw);
    if (r.ok) siteId = r.value as string;
    else errors.push(r.error);
  }
  const values: SiteImportRow['values'] = {};
  for (const key of EDITABLE) {
    if (!(key in value)) continue;
    let v = value[key];
    if (v === null) {
      if (NULLABLE.has(key)) {
        values[key] = null;
        continue;
      }
      errors.push(`${key} cannot be null`);
      continue;
    }
    if (typeof v === 'number' && Number.isSafeInteger(v) && (key === 'hubspot_pipeline' || key === 'hubspot_stage')) v = String(v);
    if (typeof v !== 'string') {
      errors.push(`${key} must be a string`);
      continue;
    }
    const r = validateSiteField(SITE_FIELD_OF[key], v);
    if (r.ok) values[key] = r.value;
    else errors.push(r.error);
  }
  let createdAt: string | undefined;
  if ('created_at' in value && value.created_at !== null) {
    const r = checkTimestamp(value.created_at, 'created_at');
    if (r.ok) createdAt = r.value;
    else errors.push(r.error);
  }
  if (errors.length > 0) return { ok: false, error: errors.join('; ') };
  return { ok: true, row: { siteId, values, ...(createdAt ? { createdAt } : {}) } };
}

const SELECT_ROWS = `select ${SITE_KEYS.map((k) => (k === 'created_at' ? `${isoSql('created_at')} as created_at` : k)).join(', ')} from sites`;

/**
 * Sites to and from JSON. The table is small (one row per customer site), so an import is read whole,
 * checked against the live rows, and applied with one statement per changed site inside one transaction.
 */
export class SiteTransfer {
  readonly #db: Pick<DbSession, 'orm' | 'target'>;

  constructor(db: Pick<DbSession, 'orm' | 'target'>) {
    this.#db = db;
  }

  /** Every site, ordered by site id (byte order, the same on every server), all columns. */
  async export(write: (row: SiteRow) => void | Promise<void>): Promise<number> {
    return withSqlClient(this.#db.orm, this.#db.target, async (client) => {
      const { rows } = await client.query<SiteRow>(`${SELECT_ROWS} order by site_id collate "C"`);
      for (const row of rows) await write(row);
      return rows.length;
    });
  }

  async import(records: AsyncIterable<InputRecord>, options: ImportOptions = {}): Promise<ImportResult> {
    const problems = new ProblemList();
    const rows: SiteImportRow[] = [];
    const firstSeen = new Map<string, string>();
    for await (const record of records) {
      if (record.error) {
        problems.add(record.where, record.error);
        continue;
      }
      const parsed = parseSiteRecord(record.value);
      if (!parsed.ok) {
        problems.add(record.where, parsed.error);
        continue;
      }
      const earlier = firstSeen.get(parsed.row.siteId);
      if (earlier) {
        problems.add(record.where, `site ${parsed.row.siteId} appears twice (also at ${earlier})`);
        continue;
      }
      firstSeen.set(parsed.row.siteId, record.where);
      rows.push({ where: record.where, ...parsed.row });
      options.onProgress?.(rows.length);
    }
    if (problems.count > 0) throw new InvalidImportError('site', problems);

    return withTransaction(this.#db.orm, this.#db.target, async (client) => {
      // Rows this import may change stay as planned until it commits.
      await client.query(`select 1 from sites where site_id = any($1::text[]) for update`, [rows.map((r) => r.siteId)]);
      const current = new Map((await client.query<SiteRow>(SELECT_ROWS)).rows.map((r) => [r.site_id!, r]));
      const plan = this.#plan(rows, current, problems);
      if (problems.count > 0) throw new InvalidImportError('site', problems);
      if (options.dryRun || plan.created + plan.changed === 0) return { plan, applied: false };
      if (options.confirm && !(await options.confirm(plan))) return { plan, applied: false };
      await this.#apply(client, rows, plan);
      return { plan, applied: true };
    });
  }

  #plan(rows: SiteImportRow[], current: Map<string, SiteRow>, problems: ProblemList): ImportPlan {
    const planned: PlannedRow[] = [];
    // Domains must stay unique once everything is applied: look at the final state, not the file alone.
    const finalDomain = new Map<string, string>();
    for (const [id, row] of current) finalDomain.set(id, row.domain!);
    for (const row of rows) if (row.values.domain) finalDomain.set(row.siteId, row.values.domain);
    const sitesByDomain = new Map<string, string[]>();
    for (const [id, domain] of finalDomain) sitesByDomain.set(domain, [...(sitesByDomain.get(domain) ?? []), id]);
    const whereOf = new Map(rows.map((r) => [r.siteId, r.where]));
    for (const row of rows) {
      const before = current.get(row.siteId) ?? null;
      const domain = finalDomain.get(row.siteId);
      const owner = domain === undefined ? undefined : sitesByDomain.get(domain)!.find((id) => id !== row.siteId);
      if (owner) {
        const at = whereOf.get(owner);
        problems.add(row.where, `domain ${domain} is also used by site ${owner}${at ? ` (${at})` : ' in the database'}`);
        continue;
      }
      if (!before) {
        const missing = (['domain', 'brand_name'] as const).filter((k) => !row.values[k]);
        if (missing.length > 0) {
          problems.add(row.where, `new site ${row.siteId} needs ${missing.join(' and ')}`);
          continue;
        }
        const after: Partial<SiteRow> = { language: 'en', ai_prompt: '', ai_script_id: null, hubspot_pipeline: null, hubspot_stage: null, ...row.values };
        planned.push({ id: row.siteId, where: row.where, action: 'create', fields: Object.keys(row.values), before: null, after: siteText(after) });
        continue;
      }
      const fields = EDITABLE.filter((k) => k in row.values && row.values[k] !== before[k]);
      const after = { ...before, ...row.values };
      planned.push({
        id: row.siteId,
        where: row.where,
        action: fields.length > 0 ? 'change' : 'unchanged',
        fields,
        before: siteText(before),
        after: siteText(after),
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

  async #apply(client: SqlClient, rows: SiteImportRow[], plan: ImportPlan): Promise<void> {
    const byId = new Map(rows.map((r) => [r.siteId, r]));
    for (const p of plan.rows) {
      const row = byId.get(p.id)!;
      try {
        if (p.action === 'create') {
          const v = row.values;
          await client.query(
            `insert into sites (site_id, domain, brand_name, language, ai_script_id, hubspot_pipeline, hubspot_stage, ai_prompt, created_at)
             values ($1, $2, $3, $4, $5, $6, $7, $8, coalesce($9::timestamptz, now()))`,
            [row.siteId, v.domain, v.brand_name, v.language ?? 'en', v.ai_script_id ?? null, v.hubspot_pipeline ?? null, v.hubspot_stage ?? null, v.ai_prompt ?? '', row.createdAt ?? null],
          );
        } else if (p.action === 'change') {
          // Column names come from the fixed EDITABLE list, never from the input.
          const keys = p.fields as EditableKey[];
          await client.query(`update sites set ${keys.map((k, i) => `${k} = $${i + 2}`).join(', ')} where site_id = $1`, [row.siteId, ...keys.map((k) => row.values[k])]);
        }
      } catch (error) {
        const { code, constraint } = pgErrorOf(error);
        if (code === '23505') {
          // Another writer got there first, or two sites in the file swap domains (not possible in one step).
          throw new CabinetError(`${p.where}: site ${p.id} violates ${constraint ?? 'a unique constraint'}; nothing was imported`, { code: 'conflict', cause: error });
        }
        throw error;
      }
    }
  }
}
