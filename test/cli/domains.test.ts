import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMigratedDatabase } from '../helpers/db.ts';
import { oneLine, scratchCli } from './support.ts';
import { domain } from '../../src/schema/field-rules.ts';

/** Issue 16, item 4 through the real binary: domains that are not what they look like. */
let db: Awaited<ReturnType<typeof createMigratedDatabase>>;
const cli = scratchCli('domains');
const run = (args: string[], input?: string) => cli.run(args, { url: db.url, ...(input === undefined ? {} : { input }) });
const count = async () => Number((await db.query<{ n: string }>('select count(*) as n from sites')).rows[0]!.n);

beforeAll(async () => {
  db = await createMigratedDatabase('domains');
});
afterAll(async () => {
  await db.close();
  await cli.cleanup();
});

describe('invalid A-labels (UTS 46)', () => {
  for (const [bad, label] of [
    ['xn--zz.com', 'xn--zz'],
    ['xn--a.com', 'xn--a'],
  ] as const) {
    it(`sites create --domain ${bad}: one line naming the label, exit 1, nothing written`, async () => {
      const r = await run(['sites', 'create', '--domain', bad, '--brand-name', 'X']);
      expect(r.code).toBe(1);
      expect(oneLine(r.stderr)).toBe(`cabinet: invalid site: domain label "${label}" is not valid punycode (an xn-- label must decode to Unicode text that IDNA allows)`);
      expect(await count()).toBe(0);
    });
  }

  it('hyphen rules and joiners: one line each, exit 1', async () => {
    for (const [bad, message] of [
      ['ab--cd.com', 'domain label "ab--cd" has "--" in the 3rd and 4th place (reserved for xn-- labels)'],
      ['shop-.de', 'domain label "shop-" starts or ends with a hyphen'],
      ['pay\u200dpal.com', 'domain label "pay\\u200dpal" has a zero-width joiner or non-joiner where IDNA allows none'],
    ]) {
      const r = await run(['sites', 'create', '--domain', bad!, '--brand-name', 'X', '--dry-run']);
      expect(r.code, bad).toBe(1);
      expect(oneLine(r.stderr)).toBe(`cabinet: invalid site: ${message}`);
    }
  });
});

describe('a domain psql stored that UTS 46 refuses', () => {
  it('is shown as stored (never decoded into something else), and a set of another field keeps it, saying so escaped', async () => {
    await db.query(`insert into sites (site_id, domain, brand_name) values ('bad-alabel', 'xn--zz.com', 'Bad'), ('zwj', 'pay\u200dpal.com', 'Zwj')`);
    const show = await run(['sites', 'show', 'bad-alabel']);
    expect(show.stdout).toContain('domain:           xn--zz.com\n');
    const r = await run(['sites', 'set', 'zwj', '--brand-name', 'Zwj 2']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain('cabinet: warning: domain is kept as stored, though today\'s rules would refuse it (domain label "pay\\u200dpal" has a zero-width joiner or non-joiner where IDNA allows none)');
    expect(r.stderr).not.toContain('\u200d');
    await db.query(`delete from sites where site_id in ('bad-alabel', 'zwj')`);
  });
});

describe('a label mixing scripts (UTS 39): the Cyrillic а in аpple.com', () => {
  it('sites create refuses it in one line naming the scripts and the flag; exit 1; nothing written', async () => {
    const r = await run(['sites', 'create', 'apple', '--domain', 'аpple.com', '--brand-name', 'Apple']);
    expect(r.code).toBe(1);
    expect(oneLine(r.stderr)).toBe(
      'cabinet: domain аpple.com (xn--pple-43d.com): label "аpple" mixes Cyrillic and Latin letters, so it can pass for another domain (if it is meant: --allow-mixed-script on the command line, M on the console\'s review)',
    );
    expect(await count()).toBe(0);
    // A dry run is refused the same way: it would have shown a write that cannot happen.
    expect((await run(['sites', 'create', 'apple', '--domain', 'аpple.com', '--brand-name', 'Apple', '--dry-run'])).code).toBe(1);
  });

  it('with --allow-mixed-script it is created, with a warning; list and show mark it', async () => {
    const r = await run(['sites', 'create', 'apple', '--domain', 'аpple.com', '--brand-name', 'Apple', '--allow-mixed-script']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain('cabinet: warning: domain аpple.com: label "аpple" mixes Cyrillic and Latin letters (accepted: --allow-mixed-script)\n');
    const { rows } = await db.query<{ domain: string }>(`select domain from sites where site_id = 'apple'`);
    expect(rows[0]!.domain).toBe('xn--pple-43d.com');
    const list = await run(['sites', 'list']);
    expect(list.stdout).toMatch(/^apple\s+аpple\.com ⚠ mixed scripts\s+Apple/m);
    const show = await run(['sites', 'show', 'apple']);
    expect(show.stdout).toContain('domain:           аpple.com (xn--pple-43d.com)  ⚠ mixed scripts: label "аpple" mixes Cyrillic and Latin letters\n');
    // JSON keeps the stored value as it is, unmarked.
    expect(JSON.parse((await run(['sites', 'list', '--json'])).stdout)[0].domain).toBe('xn--pple-43d.com');
  });

  it('sites set --domain to a mixed-script domain is refused without the flag; other fields of such a site can be set', async () => {
    await run(['sites', 'create', 'shop', '--domain', 'shop.de', '--brand-name', 'Shop']);
    const refused = await run(['sites', 'set', 'shop', '--domain', 'ѕhop.de']);
    expect(refused.code).toBe(1);
    expect(oneLine(refused.stderr)).toMatch(/^cabinet: domain ѕhop\.de \(xn--hop-\w+\.de\): label "ѕhop" mixes Cyrillic and Latin letters/);
    expect((await db.query(`select domain from sites where site_id = 'shop'`)).rows[0]!.domain).toBe('shop.de');
    const brand = await run(['sites', 'set', 'apple', '--brand-name', 'Apple Inc']);
    expect(brand.code, brand.stderr).toBe(0);
  });

  it('a row psql wrote with such a domain is marked in the list; an import of one warns and imports', async () => {
    const file = path.join(cli.scratch, 'mixed.sql');
    fs.writeFileSync(file, `insert into sites (site_id, domain, brand_name) values ('paypal', 'xn--pypal-4ve.com', 'PayPal');\n`);
    const psql = spawnSync('psql', [db.url, '-v', 'ON_ERROR_STOP=1', '-q', '-f', file], { encoding: 'utf8' });
    expect(psql.status, psql.stderr).toBe(0);
    const list = await run(['sites', 'list']);
    expect(list.stdout).toMatch(/^paypal\s+pаypal\.com ⚠ mixed scripts/m);

    // An import restores what was there: the look-alike (as its A-label, as cabinet stores it) is kept, and said.
    const greek = domain('gοogle.com');
    expect(greek.ok).toBe(true);
    const stored = greek.ok ? greek.value : '';
    const ndjson = `${JSON.stringify({ site_id: 'greek', domain: stored, brand_name: 'G' })}\n`;
    const r = await run(['sites', 'import', '-', '--yes'], ndjson);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain('cabinet: warning: line 1: domain gοogle.com: label "gοogle" mixes Greek and Latin letters\n');
    expect((await db.query(`select domain from sites where site_id = 'greek'`)).rows[0]!.domain).toBe(stored);
  });
});
