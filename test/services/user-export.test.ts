import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordText } from '../../src/commands/output.ts';
import { copyRowsAsJson } from '../../src/services/transfer/copy-json.ts';
import { openReadPool, type ReadPool } from '../../src/db/read-pool.ts';
import { exportUsersJson } from '../../src/services/transfer/user-export.ts';
import { createMigratedDatabase } from '../helpers/db.ts';

/**
 * `users export` has the server build each JSON record and streams them through COPY. What a user relies
 * on: the text is exactly what cabinet's own JSON writer gives for the same rows (so exports diff cleanly
 * against older ones), terminal-unsafe characters are escaped, and every value reads back unchanged.
 */
let db: Awaited<ReturnType<typeof createMigratedDatabase>>;
let pool: ReadPool;

// Values as psql or another tool could have written them; cabinet's own validation would refuse some.
const EMAILS = [
  'plain@example.com',
  'quote"and\\backslash@example.com',
  'tab\there\nnewline\r\u0001ctl@example.com',
  'esc\u001b[31mred@example.com',
  'c1\u0085\u009bnext@example.com',
  'bidi\u202eevil\u2028sep\u200bzw\ufeffbom@example.com',
  'del\u007f@example.com',
  'Пётр.👋@пример.рф',
  "o'brien@example.com",
  '\\n literal backslash-n @example.com',
];

beforeAll(async () => {
  db = await createMigratedDatabase('uexport');
  pool = await openReadPool(db.target);
  await db.query(
    `insert into users (user_id, email, first_seen, last_seen)
     select 'u' || lpad(i::text, 3, '0'), e, timestamptz '2026-01-02 03:04:05.123456+00' + i * interval '1 day', now()
       from unnest($1::text[]) with ordinality as t(e, i)`,
    [EMAILS],
  );
  await db.query(`update users set email = email || '.' where user_id = 'u001'`); // version 2
});
afterAll(async () => {
  await pool.close();
  await db.close();
});

/** The reference: the rows read back with a plain query, written by cabinet's JSON record writer. */
async function reference(ndjson: boolean): Promise<string> {
  const { rows } = await db.query(
    `select user_id, email, to_char(first_seen at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') as first_seen,
            to_char(last_seen at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') as last_seen, version,
            to_char(updated_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') as updated_at
       from users order by user_id collate "C"`,
  );
  const text = recordText(ndjson);
  return rows.map((r) => text.record(r)).join('') + text.end();
}

async function exported(format: 'ndjson' | 'array'): Promise<{ text: string; rows: number; n: number }> {
  let text = '';
  let rows = 0;
  const n = await exportUsersJson(pool.transaction, format, (t, r) => {
    text += t;
    rows += r;
  });
  return { text, rows, n };
}

describe('users export built by the server', () => {
  it('NDJSON: byte for byte what the JSON writer gives, one line per user, values unchanged', async () => {
    const out = await exported('ndjson');
    expect(out.text).toBe(await reference(true));
    expect(out.n).toBe(EMAILS.length);
    expect(out.rows).toBe(EMAILS.length);
    const parsed = out.text.trimEnd().split('\n').map((l) => JSON.parse(l) as { email: string; version: number });
    expect(parsed.map((r) => r.email)).toEqual(EMAILS.map((e, i) => (i === 0 ? `${e}.` : e)));
    expect(parsed[0]!.version).toBe(2);
  });

  it('a JSON array: the same records pretty-printed, and the same values', async () => {
    const out = await exported('array');
    expect(out.text).toBe(await reference(false));
    expect((JSON.parse(out.text) as unknown[]).length).toBe(EMAILS.length);
  });

  it('nothing a terminal would act on reaches the output raw', async () => {
    for (const format of ['ndjson', 'array'] as const) {
      const { text } = await exported(format);
      expect(text).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u200b\u2028\u202e\ufeff]/);
      expect(text).toContain('\\u001b[31m');
      expect(text).toContain('\\u202e');
    }
  });

  it('an empty table: an empty array, or no lines', async () => {
    const empty = await createMigratedDatabase('uexport_empty');
    try {
      const emptyPool = await openReadPool(empty.target);
      const t = emptyPool.transaction;
      let array = '';
      let ndjson = '';
      expect(await exportUsersJson(t, 'array', (s) => void (array += s))).toBe(0);
      expect(await exportUsersJson(t, 'ndjson', (s) => void (ndjson += s))).toBe(0);
      expect(array).toBe('[]\n');
      expect(ndjson).toBe('');
      await emptyPool.close();
    } finally {
      await empty.close();
    }
  });
});

describe('copyRowsAsJson', () => {
  // COPY text as PostgreSQL writes it: tabs between fields, escapes for backslash and controls, \N for null.
  const copyText = Buffer.from('a\\\\b\\tc 👋\t\\N\t2026-01-02 03:04:05.5+00\t7\nПётр\t"q"\t2026-01-02 03:04:05+00\t\\N\n', 'utf8');
  const columns = [
    ['id', 'text'],
    ['email', 'text'],
    ['at', 'timestamptz'],
    ['n', 'integer'],
  ] as const;

  it('gives the same text however the stream is cut (inside a character, an escape or a line)', async () => {
    const whole = await collect([copyText]);
    expect(whole).toBe(
      '{"id":"a\\\\b\\tc 👋","email":null,"at":"2026-01-02T03:04:05.500000Z","n":7}\n' +
        '{"id":"Пётр","email":"\\"q\\"","at":"2026-01-02T03:04:05.000000Z","n":null}\n',
    );
    for (const size of [1, 2, 3, 5, 7]) {
      const chunks: Buffer[] = [];
      for (let i = 0; i < copyText.length; i += size) chunks.push(copyText.subarray(i, i + size));
      expect(await collect(chunks), `chunks of ${size} bytes`).toBe(whole);
    }
  });

  it('ASCII rows (transcoded byte to byte) give what JSON.stringify gives, however the stream is cut', async () => {
    const ascii = Buffer.from(
      'q"\\\\b\\t\\n\\r\\b\\f\\v\x01\x1b\t\\N\t2026-01-02 03:04:05+00\t-7\n' +
        'x\\N\ty\tinfinity\t0\n' +
        'z\t\\N\t0044-03-15 10:00:00.25+00 BC\n' +
        'w\tv\t12026-01-02 03:04:05.123456+00\t2147483647\n',
    );
    const expected =
      [
        { id: 'q"\\b\t\n\r\b\f\v\x01\x1b', email: null, at: '2026-01-02T03:04:05.000000Z', n: -7 },
        { id: 'xN', email: 'y', at: 'infinity', n: 0 },
        { id: 'z', email: null, at: '0044-03-15T10:00:00.250000Z BC', n: null },
        { id: 'w', email: 'v', at: '12026-01-02T03:04:05.123456Z', n: 2147483647 },
      ]
        .map((r) => JSON.stringify(r) + '\n')
        .join('');
    for (const size of [1, 2, 3, 5, 7, ascii.length]) {
      const chunks: Buffer[] = [];
      for (let i = 0; i < ascii.length; i += size) chunks.push(ascii.subarray(i, i + size));
      expect(await collect(chunks, 4), `chunks of ${size} bytes`).toBe(expected);
    }
  });

  async function collect(chunks: Buffer[], expectedRows = 2): Promise<string> {
    let out = '';
    let rows = 0;
    for await (const part of copyRowsAsJson(Readable.from(chunks), columns, 'ndjson')) {
      out += part.text;
      rows += part.rows;
    }
    expect(rows).toBe(expectedRows);
    return out;
  }
});
