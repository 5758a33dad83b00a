import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMigratedDatabase } from '../helpers/db.ts';
import { binCabinet } from '../helpers/cli.ts';
import { oneLine, scratchCli } from './support.ts';

/** export → wipe → import, dry runs and refused inputs, on real PostgreSQL through the real binary. */
let db: Awaited<ReturnType<typeof createMigratedDatabase>>;
const cli = scratchCli('transfer');
const run = (args: string[], options: { input?: string | Buffer; env?: Record<string, string> } = {}) => cli.run(args, { url: db.url, ...options });

/** Every column of both tables, as text, in a fixed order: what "identical rows" means. */
async function snapshot(): Promise<string> {
  const sites = await db.query(`select to_jsonb(s)::text as row from sites s order by site_id collate "C"`);
  const users = await db.query(`select to_jsonb(u)::text as row from users u order by user_id collate "C"`);
  return JSON.stringify({ sites: sites.rows.map((r) => r.row), users: users.rows.map((r) => r.row) });
}

beforeAll(async () => {
  db = await createMigratedDatabase('transfer');
  // Rows as psql or n8n would write them: microseconds, a Cyrillic/emoji prompt with CRLF-free text, NULLs.
  await db.query(`insert into sites (site_id, domain, brand_name, language, ai_script_id, hubspot_pipeline, hubspot_stage, ai_prompt, created_at)
    values ('acme-de', 'acme.de', 'ACME GmbH', 'de', 'scr_1', '12345', 'appointmentscheduled', E'Hallo\\nПривет 👋\\n\\ttab', '2026-01-02 03:04:05.123456+00'),
           ('muenchen', 'xn--mnchen-3ya.de', 'München', 'de-DE', null, null, null, '', now())`);
  await db.query(`update sites set brand_name = 'ACME AG' where site_id = 'acme-de'`); // version 2, a later updated_at
  await db.query(`insert into users (user_id, email, first_seen, last_seen)
    select (200000000000000000 + g)::text, 'user' || g || '@example.com', timestamptz '2026-01-01' + g * interval '1 minute 0.000123 second',
           timestamptz '2026-06-01' + g * interval '1 second' from generate_series(1, 2500) g`);
});
afterAll(async () => {
  await db.close();
  await cli.cleanup();
});

describe('users export to a file', () => {
  it('writes the same bytes it prints on stdout (NDJSON and an array), in a 0600 file', async () => {
    for (const format of [['--ndjson'], []]) {
      const file = cli.file(`same${format.length}.json`, '');
      fs.rmSync(file);
      const toFile = await run(['users', 'export', ...format, '--output', file]);
      expect(toFile.code, toFile.stderr).toBe(0);
      const toStdout = await run(['users', 'export', ...format]);
      expect(fs.readFileSync(file, 'utf8') === toStdout.stdout, `${format.join('') || 'array'}: file and stdout agree`).toBe(true);
      expect(toStdout.stdout.length).toBeGreaterThan(250_000);
      expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    }
  });

  it('a big export goes to disk while it is written (fdatasync on the way), so the rename over an older file has little left to flush (strace)', async () => {
    // ext4 flushes a file renamed over another inside the rename (auto_da_alloc): 0.24 s after everything
    // else for a million users' 200 MB. 90,000 users are more than one SYNC_EVERY (16 MiB).
    const big = await createMigratedDatabase('transfer_sync');
    try {
      // As a restore would (no per-row live notice: cabinet.bulk_write), so the rows cost a second, not ten.
      await big.query(`begin; set local cabinet.bulk_write = on; insert into users (user_id, email) select 's' || lpad(g::text, 7, '0'), 'someone.' || g || '@example.com' from generate_series(1, 90000) g; commit`);
      const file = cli.file('synced.ndjson', 'an older export\n');
      const r = spawnSync('strace', ['-f', '--seccomp-bpf', '-e', 'trace=openat,fdatasync,rename', '-o', `${file}.trace`, binCabinet, 'users', 'export', '--ndjson', '--output', file], {
        env: cli.env({ DATABASE_URL: big.url }),
        encoding: 'utf8',
      });
      expect(r.status, r.stderr).toBe(0);
      const trace = fs.readFileSync(`${file}.trace`, 'utf8').split('\n');
      const opened = trace.map((l) => /openat\(.*"([^"]*\.synced\.ndjson\.\d+\.tmp)".* = (\d+)/.exec(l)).find((m) => m !== null);
      expect(opened, 'the temporary file was opened').toBeTruthy();
      const [, temp, fd] = opened!;
      const synced = trace.findIndex((l) => l.includes(`fdatasync(${fd}`));
      const renamed = trace.findIndex((l) => l.includes(`rename("${temp}", "${file}"`));
      expect(synced, 'an fdatasync of the temporary file').toBeGreaterThan(-1);
      expect(renamed, 'the rename into place, after it').toBeGreaterThan(synced);
      expect(fs.readFileSync(file, 'utf8').split('\n').length).toBe(90001);
      expect(fs.statSync(file).size).toBeGreaterThan(16 << 20);
    } finally {
      await big.close();
    }
  });

  // Root only (a tmpfs in a private mount namespace); as an unprivileged user it is skipped, not failed.
  const canMount = process.getuid?.() === 0 && spawnSync('unshare', ['-m', '--propagation', 'private', 'true']).status === 0;
  it.skipIf(!canMount)('on a disk that fills up: one line naming the file and ENOSPC, exit 1, and no file left behind', () => {
    const dir = path.join(cli.scratch, 'full');
    fs.mkdirSync(dir, { recursive: true });
    const script = `mount -t tmpfs -o size=64k cabinet-full "$1" || exit 97; "$2" users export --ndjson --output "$1/users.ndjson"; rc=$?; ls -A "$1"; exit $rc`;
    const r = spawnSync('unshare', ['-m', '--propagation', 'private', 'sh', '-c', script, 'sh', dir, binCabinet], { env: cli.env({ DATABASE_URL: db.url }), encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(1);
    expect(oneLine(r.stderr)).toBe(`cabinet: cannot write ${dir}/users.ndjson: ENOSPC`);
    expect(r.stdout, 'nothing left in the directory').toBe('');
  });
});

describe('export → wipe → import', () => {
  it('gives back identical rows (all columns, microseconds, version and updated_at included)', async () => {
    const before = await snapshot();
    const sitesFile = cli.file('sites.json', '');
    const usersFile = cli.file('users.ndjson', '');
    expect((await run(['sites', 'export', '--output', sitesFile])).code).toBe(0);
    expect((await run(['users', 'export', '--ndjson', '-o', usersFile])).code).toBe(0);
    expect(fs.statSync(usersFile).mode & 0o777).toBe(0o600);
    expect(fs.readFileSync(usersFile, 'utf8').trim().split('\n')).toHaveLength(2500);

    const indexes = `select indexname, indexdef from pg_indexes where tablename = 'users' order by indexname`;
    const indexesBefore = (await db.query(indexes)).rows;
    await db.query('delete from sites; delete from users');
    const s = await run(['sites', 'import', sitesFile]);
    expect(s.code, s.stderr).toBe(0);
    expect(s.stderr).toContain('Created 2 sites, changed 0, left 0 alone.');
    const u = await run(['users', 'import', '-'], { input: fs.readFileSync(usersFile) });
    expect(u.code, u.stderr).toBe(0);
    expect(await snapshot()).toBe(before);
    // The restore path (the table was empty): said once before the load, and the indexes built again as they were.
    expect(u.stderr.match(/^Note: users will be locked while it loads: the table is empty, so its indexes are dropped and built once after the load\.$/gm)).toHaveLength(1);
    expect(u.stderr).toMatch(/^Created 2,500 users, changed 0, left 0 alone\.$/m);
    expect((await db.query(indexes)).rows).toEqual(indexesBefore);
    // The prompt's bytes survived too.
    const prompt = await db.query(`select convert_to(ai_prompt, 'UTF8') as b from sites where site_id = 'acme-de'`);
    expect(Buffer.from(prompt.rows[0]!.b).toString('utf8')).toBe('Hallo\nПривет 👋\n\ttab');
  });

  it('exports in a stable order with stable keys: two exports are byte-identical', async () => {
    const a = await run(['sites', 'export']);
    const b = await run(['sites', 'export']);
    expect(a.stdout).toBe(b.stdout);
    const rows = JSON.parse(a.stdout) as Record<string, unknown>[];
    expect(Object.keys(rows[0]!)).toEqual(['site_id', 'domain', 'brand_name', 'language', 'ai_script_id', 'hubspot_pipeline', 'hubspot_stage', 'created_at', 'version', 'updated_at', 'ai_prompt']);
    expect(rows.map((r) => r.site_id)).toEqual(['acme-de', 'muenchen']);
    expect(rows[0]!.created_at).toBe('2026-01-02T03:04:05.123456Z');
  });

  it('importing the same file again changes nothing and says so', async () => {
    const again = await run(['sites', 'import', cli.file('again.json', (await run(['sites', 'export'])).stdout)]);
    expect(again.code).toBe(0);
    expect(again.stderr).toContain('Nothing to import: all 2 sites are already up to date.');
  });
});

describe('--dry-run', () => {
  it('prints what would be created, changed and left alone, and writes nothing', async () => {
    const before = await snapshot();
    const input = [
      JSON.stringify({ site_id: 'acme-de', brand_name: 'ACME SE' }),
      JSON.stringify({ site_id: 'muenchen', language: 'de-DE' }),
      JSON.stringify({ site_id: 'new-site', domain: 'new.example', brand_name: 'New' }),
    ].join('\n');
    const r = await run(['sites', 'import', '--dry-run'], { input });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^change\s+acme-de\s+brand_name\s+line 1$/m);
    expect(r.stdout).toMatch(/^unchanged\s+muenchen\s+line 2$/m);
    expect(r.stdout).toMatch(/^create\s+new-site\s+line 3$/m);
    expect(r.stdout).toContain('Would create 1 site, change 1, leave 1 alone. Dry run: nothing was written.');
    // The diff of what would change, on stderr.
    expect(r.stderr).toContain('-brand_name: ACME AG\n+brand_name: ACME SE');
    expect(await snapshot()).toBe(before);

    const json = await run(['users', 'import', '--dry-run', '--json'], { input: '{"user_id":"200000000000000001","email":"changed@example.com"}\n{"user_id":"9","email":"nine@example.com"}\n' });
    expect(json.code, json.stderr).toBe(0);
    expect(JSON.parse(json.stdout)).toMatchObject({ applied: false, created: 1, changed: 1, unchanged: 0 });
    expect(await snapshot()).toBe(before);
  });

  it('without --yes and without a terminal, an import that changes existing rows is refused (exit 2), creating-only is not', async () => {
    const before = await snapshot();
    const r = await run(['sites', 'import'], { input: JSON.stringify({ site_id: 'acme-de', brand_name: 'ACME SE' }) });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/refusing without --yes because stdin is not a terminal/);
    expect(await snapshot()).toBe(before);
    const ok = await run(['sites', 'import', '--yes', '--note', 'rebrand'], { input: JSON.stringify({ site_id: 'acme-de', brand_name: 'ACME SE' }) });
    expect(ok.code, ok.stderr).toBe(0);
    const history = await db.query(`select action, note, changed_fields from site_revisions where site_id = 'acme-de' order by rev desc limit 1`);
    expect(history.rows[0]).toEqual({ action: 'update', note: 'rebrand', changed_fields: ['brand_name'] });
    const create = await run(['users', 'import'], { input: '{"user_id":"77","email":"seven@example.com","first_seen":"2026-03-04T05:06:07.654321Z"}' });
    expect(create.code, create.stderr).toBe(0);
    expect((await db.query(`select email, first_seen = last_seen as same from users where user_id = '77'`)).rows[0]).toEqual({ email: 'seven@example.com', same: true });
  });
});

describe('invalid input: every bad row reported with where it is, nothing applied', () => {
  it('NDJSON: line numbers (blank lines counted), duplicates, missing fields, bad JSON', async () => {
    const before = await snapshot();
    const input = [
      '{"user_id":"500","email":"ok@example.com"}',
      '{"user_id":"501","email":"nul\\u0000@example.com"}',
      '',
      '{"user_id":"500","email":"again@example.com"}',
      '{"user_id":"502"}',
      '{"user_id":"503","email":"x@example.com","first_seen":"yesterday"}',
      '{not json',
      '{"user_id":"504","email":"y@example.com","shoe_size":44}',
    ].join('\n');
    const r = await run(['users', 'import', '--yes'], { input });
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    const lines = r.stderr.trim().split('\n');
    expect(lines).toEqual([
      'cabinet: line 2: email contains a NUL byte',
      'cabinet: line 4: user 500 appears twice (also at line 1)',
      'cabinet: line 5: new user 502 needs an email',
      expect.stringMatching(/^cabinet: line 6: first_seen is not an ISO 8601 time/),
      expect.stringMatching(/^cabinet: line 7: not valid JSON/),
      expect.stringMatching(/^cabinet: line 8: unknown field shoe_size/),
      'cabinet: 6 invalid users in the input; nothing was imported (fix them and run the import again)',
    ]);
    expect(await snapshot()).toBe(before);
  });

  it('a JSON array: the array index and its line', async () => {
    const before = await snapshot();
    const file = cli.file(
      'bad-sites.json',
      JSON.stringify([{ site_id: 'ok-site', domain: 'ok.example', brand_name: 'OK' }, { site_id: 'bad', brand_name: null, ai_prompt: 'x'.repeat(100_001) }, { site_id: 'dup', domain: 'acme.de', brand_name: 'Dup' }], null, 2),
    );
    const r = await run(['sites', 'import', file, '--yes']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^cabinet: index 1 \(line 7\): brand_name cannot be null; ai_prompt is longer than 100,000 characters/m);
    expect(r.stderr).toMatch(/^cabinet: index 2 \(line 12\): domain acme\.de is also used by site acme-de in the database$/m);
    expect(r.stderr).toMatch(/2 invalid sites in the input; nothing was imported/);
    expect(await snapshot()).toBe(before);
  });

  it('input that is not JSON at all, not UTF-8, or empty: one line, exit 1', async () => {
    for (const input of ['[{"site_id": "x"},', Buffer.from([0x5b, 0x7b, 0x22, 0xff, 0x22, 0x7d, 0x5d]), '   \n']) {
      const r = await run(['sites', 'import', '--yes'], { input });
      expect(r.code).toBe(1);
      expect(oneLine(r.stderr)).toMatch(/ended inside index 1|not closed|not valid UTF-8|the input is empty/);
    }
  });
});

describe('users at scale', () => {
  it('streams 60,000 users through COPY in one transaction, and a second run changes nothing', async () => {
    const lines: string[] = [];
    for (let i = 0; i < 60_000; i++) lines.push(JSON.stringify({ user_id: `9${String(i).padStart(17, '0')}`, email: `bulk${i}@example.org`, first_seen: '2026-02-03T04:05:06.789012Z' }));
    const file = cli.file('bulk.ndjson', lines.join('\n') + '\n');
    const r = await run(['users', 'import', file]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain('Created 60,000 users, changed 0');
    // The plan shows the first rows only, not 60,000 lines.
    expect(r.stderr.split('\n').length).toBeLessThan(30);
    const count = await db.query(`select count(*)::int as n, min(first_seen) = max(first_seen) as same from users where user_id like '9%'`);
    expect(count.rows[0]).toEqual({ n: 60_000, same: true });
    const again = await run(['users', 'import', file]);
    expect(again.stderr).toContain('Nothing to import: all 60,000 users are already up to date.');
  });
});
