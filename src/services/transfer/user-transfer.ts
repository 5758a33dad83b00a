import { once } from 'node:events';
import { finished } from 'node:stream/promises';
import type { DbSession } from '../../db/session.ts';
import { withTransaction, type SqlClient } from '../../db/sql-client.ts';
import type { InputRecord } from '../../lib/json-records.ts';
import { processActor, validateNote } from '../write-context.ts';
import {
  copyField,
  InvalidImportError,
  ProblemList,
  type ImportOptions,
  type ImportPlan,
  type ImportResult,
  type PlannedRow,
} from './records.ts';
import { parseUserRecord, USER_EDITABLE_KEYS, USER_ID_KEY, USER_JSON_COLUMNS, USER_KEYS, USER_REQUIRED_NEW_KEYS } from './user-records.ts';
import { writeUserImport } from './user-import-write.ts';
import { exportLineFields } from './user-import-line.ts';
import { FALLBACK_NOTE, REBUILD_NOTE, usersTable } from './user-import-rebuild.ts';

const where = (line: number, idx: number | null) => (idx === null ? `line ${line}` : `index ${idx} (line ${line})`);
const SAMPLE = 10;

/** The staging table's columns: the export's, typed as export writes them (src/schema/user-table.ts). */
const SQL_TYPE = { text: 'text', integer: 'int', timestamptz: 'timestamptz' } as const;
const STAGING_COLUMNS = USER_JSON_COLUMNS.map(([key, kind]) => `${key} ${SQL_TYPE[kind]}${key === USER_ID_KEY ? ' not null' : ''}`).join(', ');
/** The staging table's last column: the revision of the user a row creates, when the line gave it (user-import-line.ts). */
const SNAPSHOT_COLUMN = 'snapshot';
/** Per editable column the file gives: its name when it differs from the user's (`u`) value. */
const changedFields = (existing: string) =>
  `array_remove(array[${USER_EDITABLE_KEYS.map((k) => `case when ${existing} and t.${k} is not null and t.${k} is distinct from u.${k} then '${k}' end`).join(', ')}], null)`;
const anyChanged = USER_EDITABLE_KEYS.map((k) => `(t.${k} is not null and t.${k} is distinct from u.${k})`).join(' or ');

/**
 * Users from JSON at any scale (export: exportUsersJson). Import streams the records,
 * checked one by one, through `COPY ... FROM STDIN` into a temp table, then finds duplicates, plans and
 * upserts with set-based SQL (one INSERT ... ON CONFLICT). Memory stays flat in the number of rows.
 */
export class UserTransfer {
  readonly #db: Pick<DbSession, 'orm' | 'target'>;
  readonly #actor: string;

  constructor(db: Pick<DbSession, 'orm' | 'target'>, context: { actor?: string } = {}) {
    this.#db = db;
    this.#actor = context.actor ?? processActor();
  }

  /** Every created or changed user gets a user_revisions row (actor, `note`: default "cabinet users import"). */
  async import(records: AsyncIterable<InputRecord>, options: ImportOptions & { note?: string } = {}): Promise<ImportResult> {
    const note = validateNote(options.note) ?? 'cabinet users import';
    return withTransaction(this.#db.orm, this.#db.target, async (client) => {
      // A big file takes longer than the everyday statement timeout; its sorts and joins fit in memory.
      await client.query(`set local statement_timeout = 0; set local work_mem = '256MB'`);
      await client.query(`create temp table cabinet_import_users (line bigint not null, idx bigint, ${STAGING_COLUMNS}, ${SNAPSHOT_COLUMN} jsonb) on commit drop`);
      const problems = new ProblemList();
      const copy = client.copyFrom(`copy cabinet_import_users (line, idx, ${USER_KEYS.join(', ')}, ${SNAPSHOT_COLUMN}) from stdin`);
      const copied = finished(copy);
      copied.catch(() => {}); // awaited below; this only keeps an early failure from going unhandled
      let total = 0;
      let warnings = 0;
      let batch = '';
      const flush = async () => {
        const text = batch;
        batch = '';
        if (text !== '' && !copy.write(text)) await once(copy, 'drain');
      };
      try {
        for await (const record of records) {
          total++;
          // A line as export writes it goes straight in, its snapshot with it (user-import-line.ts).
          const fields = record.text === undefined ? null : exportLineFields(record.text);
          if (fields !== null) {
            batch += `${record.line}\t${record.index ?? '\\N'}\t${fields}\n`;
          } else if (record.error) {
            problems.add(record.where, record.error, record.line);
            continue;
          } else {
            const parsed = parseUserRecord(record.value);
            if (!parsed.ok) {
              problems.add(record.where, parsed.error, record.line);
              continue;
            }
            for (const message of parsed.warnings) {
              warnings++;
              options.onWarning?.({ where: record.where, message });
            }
            const r = parsed.row;
            let row = `${record.line}\t${record.index ?? '\\N'}`;
            for (const k of USER_KEYS) row += `\t${copyField(r[k])}`;
            // No snapshot: the database builds it from the row it creates.
            batch += `${row}\t\\N\n`;
          }
          // Each write is a message and a socket write: rows go in batches of about 64 KiB.
          if (batch.length >= 65536) await flush();
          if (total % 1000 === 0) options.onProgress?.(total);
        }
        await flush();
        copy.end();
        await copied;
      } catch (error) {
        copy.destroy(error as Error);
        await copied.catch(() => {});
        throw error;
      }
      options.onProgress?.(total);

      const table = await usersTable(client);
      // Statistics for the joins with the users there are; into an empty table no plan needs them (~0.2 s per 300k).
      if (!table.empty) await client.query('analyze cabinet_import_users');
      await this.#findDuplicates(client, problems);
      if (!options.force) await this.#findOlder(client, problems);
      if (problems.count > 0) throw new InvalidImportError('user', problems);
      const plan = table.empty ? await this.#planAllNew(client, total) : await this.#plan(client, total);
      const rebuild = plan.created > 0 && table.empty && table.owned;
      if (rebuild) plan.locks = REBUILD_NOTE;
      if (options.dryRun || plan.created + plan.changed === 0) return { plan, applied: false, warnings };
      if (options.confirm && !(await options.confirm(plan))) return { plan, applied: false, warnings };
      const { rebuilt } = await writeUserImport(client, plan, { actor: this.#actor, note }, options.force ?? false, rebuild);
      if (rebuild && !rebuilt) return { plan, applied: true, warnings, note: FALLBACK_NOTE };
      return { plan, applied: true, warnings };
    });
  }

  async #findDuplicates(client: SqlClient, problems: ProblemList): Promise<void> {
    // One hashed pass says whether there are any: the window below sorts every row.
    const any = await client.query<{ any: boolean }>(`select exists (select from cabinet_import_users group by user_id having count(*) > 1) as any`);
    if (any.rows[0]?.any) await this.#listDuplicates(client, problems);
    for (const key of USER_REQUIRED_NEW_KEYS) {
      const missing = await client.query<{ line: string; idx: string | null; user_id: string }>(
        `select t.line, t.idx, t.user_id from cabinet_import_users t
          where t.${key} is null and not exists (select 1 from users u where u.user_id = t.user_id)
          order by t.line limit 200`,
      );
      for (const m of missing.rows) problems.add(where(Number(m.line), m.idx === null ? null : Number(m.idx)), `new user ${m.user_id} needs ${/^[aeiou]/.test(key) ? 'an' : 'a'} ${key}`, Number(m.line));
    }
  }

  async #listDuplicates(client: SqlClient, problems: ProblemList): Promise<void> {
    const dups = await client.query<{ user_id: string; line: string; idx: string | null; first_line: string; first_idx: string | null }>(
      `select user_id, line, idx, first_value(line) over w as first_line, first_value(idx) over w as first_idx
         from (select *, count(*) over (partition by user_id) as n from cabinet_import_users) t
        where n > 1
       window w as (partition by user_id order by line)
       order by line limit 200`,
    );
    for (const d of dups.rows) {
      if (d.line === d.first_line) continue;
      problems.add(where(Number(d.line), d.idx === null ? null : Number(d.idx)), `user ${d.user_id} appears twice (also at ${where(Number(d.first_line), d.first_idx === null ? null : Number(d.first_idx))})`, Number(d.line));
    }
  }

  /**
   * Rows exported at a version older than the user's now (a sign-in or an edit since) that would change a
   * field: cabinet keeps no base for versions written outside it (n8n's sign-ins), so by the one rule
   * (services/three-way.ts) every such field counts as changed on both sides, and the row is refused,
   * naming the fields and when the user last changed, unless --force. The rows are locked until commit.
   */
  async #findOlder(client: SqlClient, problems: ProblemList): Promise<void> {
    const older = await client.query<{ line: string; idx: string | null; user_id: string; file_version: number; version: number; updated_at: Date; fields: string[] }>(
      `select * from (
         select t.line, t.idx, t.user_id, t.version as file_version, u.version, u.updated_at,
                ${changedFields('true')} as fields
           from cabinet_import_users t join users u on u.user_id = t.user_id
          where t.version is not null and t.version < u.version
          for update of u) o
        where cardinality(fields) > 0
        order by line limit 200`,
    );
    for (const o of older.rows) {
      problems.add(
        where(Number(o.line), o.idx === null ? null : Number(o.idx)),
        `user ${o.user_id} changed at ${new Date(o.updated_at).toISOString()} since this file's version ${o.file_version} (now ${o.version}); ` +
          `changed on both sides: ${o.fields.join(', ')} (export again, or --force to write the file's values over theirs)`,
        Number(o.line),
      );
    }
  }

  /**
   * The plan when users was empty a moment ago (the restore case): every row creates, the first few are
   * the sample. A user written since makes the write's count differ from this plan, and it rolls back.
   */
  async #planAllNew(client: SqlClient, total: number): Promise<ImportPlan> {
    const sample = await client.query<{ line: string; idx: string | null; user_id: string }>(`select line, idx, user_id from cabinet_import_users order by line limit ${SAMPLE}`);
    return {
      entity: 'user',
      total,
      created: total,
      changed: 0,
      unchanged: 0,
      rows: sample.rows.map((r) => ({ id: r.user_id, where: where(Number(r.line), r.idx === null ? null : Number(r.idx)), action: 'create', fields: [] })),
      sampled: total > sample.rows.length,
    };
  }

  async #plan(client: SqlClient, total: number): Promise<ImportPlan> {
    const diff = `
      select t.line, t.idx, t.user_id,
             case when u.user_id is null then 'create'
                  when ${anyChanged} then 'change'
                  else 'unchanged' end as action,
             ${changedFields('u.user_id is not null')} as fields
        from cabinet_import_users t left join users u on u.user_id = t.user_id`;
    const counts = await client.query<{ action: string; n: string }>(`select action, count(*) as n from (${diff}) d group by action`);
    const count = (a: string) => Number(counts.rows.find((r) => r.action === a)?.n ?? 0);
    const sample = await client.query<{ line: string; idx: string | null; user_id: string; action: PlannedRow['action']; fields: string[] }>(
      `select * from (select d.*, row_number() over (partition by action order by line) as k from (${diff}) d) s
        where k <= ${SAMPLE} order by line`,
    );
    return {
      entity: 'user',
      total,
      created: count('create'),
      changed: count('change'),
      unchanged: count('unchanged'),
      rows: sample.rows.map((r) => ({ id: r.user_id, where: where(Number(r.line), r.idx === null ? null : Number(r.idx)), action: r.action, fields: r.fields })),
      sampled: total > sample.rows.length,
    };
  }
}
