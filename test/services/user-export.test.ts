import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordText } from '../../src/commands/output.ts';
import { binaryRowsAsJson } from '../../src/services/transfer/copy-binary.ts';
import { isoSql } from '../../src/services/transfer/records.ts';
import { USER_JSON_COLUMNS } from '../../src/services/transfer/user-records.ts';
import { openReadPool, type ReadPool } from '../../src/db/read-pool.ts';
import { exportUsersJson } from '../../src/services/transfer/user-export.ts';
import { createMigratedDatabase } from '../helpers/db.ts';

/**
 * `users export` streams the rows through binary COPY and writes each JSON record itself. What a user relies
 * on: the text is exactly what cabinet's own JSON writer gives for the same rows (so exports diff cleanly
 * against older ones), with times as isoSql writes them (any time the column holds: BC, past 9999,
 * infinite), terminal-unsafe characters are escaped, every value reads back unchanged, and the order is
 * the ids' byte order whatever the column's collation.
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
  // Times at the edges of what the column holds, as psql could write them: each side of both epochs, the
  // years where microseconds no longer fit a double exactly, BC, past 9999, and infinite.
  await db.query(
    `insert into users (user_id, email, first_seen, last_seen, updated_at)
     select 't' || lpad(i::text, 2, '0'), 'time' || i || '@example.com', f::timestamptz, l::timestamptz, u::timestamptz
       from unnest($1::text[], $2::text[], $3::text[]) with ordinality as t(f, l, u, i)`,
    [
      ['1969-12-31 23:59:59.999999+00', '2000-01-01 00:00:00+00', '4713-01-01 00:00:00+00 BC', 'infinity', '1600-02-29 12:34:56.5+00', '0001-01-01 00:00:00+00'],
      ['1999-12-31 23:59:59.999999+00', '1970-01-01 00:00:00.000001+00', '294276-12-31 23:59:59.999999+00', '-infinity', '2300-03-01 00:00:00.000001+00', '0001-12-31 23:59:59.999999+00 BC'],
      ['0044-03-15 10:00:00.25+00 BC', '12026-01-02 03:04:05.123456+00', '9999-12-31 23:59:59.999999+00', '10000-01-01 00:00:00+00', '1582-10-04 23:59:59+00', '2026-02-28 23:59:59.999999-12:00'],
    ],
  );
});
afterAll(async () => {
  await pool.close();
  await db.close();
});

/** The reference: the rows read back with a plain query, written by cabinet's JSON record writer. */
async function reference(ndjson: boolean, from: Pick<typeof db, 'query'> = db): Promise<string> {
  const { rows } = await from.query(
    `select user_id, email, ${isoSql('first_seen')} as first_seen, ${isoSql('last_seen')} as last_seen, version,
            ${isoSql('updated_at')} as updated_at
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
    expect(out.n).toBe(EMAILS.length + 6);
    expect(out.rows).toBe(EMAILS.length + 6);
    const parsed = out.text.trimEnd().split('\n').map((l) => JSON.parse(l) as Record<string, string> & { version: number });
    expect(parsed.slice(6).map((r) => r.email)).toEqual(EMAILS.map((e, i) => (i === 0 ? `${e}.` : e)));
    expect(parsed[6]!.version).toBe(2);
    // Spelled out, not only compared with the server's to_char: the edges a date algorithm gets wrong.
    expect(parsed.slice(0, 6).map((r) => [r.first_seen, r.last_seen, r.updated_at])).toEqual([
      ['1969-12-31T23:59:59.999999Z', '1999-12-31T23:59:59.999999Z', '0044-03-15T10:00:00.250000Z BC'],
      ['2000-01-01T00:00:00.000000Z', '1970-01-01T00:00:00.000001Z', '12026-01-02T03:04:05.123456Z'],
      ['4713-01-01T00:00:00.000000Z BC', '294276-12-31T23:59:59.999999Z', '9999-12-31T23:59:59.999999Z'],
      ['infinity', '-infinity', '10000-01-01T00:00:00.000000Z'],
      ['1600-02-29T12:34:56.500000Z', '2300-03-01T00:00:00.000001Z', '1582-10-04T23:59:59.000000Z'],
      ['0001-01-01T00:00:00.000000Z', '0001-12-31T23:59:59.999999Z BC', '2026-03-01T11:59:59.999999Z'],
    ]);
  });

  it('a JSON array: the same records pretty-printed, and the same values', async () => {
    const out = await exported('array');
    expect(out.text).toBe(await reference(false));
    expect((JSON.parse(out.text) as unknown[]).length).toBe(EMAILS.length + 6);
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

describe('users export order', () => {
  it("is the ids' byte order when the column's own collation sorts otherwise (ICU), over one stream or several", async () => {
    const icu = await createMigratedDatabase('uexport_icu');
    try {
      // As a DBA could have set it: the index then follows ICU's order, which the export must not take.
      await icu.query(`alter table users alter column user_id type text collate "und-x-icu"`);
      const ids = ['b', 'B', 'a', '_x', 'Z', '10', '9', 'ä', 'A-1', 'a1'];
      await icu.query(`insert into users (user_id, email) select i, 'x@example.com' from unnest($1::text[]) i`, [ids]);
      await icu.query('analyze users');
      const inIndexOrder = (await icu.query<{ user_id: string }>('select user_id from users order by user_id')).rows.map((r) => r.user_id);
      const bytewise = [...ids].sort((x, y) => Buffer.compare(Buffer.from(x), Buffer.from(y)));
      expect(inIndexOrder, 'the collation really sorts otherwise').not.toEqual(bytewise);
      const icuPool = await openReadPool(icu.target);
      try {
        for (const jobs of [1, 3]) {
          let text = '';
          await exportUsersJson(icuPool.transaction, 'ndjson', (t) => void (text += Buffer.from(t).toString()), { jobs });
          expect(text.trimEnd().split('\n').map((l) => (JSON.parse(l) as { user_id: string }).user_id), `${jobs} stream(s)`).toEqual(bytewise);
        }
      } finally {
        await icuPool.close();
      }
    } finally {
      await icu.close();
    }
  });
});

describe('users export into one reused buffer (reuseText: the writer is done with each text when it returns)', () => {
  it('hands every chunk over in the same buffer, and the text is byte for byte the JSON writer\'s, integers and times at their edges included', async () => {
    const big = await createMigratedDatabase('uexport_reuse');
    try {
      await big.query(
        `insert into users (user_id, email, first_seen, last_seen)
         select 'r' || lpad(g::text, 6, '0'), 'user' || g || '@example.com', timestamptz '2026-01-02 03:04:05.123456+00' - g * interval '1 hour 1 second', now()
           from generate_series(1, 30000) g`,
      );
      // Versions as psql could write them (each a digit count apart), and times on each side of the 2^52
      // microseconds from 2000 (1857 and 2142) where the time writer's fast path ends.
      await big.query(
        `insert into users (user_id, email, version, first_seen, last_seen)
         select 'v' || i, 'v' || i || '@example.com', v, timestamptz '2000-01-01 00:00:00+00' + (4503599627370496 - 1 + i % 2) * interval '1 microsecond',
                timestamptz '2000-01-01 00:00:00+00' - (4503599627370496 + i % 2) * interval '1 microsecond'
           from unnest($1::int[]) with ordinality as t(v, i)`,
        [[0, -1, 9, 10, 99, 100, 12345, -2147483648, 2147483647, -10]],
      );
      const bigPool = await openReadPool(big.target);
      try {
        const texts: Buffer[] = [];
        let copied = '';
        const n = await exportUsersJson(bigPool.transaction, 'ndjson', (t) => {
          texts.push(t as Buffer);
          copied += Buffer.from(t).toString();
        }, { reuseText: true });
        expect(n).toBe(30010);
        expect(texts.length, 'many chunks').toBeGreaterThan(10);
        expect(new Set(texts.map((t) => t.buffer)).size, 'one buffer for all').toBe(1);
        expect(texts.every((t) => t.byteOffset === 0)).toBe(true);
        expect(copied).toBe(await reference(true, big));
        expect(copied).toContain('"version":-2147483648,');
        expect(copied).toContain('"first_seen":"2142-');
        expect(copied).toContain('"last_seen":"1857-');
      } finally {
        await bigPool.close();
      }
    } finally {
      await big.close();
    }
  });
});

describe('binaryRowsAsJson', () => {
  /** The table as the server sends it in binary COPY, in the export's columns and order. */
  async function binaryCopy(): Promise<Buffer> {
    const chunks: Buffer[] = [];
    await pool.transaction(async (client) => {
      for await (const chunk of client.copyTo(`copy (select ${USER_JSON_COLUMNS.map(([k]) => k).join(', ')} from users order by user_id collate "C") to stdout (format binary)`)) chunks.push(chunk as Buffer);
    });
    return Buffer.concat(chunks);
  }

  async function collect(chunks: Buffer[]): Promise<{ text: string; rows: number }> {
    const parts: Buffer[] = [];
    let rows = 0;
    for await (const part of binaryRowsAsJson(Readable.from(chunks), USER_JSON_COLUMNS, 'ndjson')) {
      parts.push(part.text);
      rows += part.rows;
    }
    return { text: Buffer.concat(parts).toString('utf8'), rows };
  }

  it('gives the same text however the stream is cut (inside a length, a character or a time), and streams may follow one another', async () => {
    const copy = await binaryCopy();
    const whole = await collect([copy]);
    expect(whole.text).toBe(await reference(true));
    for (const size of [1, 2, 3, 5, 7, 64]) {
      const chunks: Buffer[] = [];
      for (let i = 0; i < copy.length; i += size) chunks.push(copy.subarray(i, i + size));
      const cut = await collect(chunks);
      expect(cut.text, `chunks of ${size} bytes`).toBe(whole.text);
      expect(cut.rows).toBe(EMAILS.length + 6);
    }
    // Two ranges of a parallel export: each COPY brings its own header and trailer.
    expect((await collect([copy, copy.subarray(0, 20), copy.subarray(20)])).text).toBe(whole.text + whole.text);
  });

  it('gives the same text from socket-sized chunks, a row cut at their edges however long it is', async () => {
    const one = await binaryCopy();
    // Forty COPY streams one after another (as ranges of a parallel export): far more than one chunk's worth.
    const copy = Buffer.concat(Array.from({ length: 40 }, () => one));
    const whole = (await collect([one])).text.repeat(40);
    const cutInto = (bytes: Buffer, size: number) => Array.from({ length: Math.ceil(bytes.length / size) }, (_, i) => bytes.subarray(i * size, (i + 1) * size));
    for (const size of [4095, 4096, 4097, 5000, 9001, 65536]) expect((await collect(cutInto(copy, size))).text, `chunks of ${size} bytes`).toBe(whole);
    // A row longer than the few KiB the next chunk is first looked at for (a 20,000-character e-mail).
    const long = `${'x'.repeat(20_000)}@example.com`;
    await db.query(`insert into users (user_id, email) values ('0000-long', $1)`, [long]);
    try {
      const withLong = await binaryCopy();
      const expected = (await collect([withLong])).text;
      expect(expected).toContain(long);
      for (const size of [4096, 5000, 7000, 65536]) expect((await collect(cutInto(withLong, size))).text, `chunks of ${size} bytes`).toBe(expected);
    } finally {
      await db.query(`delete from users where user_id = '0000-long'`);
    }
  });

  it('a stream cut off inside a row is an error, not a shorter file', async () => {
    const copy = await binaryCopy();
    await expect(collect([copy.subarray(0, copy.length - 40)])).rejects.toThrow(/ended inside a row/);
  });
});
