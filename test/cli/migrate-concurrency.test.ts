import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { discoverMigrationFiles } from '../../src/services/migration-files.ts';
import { cleanEnv, repoRoot, runCabinet } from '../helpers/cli.ts';
import { createTestDatabase } from '../helpers/db.ts';
import { scratchDir } from '../helpers/scratch.ts';

let scratch: string;
beforeAll(() => {
  scratch = scratchDir('migcc');
});
afterAll(() => fs.rmSync(scratch, { recursive: true, force: true }));

const shipped = discoverMigrationFiles(path.join(repoRoot, 'migrations')).map((f) => f.name);

describe('two `cabinet migrate` processes at once on a fresh database', () => {
  // Three fresh databases, so a race has three chances to show.
  it.each([1, 2, 3])('round %i: both succeed, everything is applied exactly once, no stack traces', async () => {
    const db = await createTestDatabase('mcc');
    try {
      const env = cleanEnv({ DATABASE_URL: db.url, CABINET_EMBEDDED_DIR: path.join(scratch, 'embedded') });
      const runs = await Promise.all([runCabinet(['migrate'], { env, cwd: scratch }), runCabinet(['migrate'], { env, cwd: scratch })]);

      for (const r of runs) {
        expect(r.stderr).not.toMatch(/\n\s+at |Error:|unexpected error/);
        expect(r.code).toBe(0);
      }
      // One applied everything; the other waited for it and found nothing to do.
      const outcomes = runs.map((r) => (/^Applied /.test(r.stdout) ? 'applied' : /^Nothing to migrate/.test(r.stdout) ? 'nothing' : r.stdout)).sort();
      expect(outcomes).toEqual(['applied', 'nothing']);
      const applier = runs.find((r) => r.stdout.startsWith('Applied'))!;
      for (const name of shipped) expect(applier.stdout).toContain(`  ${name}\n`);
      // A waiter says why it waited, as a warning, not as an error.
      for (const r of runs) expect(r.stderr === '' || /^cabinet: warning: another cabinet migrate is running/.test(r.stderr)).toBe(true);

      const rows = await db.query<{ name: string; n: string }>('select name, count(*) as n from mikro_orm_migrations group by name order by name');
      expect(rows.rows).toEqual(shipped.map((name) => ({ name, n: '1' })));
      const checksums = await db.query<{ n: string }>('select count(*) as n from cabinet_migration_checksums');
      expect(Number(checksums.rows[0]!.n)).toBe(shipped.length);
    } finally {
      await db.drop();
    }
  });
});
