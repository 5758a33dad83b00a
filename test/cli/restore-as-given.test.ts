import { execFile } from 'node:child_process';
import fs from 'node:fs';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMigratedDatabase } from '../helpers/db.ts';
import { scratchCli } from './support.ts';

/**
 * Backups that restore (issue 11, item 9): rows written by psql with every oddity the database accepts
 * and cabinet would never write, exported (JSON and NDJSON), wiped, imported through the real binary, and
 * compared with psql byte for byte, every column (version, created_at and updated_at included: import uses
 * them when it creates a row).
 */
let db: Awaited<ReturnType<typeof createMigratedDatabase>>;
const cli = scratchCli('restore');
const run = (args: string[], options: { input?: string | Buffer } = {}) => cli.run(args, { url: db.url, ...options });

/** psql itself, as a DBA would run it, with session settings cabinet does not use. */
async function psql(sql: string): Promise<string> {
  const { stdout } = await promisify(execFile)('psql', [db.url, '-X', '-At', '-v', 'ON_ERROR_STOP=1', '-c', sql], {
    env: { ...process.env, PGTZ: 'Pacific/Chatham', PGDATESTYLE: 'SQL, DMY', PGOPTIONS: '-c extra_float_digits=0' },
    maxBuffer: 64 << 20,
  });
  return stdout;
}

/**
 * Each row of both tables, every column, as JSON (one line each, readable when a test fails), and a digest
 * over the rows as psql prints them.
 */
async function tables(): Promise<{ digest: string; sites: string[]; users: string[] }> {
  const sites = (await psql(`select to_json(s)::text from sites s order by site_id collate "C"`)).split('\n').filter(Boolean);
  const users = (await psql(`select to_json(u)::text from users u order by user_id collate "C"`)).split('\n').filter(Boolean);
  const digest = await psql(
    `select md5(coalesce((select string_agg(s::text, E'\\n' order by site_id collate "C") from sites s), '') || '|' ||
                coalesce((select string_agg(u::text, E'\\n' order by user_id collate "C") from users u), ''))`,
  );
  return { digest: digest.trim(), sites, users };
}

// 100,000 characters exactly (the CHECK's limit), many of them outside the BMP, CRLF line ends.
const LONG_PROMPT_SQL = `left(repeat(E'Zeile 🦜 with CRLF\\r\\n', 6000), 100000)`;

beforeAll(async () => {
  db = await createMigratedDatabase('restore');
  await psql(`
    insert into sites (site_id, domain, brand_name, language, ai_script_id, hubspot_pipeline, hubspot_stage, ai_prompt, created_at, version, updated_at) values
      ('crlf', 'MiXeD.Example.COM', E'ACME GmbH\\n', 'en_US', ' scr 1 ', '', 'closed won', E'Hallo\\r\\nWelt\\r\\n\\r\\n', '2026-03-01 12:00:00.5+05:45', 7, '2026-03-02 00:00:00.000001-03:30'),
      ('unicode', 'münchen.example', 'Ünïcödé 🚀 ‮evil', 'EN', null, null, null,
         E'tab\\there, back\\\\slash, \\f form feed, \\v vtab, \\u202e bidi, zero\\u200bwidth, e\\u0301 combining, 🏳️‍🌈 ZWJ, \\x01\\x1b[2J escape', '1999-12-31 23:59:59.999999-08', 1, '2000-01-01 00:00:00+14'),
      ('blank', '', '', '', '', '', '', '', '2026-01-01 00:00:00+00', 0, '2026-01-01 00:00:00+00'),
      ('long', 'long.example.', '  padded brand  ', 'de-de', 'x', '12345', 'appointmentscheduled', ${LONG_PROMPT_SQL}, '2026-06-30 23:59:60+00', 2147483647, 'infinity'),
      ('Odd Site.ID', 'https://acme.de/shop', 'Tab\\there', 'pt_BR', null, '00', '-', E'\\n', '0044-03-15 12:00:00+00 BC', 3, '10000-01-01 00:00:00.25+00'),
      ('plain', 'plain.example', 'Plain', 'en', null, null, null, 'A plain prompt.', now(), 1, now())`);
  // A later write outside cabinet: the trigger moves version and updated_at on.
  await psql(`update sites set brand_name = brand_name || E'\\n' where site_id = 'plain'`);
  await psql(`
    insert into users (user_id, email, first_seen, last_seen, version, updated_at) values
      ('auth0|Mixed Case id', '  Spaced@Example.COM ', '-infinity', 'infinity', 0, '2026-01-01 00:00:00.1+01'),
      ('ünïcode-sub', 'jürgen@müller.de', '0001-01-01 00:00:00+00 BC', '10000-12-31 23:59:59.999999+00', 5, 'infinity'),
      ('', 'not an address', '2026-02-28 12:00:00.123456789+05:30', '2026-02-28 12:00:00.1-11:00', 2147483647, '2026-03-01 00:00:00+00'),
      ('tabbed', E'a\\tb@example.com\\r\\n', now(), now(), 1, now()),
      ('200000000000000001', 'normal@example.com', '2026-01-01 00:00:00+00', '2026-06-01 00:00:00+00', 1, '2026-06-01 00:00:00+00')`);
  await psql(`update users set last_seen = last_seen + interval '1 second' where user_id = '200000000000000001'`);
});
afterAll(async () => {
  await db?.close();
  await cli.cleanup();
});

describe('export → wipe → import gives back what psql wrote, byte for byte', () => {
  for (const format of ['json', 'ndjson'] as const) {
    it(`${format}: every row, every column, warnings for what cabinet would have written otherwise`, async () => {
      const before = await tables();
      expect(before.sites).toHaveLength(6);
      expect(before.users).toHaveLength(5);
      const flag = format === 'ndjson' ? ['--ndjson'] : [];
      const sitesFile = cli.file(`sites.${format}`, '');
      const usersFile = cli.file(`users.${format}`, '');
      expect((await run(['sites', 'export', ...flag, '-o', sitesFile])).code).toBe(0);
      expect((await run(['users', 'export', ...flag, '-o', usersFile])).code).toBe(0);

      await psql('delete from sites; delete from users');
      expect((await tables()).sites).toEqual([]);

      const s = await run(['sites', 'import', sitesFile]);
      expect(s.code, s.stderr).toBe(0);
      expect(s.stderr).toContain('Created 6 sites, changed 0, left 0 alone.');
      const u = await run(['users', 'import', usersFile]);
      expect(u.code, u.stderr).toBe(0);
      expect(u.stderr).toContain('Created 5 users, changed 0, left 0 alone.');

      const after = await tables();
      expect(after.sites).toEqual(before.sites);
      expect(after.users).toEqual(before.users);
      expect(after.digest).toBe(before.digest);
      // And an export of the restored tables is the same file.
      expect((await run(['sites', 'export', ...flag])).stdout).toBe(fs.readFileSync(sitesFile, 'utf8'));
      expect((await run(['users', 'export', ...flag])).stdout).toBe(fs.readFileSync(usersFile, 'utf8'));

      // Warnings: one line each, the value kept as given, and a count that matches.
      const siteWarnings = s.stderr.split('\n').filter((l) => l.startsWith('cabinet: warning: '));
      expect(siteWarnings.join('\n')).toMatch(/ai_prompt has CR line ends \(cabinet writes LF\); imported as given/);
      expect(siteWarnings.join('\n')).toMatch(/domain is not lower-case \(cabinet writes "mixed\.example\.com"\); imported as given/);
      expect(siteWarnings.join('\n')).toMatch(/brand name must be one line without control characters; imported as given/);
      expect(siteWarnings.join('\n')).toMatch(/HubSpot stage: letters, digits, _ and - only.*; imported as given/);
      expect(siteWarnings.join('\n')).toMatch(/language "en_US"|language: a BCP 47 tag/);
      expect(s.stderr).toContain(`cabinet: ${siteWarnings.length} warnings: values kept as given that cabinet would write otherwise`);
      const userWarnings = u.stderr.split('\n').filter((l) => l.startsWith('cabinet: warning: '));
      expect(userWarnings.join('\n')).toMatch(/email has leading or trailing white space; imported as given/);
      expect(userWarnings.join('\n')).toMatch(/email is not a valid address.*; imported as given/);
      expect(u.stderr).toContain(`cabinet: ${userWarnings.length} warnings: values kept as given`);
    });
  }

  it('the prompt bytes survive exactly: CRLF, a lone trailing newline, 100,000 characters', async () => {
    const rows = await psql(`select site_id || ':' || md5(convert_to(ai_prompt, 'UTF8')) || ':' || char_length(ai_prompt) from sites order by site_id collate "C"`);
    const expected = await psql(
      `select x.id || ':' || md5(convert_to(x.p, 'UTF8')) || ':' || char_length(x.p) from (values
         ('crlf', E'Hallo\\r\\nWelt\\r\\n\\r\\n'), ('long', ${LONG_PROMPT_SQL}), ('Odd Site.ID', E'\\n')) x(id, p) order by x.id collate "C"`,
    );
    for (const line of expected.split('\n').filter(Boolean)) expect(rows).toContain(line);
    expect(rows).toMatch(/^long:[0-9a-f]{32}:100000$/m);
  });

  it('an import refuses only what the table cannot hold (NUL, a prompt over the CHECK, a missing NOT NULL), naming the row; nothing is applied', async () => {
    const before = await tables();
    const input = [
      JSON.stringify({ site_id: 'new-odd', domain: 'UPPER.example', brand_name: 'Brand\n' }),
      JSON.stringify({ site_id: 'nul', domain: 'nul.example', brand_name: 'a\u0000b' }),
      JSON.stringify({ site_id: 'big', domain: 'big.example', brand_name: 'Big', ai_prompt: '🦜'.repeat(100_001) }),
      JSON.stringify({ site_id: 'nobrand', domain: 'nobrand.example', brand_name: null }),
    ].join('\n');
    const r = await run(['sites', 'import', '--yes'], { input });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^cabinet: line 2: brand_name contains a NUL byte$/m);
    expect(r.stderr).toMatch(/^cabinet: line 3: ai_prompt is longer than 100,000 characters/m);
    expect(r.stderr).toMatch(/^cabinet: line 4: brand_name cannot be null$/m);
    expect(r.stderr).toMatch(/3 invalid sites in the input; nothing was imported/);
    expect((await tables()).digest).toBe(before.digest);
  });
});
