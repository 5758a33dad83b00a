import type { Readable } from 'node:stream';
import type { SqlClient, TransactionRunner } from '../../db/sql-client.ts';
import { binaryRowsAsJson } from './copy-binary.ts';
import { USER_JSON_COLUMNS, USER_KEYS } from './user-records.ts';

/** One snapshot for every stream: each sees the table as the coordinator's transaction does. */
const BEGIN = 'begin isolation level repeatable read read only';
/**
 * A big table streams for longer than the everyday statement timeout; the sort of a stream's range stays in
 * memory (a disk sort costs about three times as much; the server takes only what the rows need).
 */
const STREAM_SETTINGS = `set local statement_timeout = 0; set local work_mem = '128MB'`;
/** Streams when the caller leaves it to the export and the server must sort: one per 150k rows, at most the read pool's three. */
const AUTO_ROWS_PER_STREAM = 150_000;
export const MAX_EXPORT_JOBS = 3;
/** A stream whose connection is not ready by then (a transaction pooler with no server free) is done in turn by the first. */
const JOIN_TIMEOUT_MS = 3000;

export interface ExportOptions {
  /** Parallel COPY streams (1 to MAX_EXPORT_JOBS); by default from the table's size. */
  jobs?: number;
  /**
   * `write` is done with each text when it returns (or its promise settles): it wrote or copied the bytes.
   * The export then writes every chunk's JSON into one reused buffer instead of a new one per chunk.
   */
  reuseText?: boolean;
}

/**
 * Copies the users with user_id in [from, to) (byte order; null: unbounded) to stdout, in that order, in
 * binary COPY. `bytewise`: the column's own collation is byte order (C or POSIX), so the primary key's
 * index already holds the ids in export order and the server reads it instead of sorting the table.
 */
function rangeCopy(from: string | null, to: string | null, bytewise: boolean): string {
  const id = bytewise ? 'user_id' : 'user_id collate "C"';
  const where: string[] = [];
  if (from !== null) where.push(`${id} >= ${literal(from)}`);
  if (to !== null) where.push(`${id} < ${literal(to)}`);
  // COPY takes no parameters: the bounds are ids read from the table, quoted as literals.
  return `copy (select ${USER_KEYS.join(', ')} from users ${where.length ? `where ${where.join(' and ')}` : ''} order by ${id}) to stdout (format binary)`;
}

/** A standard-conforming string literal (session-settings.ts sets standard_conforming_strings on). */
const literal = (text: string) => `'${text.replaceAll("'", "''")}'`;

/**
 * What the export needs to know of the table, in one round trip: whether users.user_id sorts in byte order
 * by its own collation (C or POSIX, given to the column or the database's default by libc; an ICU default,
 * PostgreSQL 15 and later, sorts otherwise), and about how many rows it has (the planner's estimate).
 */
async function tableFacts(client: SqlClient): Promise<{ bytewise: boolean; rows: number }> {
  const { rows } = await client.query<{ bytewise: boolean; rows: number }>(
    `select case when a.attcollation = 'pg_catalog.default'::regcollation
                 then coalesce(to_jsonb(d) ->> 'datlocprovider', 'c') = 'c' and d.datcollate in ('C', 'POSIX')
                 else a.attcollation in ('pg_catalog."C"'::regcollation, 'pg_catalog."POSIX"'::regcollation) end as bytewise,
            greatest(c.reltuples, 0)::float8 as rows
       from pg_attribute a, pg_database d, pg_class c
      where a.attrelid = 'users'::regclass and a.attname = 'user_id' and d.datname = current_database() and c.oid = 'users'::regclass`,
  );
  return { bytewise: rows[0]?.bytewise === true, rows: Number(rows[0]?.rows ?? 0) };
}

/**
 * Streams by default: one when the index gives the order (the server only reads; this process's encoding is
 * the slower end, and more streams only cost connections), else one per 150k rows, so that the sorts run
 * side by side.
 */
const autoJobs = ({ bytewise, rows }: { bytewise: boolean; rows: number }) =>
  bytewise ? 1 : Math.max(1, Math.min(MAX_EXPORT_JOBS, Math.floor(rows / AUTO_ROWS_PER_STREAM)));

/**
 * Ids that cut the table into `parts` ranges of about equal size, in byte order: from a sample of about 50
 * pages (a few thousand ids), read in the export's snapshot. Fewer cuts when the table has fewer ids.
 */
async function cutPoints(client: SqlClient, parts: number): Promise<string[]> {
  const { rows } = await client.query<{ user_id: string }>(
    `select user_id from users tablesample system ((select least(100, 100 * 50.0 / greatest(1, pg_relation_size('users') / current_setting('block_size')::int))))
      order by user_id collate "C"`,
  );
  const cuts: string[] = [];
  for (let k = 1; k < parts; k++) {
    const id = rows[Math.floor((k * rows.length) / parts)]?.user_id;
    // Strictly increasing, and never the smallest id (the first range would be empty).
    if (id !== undefined && id !== cuts.at(-1) && id !== rows[0]?.user_id) cuts.push(id);
  }
  return cuts;
}

interface Stream {
  /** The range's COPY on its own connection; null when it could not join (the first connection copies it). */
  chunks: Readable | null;
  /** Ends the stream's transaction once its range was read (or the export stopped). */
  release: () => void;
}

/**
 * The chunks of `stream`, then, should the reader stop early (a failed write), the rest read and dropped, so
 * the server finishes the COPY and the transaction can end (a paused COPY would hold its connection forever).
 */
async function* drained(stream: Readable): AsyncGenerator<Buffer> {
  let done = false;
  try {
    for await (const chunk of stream.iterator({ destroyOnReturn: false })) yield chunk as Buffer;
    done = true;
  } finally {
    if (!done) stream.resume();
  }
}

/**
 * Every user as JSON text (NDJSON or an array), ordered by user id in byte order, timestamps in UTC with
 * microseconds, as of one moment, read in binary COPY (copy-binary.ts). When the server must sort, big tables go out over several COPY streams at once: the first
 * connection exports its snapshot (`pg_export_snapshot`), the others take it (`SET TRANSACTION SNAPSHOT`)
 * and each sorts one range of ids; the ranges are read one after another, so the file is one consistent
 * table in order while the server sorts the later ranges in parallel. A stream waits (TCP back-pressure)
 * until its turn, so memory stays at a few buffers whatever the size. A stream that cannot join (a
 * transaction pooler with no server connection free, another server behind the pooler) leaves its range
 * to the first connection, which reads it in turn: the same file, only slower. `write` gets the text and
 * the rows it holds. It only reads: the light read pool runs it without loading the ORM.
 */
export async function exportUsersJson(
  transaction: TransactionRunner,
  format: 'ndjson' | 'array',
  write: (text: string | Uint8Array, rows: number) => void | Promise<void>,
  options: ExportOptions = {},
): Promise<number> {
  const joined: Promise<unknown>[] = [];
  let streams: Stream[] = [];
  try {
    return await transaction(
      async (client) => {
        await client.query(STREAM_SETTINGS);
        const facts = await tableFacts(client);
        const jobs = options.jobs ?? autoJobs(facts);
        const bytewise = facts.bytewise;
        const bounds = [null, ...(jobs > 1 ? await cutPoints(client, jobs) : []), null];
        const ranges = bounds.slice(0, -1).map((from, i) => rangeCopy(from, bounds[i + 1]!, bytewise));
        if (ranges.length > 1) {
          const [{ id }] = (await client.query<{ id: string }>('select pg_export_snapshot() as id')).rows as [{ id: string }];
          streams = await Promise.all(ranges.slice(1).map((sql) => joinStream(transaction, id, sql, joined)));
        }
        async function* inOrder(): AsyncGenerator<Buffer> {
          for (const [i, sql] of ranges.entries()) {
            const stream = streams[i - 1];
            try {
              yield* drained(stream?.chunks ?? client.copyTo(sql));
            } finally {
              stream?.release();
            }
          }
        }
        let n = 0;
        for await (const { text, rows } of binaryRowsAsJson(inOrder(), USER_JSON_COLUMNS, format, { reuse: options.reuseText === true })) {
          await write(text, rows);
          n += rows;
        }
        return n;
      },
      { begin: BEGIN },
    );
  } finally {
    for (const s of streams) {
      s.chunks?.resume();
      s.release();
    }
    await Promise.allSettled(joined);
  }
}

/**
 * Opens a stream on another connection in the snapshot `id` and starts its COPY (the server sorts now, then
 * waits to send). Resolves once it runs, or, when it cannot join within JOIN_TIMEOUT_MS, with no chunks:
 * the connection, should it come later, then ends its transaction at once.
 */
function joinStream(transaction: TransactionRunner, id: string, sql: string, joined: Promise<unknown>[]): Promise<Stream> {
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  let abandoned = false;
  return new Promise<Stream>((resolve) => {
    const timer = setTimeout(() => {
      abandoned = true;
      resolve({ chunks: null, release });
    }, JOIN_TIMEOUT_MS);
    const run = transaction(
      async (worker) => {
        if (abandoned) return;
        await worker.query(`set transaction snapshot ${literal(id)}; ${STREAM_SETTINGS}`);
        if (abandoned) return;
        clearTimeout(timer);
        resolve({ chunks: worker.copyTo(sql), release });
        await released;
      },
      { begin: BEGIN },
    );
    joined.push(
      run.catch(() => {
        clearTimeout(timer);
        abandoned = true;
        resolve({ chunks: null, release });
      }),
    );
  });
}
