import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readRecords } from '../../src/lib/json-records.ts';
import { exportLineFields } from '../../src/services/transfer/user-import-line.ts';
import { UserTransfer } from '../../src/services/transfer/user-transfer.ts';
import type { ImportWarning } from '../../src/services/transfer/records.ts';
import { userSnapshotSql } from '../../src/services/user-revisions.ts';
import { createMigratedDatabase } from '../helpers/db.ts';

/**
 * The import's fast path for lines exactly as export writes them (user-import-line.ts): such a line goes
 * into the staging COPY without JSON.parse, and is itself the new user's revision. What a user relies on:
 * a file imports to the same users, revisions, warnings and refusals whichever lines take it, and a line
 * that only looks like export's (a time PostgreSQL writes back otherwise, an escape, a value the import
 * warns about) goes the general way.
 */
let db: Awaited<ReturnType<typeof createMigratedDatabase>>;
beforeAll(async () => {
  db = await createMigratedDatabase('uimpl');
});
afterAll(async () => db.close());

const full = { first_seen: '2026-01-02T03:04:05.123456Z', last_seen: '2026-01-02T03:04:05.123456Z', version: 3, updated_at: '2026-02-03T04:05:06.000001Z' };
/** As `cabinet users export --ndjson` writes a user: every column in export order, JSON.stringify's spelling. */
const exported = (user_id: string, email: string, over: Partial<typeof full> = {}) => JSON.stringify({ user_id, email, ...full, ...over });

describe("a users import of lines in export's own form", () => {
  it('takes a line as export writes it, and declines every other spelling', () => {
    const line = exported('300000000000000001', 'user1.c4ca42@example1.com');
    expect(exportLineFields(line)).toBe(`300000000000000001\tuser1.c4ca42@example1.com\t${full.first_seen}\t${full.last_seen}\t3\t${full.updated_at}\t${line}`);
    expect(exportLineFields(exported('u', 'a@b.example', { version: -2147483648 }))).not.toBeNull();
    for (const other of [
      exported('u', 'a@b.example', { first_seen: '2026-01-02T24:00:00.000000Z' }), // the next day
      exported('u', 'a@b.example', { last_seen: '2026-12-31T23:59:60.000000Z' }), // the next minute
      exported('u', 'a@b.example', { updated_at: '2026-02-29T00:00:00.000000Z' }), // not a day of 2026
      exported('u', 'a@b.example', { first_seen: '0000-01-01T00:00:00.000000Z' }), // no year 0
      exported('u', 'a@b.example', { first_seen: '2026-01-02T03:04:05.12345Z' }), // five digits
      exported('u', 'a@b.example', { first_seen: '2026-01-02T03:04:05.123456+00:00' }),
      exported('u', 'a@b.example', { version: 2147483648 }),
      exported('u', 'a@b.example', { version: 1.5 }),
      exported('u', 'a"b@acme.de'), // an escape
      exported('u', 'zoë@acme.de'), // not an address cabinet would write: a warning
      exported(' u', 'a@b.example'), // white space around the id: a warning
      exported('', 'a@b.example'),
      JSON.stringify({ email: 'a@b.example', user_id: 'u', ...full }), // another order
      JSON.stringify({ user_id: 'u', email: 'a@b.example', first_seen: full.first_seen }), // columns left out
      JSON.stringify({ user_id: 'u', email: 'a@b.example', ...full, note: 'x' }),
      `${exported('u', 'a@b.example')} `,
      exported('u', 'a@b.example').replace(':', ': '),
      exported('u', 'a@b.example').slice(0, -1),
      `${exported('u', 'a@b.example')}}`,
    ]) {
      expect([other, exportLineFields(other)]).toEqual([other, null]);
    }
  });

  it('imports a file to the same users, revisions and warnings as the general way, whichever lines take the fast path', async () => {
    const lines = [
      exported('fast-1', 'one@acme.de'),
      exported('fast-2', 'two@acme.de', { version: 0, first_seen: '0001-01-01T00:00:00.000000Z' }),
      exported('slow-24h', 'h@acme.de', { first_seen: '2026-01-02T24:00:00.000000Z' }),
      exported('slow-leap', 'l@acme.de', { last_seen: '2026-12-31T23:59:60.000000Z' }),
      exported('slow-quote', 'a"b\\c@acme.de'),
      exported('slow-ütf', 'zoë.ñ@acme.de 😀'),
      JSON.stringify({ user_id: 'slow-default', email: 'd@acme.de', version: 2 }),
      exported('fast-3', 'three+tag@sub.acme.de', { version: 2147483647 }),
    ];
    const file = `${lines.join('\n')}\n`;
    // The general way: the same records without their text (JSON.parse, parseUserRecord), as a dry run.
    async function* parsedOnly() {
      for await (const r of readRecords(Readable.from([file]))) yield { where: r.where, line: r.line, value: r.value };
    }
    const general: ImportWarning[] = [];
    const dry = await new UserTransfer(db, { actor: 'importer' }).import(parsedOnly(), { dryRun: true, onWarning: (w) => general.push(w) });
    expect(dry).toMatchObject({ applied: false, plan: { created: 8 }, warnings: 3 });

    const warned: ImportWarning[] = [];
    const result = await new UserTransfer(db, { actor: 'importer' }).import(readRecords(Readable.from([file])), { note: 'fast path', onWarning: (w) => warned.push(w) });
    expect(result).toMatchObject({ applied: true, plan: { created: 8 }, warnings: 3 });
    expect(warned).toEqual(general);
    expect(warned.map((w) => w.where)).toEqual(['line 5', 'line 6', 'line 6']);
    const rows = await db.query<{ user_id: string; same: boolean; email: string; first_seen: string; version: number }>(
      `select u.user_id, r.new_values = ${userSnapshotSql('u')} as same, u.email, r.new_values->>'first_seen' as first_seen, u.version
         from users u join user_revisions r using (user_id) where r.note = 'fast path' order by u.user_id`,
    );
    expect(rows.rows.every((r) => r.same)).toBe(true);
    const by = Object.fromEntries(rows.rows.map((r) => [r.user_id, r]));
    expect(Object.keys(by).sort()).toEqual(['fast-1', 'fast-2', 'fast-3', 'slow-24h', 'slow-default', 'slow-leap', 'slow-quote', 'slow-ütf']);
    expect(by['fast-2']).toMatchObject({ version: 0, first_seen: '0001-01-01T00:00:00.000000Z' });
    expect(by['fast-3']).toMatchObject({ version: 2147483647, email: 'three+tag@sub.acme.de' });
    expect(by['slow-24h']!.first_seen).toBe('2026-01-03T00:00:00.000000Z');
    expect(by['slow-quote']!.email).toBe('a"b\\c@acme.de');
  });

  it('refuses a file with a duplicate or a bad line among lines in export form, naming the lines, and writes nothing', async () => {
    const lines = [exported('dup-1', 'a@acme.de'), exported('dup-2', 'b@acme.de'), exported('dup-1', 'c@acme.de'), '{"user_id":"dup-3","email":', exported('dup-4', 'd@acme.de')];
    await expect(
      new UserTransfer(db, { actor: 'importer' }).import(readRecords(Readable.from([`${lines.join('\n')}\n`])), { note: 'dups' }),
    ).rejects.toMatchObject({
      count: 2,
      problems: [
        { where: 'line 3', message: 'user dup-1 appears twice (also at line 1)' },
        { where: 'line 4', message: expect.stringMatching(/^not valid JSON/) },
      ],
    });
    const left = await db.query<{ n: number }>(`select count(*)::int as n from users where user_id like 'dup-%'`);
    expect(left.rows[0]!.n).toBe(0);
  });
});
