import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMigratedDatabase } from '../helpers/db.ts';
import { oneLine, scratchCli } from './support.ts';

/** sites and users from the shell: what a deploy job or a cron script does, on real PostgreSQL. */
let db: Awaited<ReturnType<typeof createMigratedDatabase>>;
const cli = scratchCli('crud');
const run = (args: string[], options: { input?: string | Buffer; env?: Record<string, string> } = {}) => cli.run(args, { url: db.url, ...options });

beforeAll(async () => {
  db = await createMigratedDatabase('crud');
});
afterAll(async () => {
  await db.close();
  await cli.cleanup();
});

describe('cabinet sites', () => {
  it('create: a diff on stderr, nothing on stdout, the row as n8n reads it', async () => {
    const r = await run(['sites', 'create', 'acme-de', '--domain', 'ACME.de', '--brand-name', 'ACME GmbH', '--language', 'de-de', '--hubspot-pipeline', '12345']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('--- /dev/null\n+++ b/sites/acme-de\n');
    expect(r.stderr).toContain('+domain: acme.de\n');
    const row = await db.query('SELECT ai_prompt, language, brand_name FROM sites WHERE site_id = $1', ['acme-de']);
    expect(row.rows[0]).toEqual({ ai_prompt: '', language: 'de-DE', brand_name: 'ACME GmbH' });
  });

  it('create without an id takes the one suggested from the domain; --json prints the row', async () => {
    const r = await run(['sites', 'create', '--domain', 'www.shop.example', '--brand-name', 'Shop', '--json']);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ site_id: 'shop-example', domain: 'www.shop.example', language: 'en', version: 1 });
  });

  it('a prompt from stdin with Cyrillic and emoji arrives byte-identical', async () => {
    const prompt = Buffer.from('Ты — ассистент «Уют Мебель». Отвечай на «вы» 🛋️✨\nЁлка, ёж, щи.\n\n👩🏽‍💻 ZWJ и флаги 🇩🇪🇷🇺\n', 'utf8');
    const r = await run(['sites', 'set', 'acme-de', '--ai-prompt-file', '-'], { input: prompt });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain('+ai_prompt: |\n+  Ты — ассистент «Уют Мебель». Отвечай на «вы» 🛋️✨\n');
    const stored = await db.query(`select convert_to(ai_prompt, 'UTF8') as bytes, octet_length(ai_prompt) as n from sites where site_id = 'acme-de'`);
    expect(Buffer.compare(Buffer.from(stored.rows[0]!.bytes), prompt)).toBe(0);
    expect(stored.rows[0]!.n).toBe(prompt.length);
    // And back out through show --json, unchanged.
    expect(JSON.parse((await run(['sites', 'show', 'acme-de', '--json'])).stdout).ai_prompt).toBe(prompt.toString('utf8'));
  });

  it('a prompt that is not UTF-8 is refused with the offset, and nothing changes', async () => {
    const before = await db.query(`select ai_prompt from sites where site_id = 'acme-de'`);
    const r = await run(['sites', 'set', 'acme-de', '--ai-prompt-file', '-'], { input: Buffer.from([0x48, 0x69, 0x20, 0xe4, 0x20, 0x21]) });
    expect(r.code).toBe(1);
    expect(oneLine(r.stderr)).toMatch(/--ai-prompt-file \(stdin\) is not valid UTF-8 \(first bad byte at offset 3\)/);
    expect((await db.query(`select ai_prompt from sites where site_id = 'acme-de'`)).rows).toEqual(before.rows);
  });

  it('a prompt from a file; set prints only the changed lines and records the note', async () => {
    const file = cli.file('prompt.md', 'Line one\nLine two\n');
    const r = await run(['sites', 'set', 'acme-de', '--ai-prompt-file', file, '--brand-name', 'ACME AG', '--note', 'from git']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/^-brand_name: ACME GmbH\n\+brand_name: ACME AG$/m);
    expect(r.stderr).toContain('Updated site acme-de: brand_name, ai_prompt.');
    const rev = await db.query(`select note, action from site_revisions where site_id = 'acme-de' order by rev desc limit 1`);
    expect(rev.rows[0]).toEqual({ note: 'from git', action: 'update' });
    const same = await run(['sites', 'set', 'acme-de', '--brand-name', 'ACME AG']);
    expect(same.code).toBe(0);
    expect(same.stderr).toContain('No change: site acme-de already has these values.');
  });

  it('the services validate: a bad field is one line, exit 1, nothing written', async () => {
    const r = await run(['sites', 'set', 'acme-de', '--domain', 'https://acme.de/shop']);
    expect(r.code).toBe(1);
    expect(oneLine(r.stderr)).toMatch(/invalid site: domain: without a scheme/);
    const taken = await run(['sites', 'create', 'other', '--domain', 'acme.de', '--brand-name', 'X']);
    expect(taken.code).toBe(1);
    expect(taken.stderr.trim().split('\n').at(-1)).toBe('cabinet: domain acme.de is already used by another site');
    const missing = await run(['sites', 'show', 'nope']);
    expect(missing.code).toBe(1);
    expect(oneLine(missing.stderr)).toBe('cabinet: no site with id nope (see cabinet sites list)');
  });

  it('list: a table without terminal cutting in a pipe; --json, --ndjson, --filter, --sort -KEY, --limit', async () => {
    const table = await run(['sites', 'list']);
    expect(table.code).toBe(0);
    expect(table.stdout.split('\n')[0]).toMatch(/^SITE ID\s+DOMAIN\s+BRAND\s+LANG/);
    expect(table.stdout).toMatch(/^acme-de\s+acme\.de\s+ACME AG\s+de-DE/m);
    const json = JSON.parse((await run(['sites', 'list', '--json', '--sort', '-site_id'])).stdout) as { site_id: string }[];
    expect(json.map((s) => s.site_id)).toEqual(['shop-example', 'acme-de']);
    const nd = (await run(['sites', 'list', '--ndjson', '--limit', '1'])).stdout.trim().split('\n');
    expect(nd).toHaveLength(1);
    expect(JSON.parse(nd[0]!)).toMatchObject({ site_id: 'acme-de', prompt_chars: 18 });
    const filtered = JSON.parse((await run(['sites', 'list', '--json', '--filter', 'SHOP'])).stdout) as { site_id: string }[];
    expect(filtered.map((s) => s.site_id)).toEqual(['shop-example']);
  });

  it('hostile text from the database is shown escaped in tables and show, and kept exact in JSON', async () => {
    await db.query(`update sites set brand_name = E'Evil\\u001b]0;pwned\\u0007\\u202eName' where site_id = 'shop-example'`);
    const table = await run(['sites', 'list']);
    expect(table.stdout).not.toMatch(/[\u001b\u0007\u202e]/);
    expect(table.stdout).toContain('Evil\\x1b]0;pwned\\x07\\u202eName');
    const json = await run(['sites', 'show', 'shop-example', '--json']);
    expect(json.stdout).not.toMatch(/[\u001b\u0007\u202e]/);
    expect(JSON.parse(json.stdout).brand_name).toBe('Evil\u001b]0;pwned\u0007\u202eName');
  });

  it('delete: refused without --yes when stdin is not a terminal (exit 2); --dry-run shows the diff; --yes deletes', async () => {
    const refused = await run(['sites', 'delete', 'shop-example']);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('--- a/sites/shop-example\n+++ /dev/null\n');
    expect(refused.stderr.trim().split('\n').at(-1)).toMatch(/refusing without --yes because stdin is not a terminal/);
    expect((await run(['sites', 'delete', 'shop-example', '--dry-run'])).code).toBe(0);
    expect((await db.query(`select count(*)::int as n from sites where site_id = 'shop-example'`)).rows[0]!.n).toBe(1);
    const done = await run(['sites', 'delete', 'shop-example', '--yes']);
    expect(done.code, done.stderr).toBe(0);
    expect((await db.query(`select count(*)::int as n from sites where site_id = 'shop-example'`)).rows[0]!.n).toBe(0);
  });
});

describe('cabinet users', () => {
  it('create, set, show, list sorted by -last_seen, delete', async () => {
    const created = await run(['users', 'create', '281992467209388035', '--email', 'anna@acme.de', '--first-seen', '2026-01-02T03:04:05Z']);
    expect(created.code, created.stderr).toBe(0);
    expect((await run(['users', 'create', '--user-id', '281992467209388036', '--email', 'bob@acme.de', '--first-seen', '2026-02-01T00:00:00Z'])).code).toBe(0);
    const set = await run(['users', 'set', '281992467209388035', '--last-seen', '2026-11-01T00:00:00Z']);
    expect(set.code, set.stderr).toBe(0);
    expect(set.stderr).toMatch(/^-last_seen: 2026-01-02T03:04:05.000Z\n\+last_seen: 2026-11-01T00:00:00.000Z$/m);
    const show = JSON.parse((await run(['users', 'show', '281992467209388035', '--json'])).stdout);
    expect(show).toMatchObject({ email: 'anna@acme.de', first_seen: '2026-01-02T03:04:05.000Z', last_seen: '2026-11-01T00:00:00.000Z', version: 2 });
    const list = JSON.parse((await run(['users', 'list', '--json', '--sort', '-last_seen'])).stdout) as { user_id: string }[];
    expect(list.map((u) => u.user_id)).toEqual(['281992467209388035', '281992467209388036']);
    const asc = JSON.parse((await run(['users', 'list', '--json', '--sort', 'email', '--filter', 'ACME.DE'])).stdout) as { email: string }[];
    expect(asc.map((u) => u.email)).toEqual(['anna@acme.de', 'bob@acme.de']);
    expect((await run(['users', 'delete', '281992467209388036'])).code).toBe(2);
    expect((await run(['users', 'delete', '281992467209388036', '--yes'])).code).toBe(0);
    expect((await run(['users', 'show', '281992467209388036'])).code).toBe(1);
  });

  it('list says when there are more rows than --limit, on stderr', async () => {
    expect((await run(['users', 'create', '42', '--email', 'answer@example.com'])).code).toBe(0);
    const r = await run(['users', 'list', '--limit', '1']);
    expect(r.code).toBe(0);
    expect(r.stdout.trim().split('\n')).toHaveLength(2);
    expect(oneLine(r.stderr)).toBe('Showing the first 1; more match (--limit N, or cabinet users export).');
  });
});
