import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../helpers/db.ts';
import { runCabinetPeak, type PeakRun } from '../helpers/peak-rss.ts';
import { scratchCli } from './support.ts';

/**
 * `users export` and `users import` stream: the cabinet process holds a few buffers, never the table or the
 * file. Measured as a person would see it: the real binary's peak resident set (the kernel's VmHWM at
 * exit) for 250,000 users against the same command for a tenth as many. A process that kept the rows
 * would need far more for the big run (250,000 records are 50 MB of JSON text, more as objects); a
 * streaming one needs about the same. The slack is what V8 adds once, whatever the size, when a long
 * run makes it grow the young generation to its full two 16 MiB semi-spaces (an import of 100k users
 * peaks at 125 MiB, 200k and 300k at 151-155 MiB), plus some noise.
 */
const BIG = 250_000;
const SMALL = BIG / 10;
const SLACK_KIB = 40 * 1024;

const cli = scratchCli('transfer-memory');
let big: TestDatabase;
let small: TestDatabase;

/** n users, the same n for both databases (fixed times), as n8n could have written them. */
async function fill(db: TestDatabase, n: number): Promise<void> {
  expect((await cli.run(['migrate'], { url: db.url })).code).toBe(0);
  await db.query(
    `insert into users (user_id, email, first_seen, last_seen)
     select (300000000000000000 + g)::text, 'user' || g || '.' || substr(md5(g::text), 1, 6) || '@example' || (g % 97) || '.com',
            timestamptz '2026-11-01 00:00:00+00' - (g % 700) * interval '1 day', timestamptz '2026-11-30 00:00:00+00' - (g % 3600) * interval '1.000001 second'
       from generate_series(1, $1::int) g`,
    [n],
  );
  await db.query('analyze users');
}

beforeAll(async () => {
  big = await createTestDatabase('xmem_big');
  small = await createTestDatabase('xmem_small');
  await fill(small, SMALL);
  await fill(big, BIG);
}, 180_000);
afterAll(async () => {
  await big?.drop();
  await small?.drop();
  await cli.cleanup();
});

const run = (args: string[], db: TestDatabase): Promise<PeakRun> => runCabinetPeak(args, { env: cli.env({ DATABASE_URL: db.url }), cwd: cli.scratch });
const mib = (kib: number) => `${(kib / 1024).toFixed(0)} MiB`;

describe('users export and import in flat memory (peak RSS of the real binary)', () => {
  const file = (n: number) => path.join(cli.scratch, `users-${n}.ndjson`);

  it(`export: ${BIG.toLocaleString('en')} users peak no higher than ${SMALL.toLocaleString('en')} (+${SLACK_KIB / 1024} MiB)`, async () => {
    const a = await run(['users', 'export', '--ndjson', '--output', file(SMALL)], small);
    const b = await run(['users', 'export', '--ndjson', '--output', file(BIG)], big);
    expect(a.code, a.stderr).toBe(0);
    expect(b.code, b.stderr).toBe(0);
    expect(fs.readFileSync(file(BIG), 'utf8').split('\n').length - 1).toBe(BIG);
    console.log(`export peak: ${mib(a.peakKiB)} for ${SMALL}, ${mib(b.peakKiB)} for ${BIG}`);
    expect(b.peakKiB, `export peak: ${mib(a.peakKiB)} for ${SMALL}, ${mib(b.peakKiB)} for ${BIG}`).toBeLessThanOrEqual(a.peakKiB + SLACK_KIB);
  }, 120_000);

  it(`import: ${BIG.toLocaleString('en')} users peak no higher than ${SMALL.toLocaleString('en')} (+${SLACK_KIB / 1024} MiB)`, async () => {
    // Each file back into the database it came from: every record read, checked, copied and compared.
    const a = await run(['users', 'import', file(SMALL), '--yes'], small);
    const b = await run(['users', 'import', file(BIG), '--yes'], big);
    expect(a.code, a.stderr).toBe(0);
    expect(b.code, b.stderr).toBe(0);
    expect(b.stderr).toContain(`all ${BIG.toLocaleString('en')} users are already up to date`);
    console.log(`import peak: ${mib(a.peakKiB)} for ${SMALL}, ${mib(b.peakKiB)} for ${BIG}`);
    expect(b.peakKiB, `import peak: ${mib(a.peakKiB)} for ${SMALL}, ${mib(b.peakKiB)} for ${BIG}`).toBeLessThanOrEqual(a.peakKiB + SLACK_KIB);
  }, 120_000);
});
