import { spawn } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { binCabinet } from '../helpers/cli.ts';
import { cluster, createMigratedDatabase, createTestDatabase } from '../helpers/db.ts';
import { scratchCli } from './support.ts';

/**
 * The adversarial suite of issue 4 for the command line: the real binary on real PostgreSQL, with psql's
 * part played by a plain node-postgres client (what n8n, psql or a future admin panel do to the rows).
 * One case per test; the expected outcome is in its name. Output is checked as bytes.
 */
let db: Awaited<ReturnType<typeof createMigratedDatabase>>;
const cli = scratchCli('adversarial');
const prefix = `adv${crypto.randomBytes(3).toString('hex')}`;
const reader = `${prefix}_reader`;

interface Bytes {
  code: number | null;
  stdout: Buffer;
  stderr: Buffer;
  /** stdout and stderr decoded, for messages. */
  out: string;
  err: string;
}

/** Runs bin/cabinet, keeping stdout and stderr as bytes. `argv` may hold raw bytes (Buffer) that are not UTF-8. */
function cabinet(argv: (string | Buffer)[], options: { url?: string; input?: string | Buffer; env?: Record<string, string | undefined> } = {}): Promise<Bytes> {
  const env = cli.env({ ...(options.url === undefined ? { DATABASE_URL: db.url } : { DATABASE_URL: options.url }), ...options.env });
  // spawn() can only pass strings (as UTF-8); raw bytes go through the shell's printf.
  const raw = argv.some((a) => Buffer.isBuffer(a));
  const [file, args] = raw
    ? ['/bin/sh', ['-c', `exec "$0" ${argv.map((a) => (Buffer.isBuffer(a) ? `"$(printf '${[...a].map((b) => `\\${b.toString(8).padStart(3, '0')}`).join('')}')"` : `'${a.replace(/'/g, `'\\''`)}'`)).join(' ')}`, binCabinet]]
    : [binCabinet, argv as string[]];
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, { env, cwd: cli.scratch, stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (d: Buffer) => out.push(d));
    child.stderr.on('data', (d: Buffer) => err.push(d));
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      const stdout = Buffer.concat(out);
      const stderr = Buffer.concat(err);
      resolve({ code, stdout, stderr, out: stdout.toString('utf8'), err: stderr.toString('utf8') });
    });
    child.stdin.end(options.input ?? '');
  });
}

/** Exactly one line on stderr, returned. */
function oneLine(r: Bytes): string {
  const lines = r.err.split('\n').filter(Boolean);
  expect(lines, r.err).toHaveLength(1);
  return lines[0]!;
}

// Bytes that would act on the terminal or hide text, as they would arrive raw (UTF-8 for the non-ASCII ones).
const RAW_BYTES: [string, Buffer][] = [
  ['ESC', Buffer.from([0x1b])],
  ['BEL', Buffer.from([0x07])],
  ['DEL', Buffer.from([0x7f])],
  ['C1 CSI', Buffer.from('\u009b', 'utf8')],
  ['U+202E', Buffer.from('\u202e', 'utf8')],
  ['U+200B', Buffer.from('\u200b', 'utf8')],
];

function expectNoRawControls(r: Bytes, where: string): void {
  for (const stream of [r.stdout, r.stderr]) {
    for (const [label, bytes] of RAW_BYTES) expect(stream.includes(bytes), `${where}: raw ${label} in ${JSON.stringify(stream.toString('utf8'))}`).toBe(false);
  }
}

const HOSTILE = [
  { name: 'ESC [2J (clear screen)', value: '\x1b[2J', escaped: '\\x1b[2J' },
  { name: 'OSC 0 (window title)', value: '\x1b]0;pwned\x07', escaped: '\\x1b]0;pwned\\x07' },
  { name: 'OSC 52 (clipboard write)', value: '\x1b]52;c;Y3VybCBldmlsLnNofHNo\x07', escaped: '\\x1b]52;c;Y3VybCBldmlsLnNofHNo\\x07' },
  { name: 'C1 CSI \\x9b', value: '\u009b2J', escaped: '\\x9b2J' },
  { name: 'bidi override U+202E', value: 'abc\u202edef', escaped: 'abc\\u202edef' },
  { name: 'zero-width space U+200B', value: 'pay\u200bpal', escaped: 'pay\\u200bpal' },
  { name: 'DEL', value: 'x\x7fy', escaped: 'x\\x7fy' },
];

async function siteRow(siteId: string) {
  return (await db.query(`select site_id, domain, brand_name, language, ai_script_id, hubspot_pipeline, hubspot_stage, ai_prompt, version from sites where site_id = $1`, [siteId])).rows[0];
}
const revisionCount = async (siteId: string) => (await db.query(`select count(*)::int as n from site_revisions where site_id = $1`, [siteId])).rows[0]!.n as number;
const versionOf = async (siteId: string) => JSON.parse((await cabinet(['sites', 'show', siteId, '--json'])).out).version as number;

/** Everything in sites, users and both histories, to show that a refused command changed nothing. */
async function snapshot(): Promise<string> {
  const parts = [];
  for (const table of ['sites', 'users', 'site_revisions', 'user_revisions']) {
    parts.push(JSON.stringify((await db.query(`select * from ${table} order by 1, 2`)).rows));
  }
  return parts.join('\n');
}

async function createSite(siteId: string, extra: string[] = []): Promise<void> {
  const brand = extra.includes('--brand-name') ? [] : ['--brand-name', `Brand ${siteId}`];
  const r = await cabinet(['sites', 'create', siteId, '--domain', `${siteId}.example`, ...brand, '--actor', 'setup', ...extra]);
  expect(r.code, r.err).toBe(0);
}

async function asAdmin<T>(fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const c = cluster();
  const client = new pg.Client({ host: c.socket, port: c.port, user: c.user, database: 'postgres' });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

const urlAs = (role: string, database = db.name) => `postgres://${role}@/${database}?host=${encodeURIComponent(cluster().socket)}&port=${cluster().port}`;

beforeAll(async () => {
  db = await createMigratedDatabase('adv');
  await asAdmin((c) => c.query(`create role ${c.escapeIdentifier(reader)} login`));
  // A role that may only read: SELECT on every table, nothing else.
  await db.query(`grant select on all tables in schema public to ${reader}`);
});
afterAll(async () => {
  await db.close();
  await asAdmin((c) => c.query(`drop role if exists ${c.escapeIdentifier(reader)}`));
  await cli.cleanup();
});

describe('conflicts: a scripted set with --expect-version', () => {
  it('a psql UPDATE between show and set --expect-version: refused as stale (version now, changed outside cabinet), exit 1, nothing written', async () => {
    await createSite('stale-psql');
    const version = await versionOf('stale-psql');
    await db.query(`update sites set brand_name = 'Changed by psql' where site_id = 'stale-psql'`);
    const before = await siteRow('stale-psql');
    const revisions = await revisionCount('stale-psql');
    const r = await cabinet(['sites', 'set', 'stale-psql', '--brand-name', 'Mine', '--expect-version', String(version)]);
    expect(r.code).toBe(1);
    expect(r.out).toBe('');
    expect(oneLine(r)).toMatch(
      new RegExp(`^cabinet: site stale-psql changed since version ${version}: it is now version ${version + 1}, changed outside cabinet at \\S+ \\(brand_name\\); changed on both sides: brand_name; nothing was written \\(.*--expect-version ${version + 1}`),
    );
    expect(await siteRow('stale-psql')).toEqual(before);
    expect(await revisionCount('stale-psql')).toBe(revisions);
  });

  it('a change by another cabinet user: the stale refusal names who changed it', async () => {
    await createSite('stale-actor');
    const version = await versionOf('stale-actor');
    expect((await cabinet(['sites', 'set', 'stale-actor', '--language', 'de', '--actor', 'alice'])).code).toBe(0);
    const r = await cabinet(['sites', 'set', 'stale-actor', '--brand-name', 'Mine', '--expect-version', String(version)]);
    expect(r.code).toBe(1);
    expect(oneLine(r)).toMatch(/changed since version 1: it is now version 2, changed by alice(?: from \S+)? at \S+ \(language\); nothing was written/);
    expect((await siteRow('stale-actor'))!.brand_name).toBe('Brand stale-actor');
  });

  it('set --expect-version with the current version writes, and records the revision with --actor and --note', async () => {
    await createSite('fresh');
    const r = await cabinet(['sites', 'set', 'fresh', '--brand-name', 'Fresh', '--expect-version', '1', '--actor', 'deploy-bot', '--note', 'pipeline 42']);
    expect(r.code, r.err).toBe(0);
    const rev = (await db.query(`select actor, note, version from site_revisions where site_id = 'fresh' order by rev desc limit 1`)).rows[0];
    expect(rev).toMatchObject({ note: 'pipeline 42', version: 2 });
    expect(rev!.actor).toMatch(/^deploy-bot( from \S+)?$/);
  });

  for (let round = 1; round <= 3; round++) {
    it(`two processes run sites set with the same --expect-version at once: exactly one wins, the other is refused as stale (round ${round})`, async () => {
      const id = `race-${round}`;
      await createSite(id);
      const version = await versionOf(id);
      const [a, b] = await Promise.all(
        ['Alpha', 'Bravo'].map((brand) => cabinet(['sites', 'set', id, '--brand-name', brand, '--expect-version', String(version), '--actor', brand.toLowerCase()])),
      );
      const results = [a!, b!];
      expect(results.map((r) => r.code).sort()).toEqual([0, 1]);
      const winner = results.findIndex((r) => r.code === 0);
      const loser = results[1 - winner]!;
      // The loser may have passed the early check and printed its diff: the write itself is what refuses it.
      expect(loser.err.trimEnd().split('\n').at(-1)).toMatch(
        new RegExp(`^cabinet: site ${id} changed since version ${version}: it is now version ${version + 1}, changed by ${winner === 0 ? 'alpha' : 'bravo'}.*; nothing was written`),
      );
      const row = await siteRow(id);
      expect(row!.brand_name).toBe(winner === 0 ? 'Alpha' : 'Bravo');
      expect(row!.version).toBe(version + 1);
      expect(await revisionCount(id)).toBe(2);
    });
  }

  it('without --expect-version a scripted set is last-writer-wins: it applies over a psql change', async () => {
    await createSite('lww');
    await db.query(`update sites set language = 'ru' where site_id = 'lww'`);
    const r = await cabinet(['sites', 'set', 'lww', '--brand-name', 'Mine']);
    expect(r.code, r.err).toBe(0);
    expect(await siteRow('lww')).toMatchObject({ brand_name: 'Mine', language: 'ru' });
  });

  it('the site deleted in cabinet while a scripted set expects its version: "was deleted by …" one line with the restore command, exit 1, nothing created', async () => {
    await createSite('gone-cabinet');
    const version = await versionOf('gone-cabinet');
    expect((await cabinet(['sites', 'delete', 'gone-cabinet', '--yes', '--actor', 'bob'])).code).toBe(0);
    const r = await cabinet(['sites', 'set', 'gone-cabinet', '--brand-name', 'Mine', '--expect-version', String(version)]);
    expect(r.code).toBe(1);
    expect(oneLine(r)).toMatch(/^cabinet: site gone-cabinet was deleted by bob(?: from \S+)? at \S+; nothing was written \(cabinet sites restore gone-cabinet --to 2 brings it back\)$/);
    expect(await siteRow('gone-cabinet')).toBeUndefined();
  });

  it('the site deleted by psql while a scripted set expects its version: "was deleted outside cabinet" one line, exit 1, nothing created', async () => {
    await createSite('gone-psql');
    const version = await versionOf('gone-psql');
    await db.query(`delete from sites where site_id = 'gone-psql'`);
    const r = await cabinet(['sites', 'set', 'gone-psql', '--brand-name', 'Mine', '--expect-version', String(version)]);
    expect(r.code).toBe(1);
    expect(oneLine(r)).toBe('cabinet: site gone-psql was deleted outside cabinet; nothing was written');
    expect(await siteRow('gone-psql')).toBeUndefined();
  });

  it('a users set --expect-version after a psql UPDATE: refused as stale, nothing written', async () => {
    await db.query(`insert into users (user_id, email) values ('stale-user', 'stale@example.com')`);
    await db.query(`update users set email = 'psql@example.com' where user_id = 'stale-user'`);
    const r = await cabinet(['users', 'set', 'stale-user', '--email', 'mine@example.com', '--expect-version', '1']);
    expect(r.code).toBe(1);
    expect(oneLine(r)).toMatch(/^cabinet: user stale-user changed since version 1: it is now version 2, changed outside cabinet at \S+; nothing was written/);
    expect((await db.query(`select email from users where user_id = 'stale-user'`)).rows[0]!.email).toBe('psql@example.com');
  });

  it('--expect-version that is not a version: usage error, exit 2', async () => {
    const r = await cabinet(['sites', 'set', 'fresh', '--brand-name', 'X', '--expect-version', 'latest']);
    expect(r.code).toBe(2);
    expect(oneLine(r)).toMatch(/--expect-version must be a row version/);
  });
});

describe('history, diff and restore', () => {
  it('history after a psql update shows the gap "changed outside cabinet" with the time the trigger recorded', async () => {
    await createSite('gap', ['--note', 'first']);
    await db.query(`update sites set brand_name = 'psql 1' where site_id = 'gap'`);
    await db.query(`update sites set language = 'de' where site_id = 'gap'`);
    const updatedAt = (await db.query(`select updated_at from sites where site_id = 'gap'`)).rows[0]!.updated_at as Date;
    const r = await cabinet(['sites', 'history', 'gap']);
    expect(r.code, r.err).toBe(0);
    const lines = r.out.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^REV\s+WHEN\s+ACTION\s+ACTOR\s+VERSION\s+CHANGED\s+NOTE$/);
    const when = `${updatedAt.toISOString().slice(0, 19).replace('T', ' ')}Z`;
    expect(lines[1]).toMatch(new RegExp(`^\\s*-\\s+${when}\\s+update\\s+\\(outside cabinet\\)\\s+3\\s+brand_name, language\\s+changed outside cabinet: version 1 → 3 \\(2 writes\\)$`));
    expect(lines[2]).toMatch(/^\s*1\s+\S+ \S+\s+create\s+setup.*\s+first$/);
    const json = JSON.parse((await cabinet(['sites', 'history', 'gap', '--json'])).out) as Record<string, unknown>[];
    expect(json[0]).toMatchObject({ kind: 'outside', action: 'update', from_version: 1, to_version: 3, writes: 2, at: updatedAt.toISOString(), changed: ['brand_name', 'language'] });
    expect(json[1]).toMatchObject({ kind: 'revision', rev: 1, action: 'create', note: 'first' });
  });

  it('history pages: --limit N, then --before the oldest revision shown; a bad --before is a usage error', async () => {
    await createSite('pages');
    for (const name of ['B', 'C', 'D']) expect((await cabinet(['sites', 'set', 'pages', '--brand-name', name])).code).toBe(0);
    const revs = async (args: string[]) => (JSON.parse((await cabinet(['sites', 'history', 'pages', '--json', ...args])).out) as { rev?: number }[]).map((e) => e.rev);
    expect(await revs(['--limit', '2'])).toEqual([4, 3]);
    expect(await revs(['--limit', '2', '--before', '3'])).toEqual([2, 1]);
    expect(await revs(['--before', '1'])).toEqual([]);
    const bad = await cabinet(['sites', 'history', 'pages', '--before', 'current']);
    expect(bad.code).toBe(2);
    expect(oneLine(bad)).toMatch(/--before takes a revision number/);
  });

  it('diff REV shows the changed fields and the prompt as a unified diff against the current row', async () => {
    await createSite('diffed');
    expect((await cabinet(['sites', 'set', 'diffed', '--ai-prompt-file', '-'], { input: 'one\ntwo\nthree\n' })).code).toBe(0);
    expect((await cabinet(['sites', 'set', 'diffed', '--ai-prompt-file', '-', '--brand-name', 'New'], { input: 'one\nTWO\nthree\n' })).code).toBe(0);
    const r = await cabinet(['sites', 'diff', 'diffed', '2']);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toMatch(/^site diffed: revision 2 \(version 2, .*\) → current \(version 3, .*\)\n {2}brand_name\s+Brand diffed → New\n {2}ai_prompt\s+14 characters → 14 characters\n--- prompt \(rev 2\)\n\+\+\+ prompt \(current\)\n@@ -1,3 \+1,3 @@\n one\n-two\n\+TWO\n three\n$/);
    const same = await cabinet(['sites', 'diff', 'diffed', '3', 'current']);
    expect(same.out).toMatch(/No differences\.\n$/);
    const json = JSON.parse((await cabinet(['sites', 'diff', 'diffed', '1', '3', '--json'])).out);
    expect(json.fields.map((f: { field: string }) => f.field)).toEqual(['brand_name', 'ai_prompt']);
    expect(json.from.site.ai_prompt).toBe('');
  });

  it('restore --to REV without a terminal and without --yes: refused (exit 2), nothing written', async () => {
    const before = await siteRow('diffed');
    const r = await cabinet(['sites', 'restore', 'diffed', '--to', '1']);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/refusing without --yes because stdin is not a terminal/);
    expect(await siteRow('diffed')).toEqual(before);
  });

  it('restore --to REV --yes prints the diff, writes the old values back and records a new restore revision with the note', async () => {
    const r = await cabinet(['sites', 'restore', 'diffed', '--to', '1', '--yes', '--note', 'undo', '--actor', 'carol']);
    expect(r.code, r.err).toBe(0);
    expect(r.err).toContain('-brand_name: New\n+brand_name: Brand diffed\n');
    expect(r.err).toMatch(/^Restored site diffed to revision 1 as revision 4 \(now version 4\)\.$/m);
    expect(await siteRow('diffed')).toMatchObject({ brand_name: 'Brand diffed', ai_prompt: '' });
    const rev = (await db.query(`select action, note, actor from site_revisions where site_id = 'diffed' and rev = 4`)).rows[0];
    expect(rev).toMatchObject({ action: 'restore', note: 'restored rev 1: undo' });
    expect(rev!.actor).toMatch(/^carol/);
  });

  it('restore of a deleted site from its delete revision creates it again', async () => {
    const r = await cabinet(['sites', 'restore', 'gone-cabinet', '--to', '2', '--yes']);
    expect(r.code, r.err).toBe(0);
    expect((await siteRow('gone-cabinet'))!.brand_name).toBe('Brand gone-cabinet');
  });

  it('restore --to a revision that does not exist: one line, exit 1; without --to: usage error, exit 2', async () => {
    const missing = await cabinet(['sites', 'restore', 'diffed', '--to', '99', '--yes']);
    expect(missing.code).toBe(1);
    expect(oneLine(missing)).toBe('cabinet: site diffed has no revision 99 (see its history)');
    const noTo = await cabinet(['sites', 'restore', 'diffed', '--yes']);
    expect(noTo.code).toBe(2);
    expect(oneLine(noTo)).toMatch(/needs --to REV/);
  });
});

describe.each(HOSTILE)('hostile text from the database: $name', ({ name, value, escaped }) => {
  const i = HOSTILE.findIndex((h) => h.name === name);
  const siteId = `h${i}-${value}`;
  const userId = `u${i}-${value}`;

  beforeAll(async () => {
    // Stored the way psql or n8n could: in every text column of sites and users, and in the history.
    await db.query(
      `insert into sites (site_id, domain, brand_name, language, ai_script_id, hubspot_pipeline, hubspot_stage, ai_prompt)
       values ($1, $2, $3, $4, $5, $6, $7, $8)`,
      [siteId, `h${i}${value}.example`, `Brand ${value}`, `en${value}`, `script${value}`, `pipe${value}`, `stage${value}`, `Prompt ${value}\nline two ${value}\n`],
    );
    await db.query(
      `insert into site_revisions (site_id, rev, version, action, changed_fields, old_values, new_values, actor, note)
       select site_id, 1, version, 'create', array['brand_name', $2], null, to_jsonb(s), $3, $4 from sites s where site_id = $1`,
      [siteId, `col${value}`, `actor ${value}`, `note ${value}`],
    );
    await db.query(`update sites set brand_name = $2 where site_id = $1`, [siteId, `Rebrand ${value}`]);
    await db.query(`insert into users (user_id, email) values ($1, $2)`, [userId, `e${i}${value}@example.com`]);
  });

  it('sites list (table and --json) shows it escaped, never the raw bytes', async () => {
    const table = await cabinet(['sites', 'list']);
    expect(table.code, table.err).toBe(0);
    expectNoRawControls(table, 'sites list');
    expect(table.out).toContain(`Rebrand ${escaped}`);
    const json = await cabinet(['sites', 'list', '--json']);
    expectNoRawControls(json, 'sites list --json');
    // The JSON escapes still decode to the stored value.
    expect((JSON.parse(json.out) as { site_id: string; brand_name: string }[]).find((s) => s.site_id === siteId)?.brand_name).toBe(`Rebrand ${value}`);
  });

  it('sites show (text and --json) shows every column escaped, never the raw bytes', async () => {
    const text = await cabinet(['sites', 'show', siteId]);
    expect(text.code, text.err).toBe(0);
    expectNoRawControls(text, 'sites show');
    for (const shown of [`site_id:          h${i}-${escaped}`, `brand_name:       Rebrand ${escaped}`, `language:         en${escaped}`, `ai_script_id:     script${escaped}`, `hubspot_pipeline: pipe${escaped}`, `hubspot_stage:    stage${escaped}`, `Prompt ${escaped}\nline two ${escaped}\n`]) {
      expect(text.out).toContain(shown);
    }
    const json = await cabinet(['sites', 'show', siteId, '--json']);
    expectNoRawControls(json, 'sites show --json');
    expect(JSON.parse(json.out).ai_prompt).toBe(`Prompt ${value}\nline two ${value}\n`);
  });

  it('users list and users show show it escaped, never the raw bytes', async () => {
    const list = await cabinet(['users', 'list', '--limit', '1000']);
    expect(list.code, list.err).toBe(0);
    expectNoRawControls(list, 'users list');
    expect(list.out).toContain(`u${i}-${escaped}`);
    expect(list.out).toContain(`e${i}${escaped}@example.com`);
    const show = await cabinet(['users', 'show', userId]);
    expect(show.code, show.err).toBe(0);
    expectNoRawControls(show, 'users show');
    expect(show.out).toContain(`email:      e${i}${escaped}@example.com`);
    const json = await cabinet(['users', 'show', userId, '--json']);
    expectNoRawControls(json, 'users show --json');
    expect(JSON.parse(json.out).email).toBe(`e${i}${value}@example.com`);
  });

  it('sites history and sites diff show actor, note and values escaped, never the raw bytes', async () => {
    const history = await cabinet(['sites', 'history', siteId]);
    expect(history.code, history.err).toBe(0);
    expectNoRawControls(history, 'sites history');
    expect(history.out).toContain(`actor ${escaped}`);
    expect(history.out).toContain(`note ${escaped}`);
    const json = await cabinet(['sites', 'history', siteId, '--json']);
    expectNoRawControls(json, 'sites history --json');
    const diff = await cabinet(['sites', 'diff', siteId, '1']);
    expect(diff.code, diff.err).toBe(0);
    expectNoRawControls(diff, 'sites diff');
    expect(diff.out).toContain(`Brand ${escaped} → Rebrand ${escaped}`);
  });

  it('the id given on the command line is echoed escaped in a not-found line', async () => {
    const r = await cabinet(['sites', 'show', `nope${value}`]);
    expect(r.code).toBe(1);
    expectNoRawControls(r, 'not found');
    expect(oneLine(r)).toBe(`cabinet: no site with id nope${escaped} (see cabinet sites list)`);
  });
});

describe('PostgreSQL errors that echo a hostile value', () => {
  it('a duplicate key on a unique index whose name a DBA gave an ESC sequence: printed escaped, exit 1, nothing written', async () => {
    await db.query(`create unique index "brand_unique\x1b]0;pwned\x07" on sites (brand_name) where brand_name = 'Only Once'`);
    try {
      await createSite('dup-one');
      expect((await cabinet(['sites', 'set', 'dup-one', '--brand-name', 'Only Once'])).code).toBe(0);
      await createSite('dup-two');
      const before = await snapshot();
      const r = await cabinet(['sites', 'set', 'dup-two', '--brand-name', 'Only Once']);
      expect(r.code).toBe(1);
      expectNoRawControls(r, 'duplicate key');
      expect(r.err.trimEnd().split('\n').at(-1)).toBe('cabinet: database error on the database: duplicate key value violates unique constraint "brand_unique\\x1b]0;pwned\\x07"');
      expect(await snapshot()).toBe(before);
    } finally {
      await db.query(`drop index "brand_unique\x1b]0;pwned\x07"`);
    }
  });

  it('a trigger that raises with the stored domain (ESC [2J inside, put there by psql): printed escaped, with --debug too, exit 1', async () => {
    await db.query(`insert into sites (site_id, domain, brand_name) values ('frozen', 'frozen\x1b[2J.example', 'Frozen')`);
    await db.query(`create function frozen_fn() returns trigger as $$ begin raise exception 'site on % is frozen', old.domain; end $$ language plpgsql`);
    await db.query(`create trigger frozen before update on sites for each row when (old.site_id = 'frozen') execute function frozen_fn()`);
    try {
      for (const debug of [[], ['--debug']]) {
        const r = await cabinet(['sites', 'set', 'frozen', '--brand-name', 'Thawed', ...debug]);
        expect(r.code).toBe(1);
        expectNoRawControls(r, `trigger error ${debug.join('')}`);
        expect(r.err).toContain('cabinet: database error on the database: site on frozen\\x1b[2J.example is frozen');
      }
      expect((await siteRow('frozen'))!.brand_name).toBe('Frozen');
    } finally {
      await db.query(`drop trigger frozen on sites; drop function frozen_fn()`);
    }
  });
});

describe('NUL bytes and lone surrogates in input', () => {
  // NUL cannot be passed in a command-line argument at all (execve ends the string there); in an argument,
  // a lone surrogate can only arrive as its WTF-8 bytes ED A0 80, which are not UTF-8.
  const LONE_SURROGATE = Buffer.from([0x61, 0xed, 0xa0, 0x80, 0x62]);
  const siteFlags = ['--domain', '--brand-name', '--language', '--ai-script-id', '--hubspot-pipeline', '--hubspot-stage', '--note', '--actor'];
  beforeAll(() => createSite('enc'));

  it.each(siteFlags)('sites set %s with a lone surrogate (bytes ED A0 80): one line naming the option, exit 1, nothing written', async (flag) => {
    const before = await snapshot();
    const r = await cabinet(['sites', 'set', 'enc', flag, LONE_SURROGATE, ...(flag === '--note' || flag === '--actor' ? ['--brand-name', 'X'] : [])]);
    expect(r.code).toBe(1);
    expect(oneLine(r)).toBe(`cabinet: the value of ${flag} is not valid UTF-8 (first bad byte at offset 1); nothing was done (pass text as UTF-8; a lone surrogate or a Latin-1 byte cannot be stored)`);
    expect(await snapshot()).toBe(before);
  });

  it.each([
    ['sites create with a lone surrogate in SITE_ID', ['sites', 'create', LONE_SURROGATE, '--domain', 'x.example', '--brand-name', 'X'], 'argument 3'],
    ['users create with a lone surrogate in USER_ID', ['users', 'create', LONE_SURROGATE, '--email', 'x@example.com'], 'argument 3'],
    ['users create with a lone surrogate in --email', ['users', 'create', 'enc-user', '--email', LONE_SURROGATE], 'the value of --email'],
    ['users set with a lone surrogate in --first-seen', ['users', 'set', 'stale-user', '--first-seen', LONE_SURROGATE], 'the value of --first-seen'],
    ['users set with a lone surrogate in --last-seen', ['users', 'set', 'stale-user', '--last-seen', LONE_SURROGATE], 'the value of --last-seen'],
    ['sites list with a lone surrogate in --filter', ['sites', 'list', '--filter', LONE_SURROGATE], 'the value of --filter'],
  ] as [string, (string | Buffer)[], string][])('%s: one line, exit 1, nothing written', async (_, argv, which) => {
    const before = await snapshot();
    const r = await cabinet(argv);
    expect(r.code).toBe(1);
    expect(oneLine(r)).toMatch(new RegExp(`^cabinet: ${which} is not valid UTF-8`));
    expect(await snapshot()).toBe(before);
  });

  it('a prompt file with a NUL byte: one line, exit 1, nothing written', async () => {
    const before = await snapshot();
    const r = await cabinet(['sites', 'set', 'enc', '--ai-prompt-file', '-'], { input: Buffer.from('Hello\0world') });
    expect(r.code).toBe(1);
    expect(oneLine(r)).toBe('cabinet: invalid site: the prompt contains a NUL byte');
    expect(await snapshot()).toBe(before);
  });

  it('a prompt file with a lone surrogate (bytes ED A0 80): one line naming the offset, exit 1, nothing written', async () => {
    const before = await snapshot();
    const r = await cabinet(['sites', 'set', 'enc', '--ai-prompt-file', '-'], { input: LONE_SURROGATE });
    expect(r.code).toBe(1);
    expect(oneLine(r)).toMatch(/^cabinet: --ai-prompt-file \(stdin\) is not valid UTF-8 \(first bad byte at offset 1\)/);
    expect(await snapshot()).toBe(before);
  });

  const siteColumns = ['site_id', 'domain', 'brand_name', 'language', 'ai_script_id', 'hubspot_pipeline', 'hubspot_stage', 'ai_prompt'];
  const userColumns = ['user_id', 'email', 'first_seen', 'last_seen'];
  const cases = [
    ...siteColumns.flatMap((column) => [
      { kind: 'sites', column, bad: 'NUL', escape: '\\u0000' },
      { kind: 'sites', column, bad: 'lone surrogate', escape: '\\ud800' },
    ]),
    ...userColumns.flatMap((column) => [
      { kind: 'users', column, bad: 'NUL', escape: '\\u0000' },
      { kind: 'users', column, bad: 'lone surrogate', escape: '\\ud800' },
    ]),
  ];

  it.each(cases)('$kind import with a $bad in $column: the row is reported by line, exit 1, nothing written', async ({ kind, column, escape }) => {
    const row: Record<string, string> =
      kind === 'sites'
        ? { site_id: 'imp-enc', domain: 'imp-enc.example', brand_name: 'Imp', language: 'en', ai_script_id: 's', hubspot_pipeline: 'p', hubspot_stage: 's', ai_prompt: 'Hi' }
        : { user_id: 'imp-enc', email: 'imp@example.com', first_seen: '2026-01-01T00:00:00Z', last_seen: '2026-01-02T00:00:00Z' };
    const line = JSON.stringify(row).replace(`"${column}":"${row[column]}"`, `"${column}":"${row[column]!.slice(0, 1)}${escape}${row[column]!.slice(1)}"`);
    expect(line).toContain(escape);
    const before = await snapshot();
    const r = await cabinet([kind, 'import', '-', '--yes'], { input: `${line}\n` });
    expect(r.code).toBe(1);
    const lines = r.err.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^cabinet: line 1: .*(NUL byte|unpaired surrogate|not an ISO 8601 time)/);
    expect(lines.at(-1)).toMatch(/nothing was imported/);
    expect(await snapshot()).toBe(before);
  });
});

describe('search input is data, never SQL', () => {
  const brands = ['100% Organic', 'snake_case Shop', "O'Reilly Books", '"Quoted" Store', 'Back\\slash Goods', 'Plain Shop'];
  beforeAll(async () => {
    for (const [n, brand] of brands.entries()) await createSite(`search-${n}`, ['--brand-name', brand]);
    for (const [n, email] of ['pct%sign@x.example', 'under_score@x.example', "o'reilly@x.example", 'back\\slash@x.example', 'plain@x.example'].entries()) {
      await db.query(`insert into users (user_id, email) values ($1, $2)`, [`search-${n}`, email]);
    }
  });

  const siteCases: [string, string[]][] = [
    ['%', ['100% Organic']],
    ['_', ['snake_case Shop']],
    ["'", ["O'Reilly Books"]],
    ['"', ['"Quoted" Store']],
    ['\\', ['Back\\slash Goods']],
    ["'; drop table sites; --", []],
    ['%%', []],
    ['Shop', ['Plain Shop', 'snake_case Shop']],
  ];
  it.each(siteCases)('sites list --filter %j finds exactly %j, and the table is intact', async (filter, expected) => {
    const r = await cabinet(['sites', 'list', '--json', '--filter', filter]);
    expect(r.code, r.err).toBe(0);
    const found = (JSON.parse(r.out) as { site_id: string; brand_name: string }[]).filter((s) => s.site_id.startsWith('search-')).map((s) => s.brand_name);
    expect(found.sort()).toEqual([...expected].sort());
    expect((await db.query(`select count(*)::int as n from sites where site_id like 'search-%'`)).rows[0]!.n).toBe(brands.length);
  });

  const userCases: [string, string[]][] = [
    ['%', ['pct%sign@x.example']],
    ['_', ['under_score@x.example']],
    ["'", ["o'reilly@x.example"]],
    ['\\', ['back\\slash@x.example']],
    ["'; drop table users; --", []],
  ];
  it.each(userCases)('users list --filter %j finds exactly %j, and the table is intact', async (filter, expected) => {
    const r = await cabinet(['users', 'list', '--json', '--limit', '1000', '--filter', filter]);
    expect(r.code, r.err).toBe(0);
    const found = (JSON.parse(r.out) as { user_id: string; email: string }[]).filter((u) => u.user_id.startsWith('search-')).map((u) => u.email);
    expect(found.sort()).toEqual([...expected].sort());
    expect((await db.query(`select count(*)::int as n from users where user_id like 'search-%'`)).rows[0]!.n).toBe(5);
  });
});

describe('read-only', () => {
  const writes: [string, string[], string | undefined][] = [
    ['sites create', ['sites', 'create', 'ro-new', '--domain', 'ro-new.example', '--brand-name', 'RO'], undefined],
    ['sites set', ['sites', 'set', 'fresh', '--brand-name', 'RO'], undefined],
    ['sites delete', ['sites', 'delete', 'fresh', '--yes'], undefined],
    ['sites restore', ['sites', 'restore', 'fresh', '--to', '1', '--yes'], undefined],
    ['sites import', ['sites', 'import', '-', '--yes'], '{"site_id":"ro-imp","domain":"ro-imp.example","brand_name":"RO"}\n'],
    ['users create', ['users', 'create', 'ro-user', '--email', 'ro@example.com'], undefined],
    ['users set', ['users', 'set', 'stale-user', '--email', 'ro@example.com'], undefined],
    ['users delete', ['users', 'delete', 'stale-user', '--yes'], undefined],
    ['users import', ['users', 'import', '-', '--yes'], '{"user_id":"ro-imp","email":"ro@example.com"}\n'],
    ['seed --demo', ['seed', '--demo', '--force'], undefined],
  ];

  it('a role with only SELECT can list, show and read history', async () => {
    for (const args of [['sites', 'list'], ['sites', 'show', 'fresh'], ['sites', 'history', 'fresh'], ['users', 'list'], ['users', 'show', 'stale-user']]) {
      const r = await cabinet(args, { url: urlAs(reader) });
      expect(r.code, `${args.join(' ')}: ${r.err}`).toBe(0);
    }
  });

  it.each(writes)('a role with only SELECT: %s is refused with one line naming the role, exit 1, nothing written', async (name, args, input) => {
    const before = await snapshot();
    const r = await cabinet(args, { url: urlAs(reader), ...(input === undefined ? {} : { input }) });
    expect(r.code).toBe(1);
    const table = name.startsWith('users') ? 'users' : 'sites';
    expect(oneLine(r)).toMatch(new RegExp(`^cabinet: read-only: role ${reader} may not insert, update and delete ${name === 'seed --demo' ? '(sites|users)' : table}; nothing was changed \\(connect as a role with write grants`));
    expect(await snapshot()).toBe(before);
  });

  it.each(writes)('--read-only: %s is refused before connecting (the database is not even reachable), exit 1', async (name, args, input) => {
    const r = await cabinet(['--read-only', ...args], { url: 'postgres://nobody@/nothing?host=/nonexistent-socket-dir', ...(input === undefined ? {} : { input }) });
    expect(r.code).toBe(1);
    expect(oneLine(r)).toBe(`cabinet: read-only: --read-only refuses cabinet ${name}; nothing was changed`);
  });

  it('--read-only still lists, and --dry-run still shows what a write would do', async () => {
    expect((await cabinet(['--read-only', 'sites', 'list'])).code).toBe(0);
    const dry = await cabinet(['sites', 'set', 'fresh', '--brand-name', 'Dry', '--dry-run', '--read-only']);
    expect(dry.code, dry.err).toBe(0);
    expect(dry.err).toContain('+brand_name: Dry');
  });

  it('migrate as a role that cannot run DDL: one line with the reason and the owner-role hint before anything is attempted, exit 1', async () => {
    const empty = await createTestDatabase('advddl');
    try {
      await empty.query(`grant connect on database ${empty.name} to ${reader}`);
      const r = await cabinet(['migrate'], { url: urlAs(reader, empty.name) });
      expect(r.code).toBe(1);
      expect(oneLine(r)).toMatch(new RegExp(`^cabinet: cannot migrate: role ${reader} may not create tables in schema public .*; nothing was changed \\(run it as the role that owns the tables \\(cabinet_owner in cabinet roles sql\\)`));
      expect((await empty.query(`select count(*)::int as n from pg_tables where schemaname = 'public'`)).rows[0]!.n).toBe(0);
    } finally {
      await empty.drop();
    }
  });

  it('migrate as a role that cannot run DDL, with nothing pending: "Nothing to migrate", exit 0', async () => {
    const r = await cabinet(['migrate'], { url: urlAs(reader) });
    expect(r.code, r.err).toBe(0);
    expect(r.out).toMatch(/^Nothing to migrate/);
  });
});

describe('faults and usage', () => {
  it('cabinet (the console) with stdin and stdout not a TTY: one line, exit 2', async () => {
    const r = await cabinet([]);
    expect(r.code).toBe(2);
    expect(r.out).toBe('');
    expect(oneLine(r)).toMatch(/^cabinet: the console needs a terminal/);
  });

  const noServer = fs.mkdtempSync(path.join(os.tmpdir(), 'cabinet-no-server-'));
  afterAll(() => fs.rmSync(noServer, { recursive: true, force: true }));
  it.each([
    ['sites list', ['sites', 'list']],
    ['sites set', ['sites', 'set', 'fresh', '--brand-name', 'X']],
    ['migrate', ['migrate']],
  ])('database down (a socket directory with no server): %s prints one line, exit 1', async (_, args) => {
    const r = await cabinet(args, { url: `postgres://nobody@/nothing?host=${encodeURIComponent(noServer)}` });
    expect(r.code).toBe(1);
    expect(r.out).toBe('');
    expect(oneLine(r)).toMatch(/^cabinet: cannot connect to .*: connection refused \(is the PostgreSQL server running\?\)$/);
  });

  it('--actor with a bidi override: usage error before anything connects, exit 2', async () => {
    const r = await cabinet(['sites', 'set', 'fresh', '--brand-name', 'X', '--actor', 'ev\u202eil'], { url: 'postgres://nobody@/nothing?host=/nonexistent-socket-dir' });
    expect(r.code).toBe(2);
    expectNoRawControls(r, '--actor');
    expect(oneLine(r)).toMatch(/^cabinet: invalid --actor: actor must not contain invisible or bidi-override characters/);
  });
});
