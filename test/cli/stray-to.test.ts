import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { discoverMigrationFiles } from '../../src/services/migration-files.ts';
import { cleanEnv, repoRoot, runCabinet } from '../helpers/cli.ts';
import { createTestDatabase } from '../helpers/db.ts';

/**
 * `--to` is a global option that only `migrate down` and `sites restore` read. An admin who types
 * `cabinet migrate --to NAME` means "apply up to NAME"; cabinet once ignored the option and applied every
 * pending migration on the master database. Now any command that does not read it refuses it first.
 */
let db: Awaited<ReturnType<typeof createTestDatabase>>;
beforeAll(async () => {
  db = await createTestDatabase('stray_to');
});
afterAll(async () => {
  await db?.drop();
});

const first = discoverMigrationFiles(path.join(repoRoot, 'migrations'))[0]!.name;
const tables = async () =>
  (await db.query<{ name: string }>(`select table_name as name from information_schema.tables where table_schema = 'public' order by 1`)).rows.map((r) => r.name);

describe('--to given to a command that does not read it', () => {
  it('cabinet migrate --to NAME on a fresh database: one line, exit 2, nothing applied', async () => {
    const r = await runCabinet(['migrate', '--to', first], { env: cleanEnv({ DATABASE_URL: db.url }) });
    expect(r.stderr).toBe(
      'cabinet: option --to does not apply to cabinet migrate (it goes with cabinet migrate down and cabinet sites restore; cabinet migrate applies every pending migration, and cannot stop at one)\n',
    );
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(await tables()).toEqual([]);
  });

  it.each([
    [['sites', 'list', '--to', '3'], 'cabinet sites list'],
    [['users', 'delete', 'u1', '--to', '3', '--yes'], 'cabinet users delete'],
    [['migrate', 'status', '--to', first], 'cabinet migrate status'],
  ])('%j: refused before anything is read or written', async (args, what) => {
    const r = await runCabinet(args, { env: cleanEnv({ DATABASE_URL: db.url }) });
    expect(r.stderr).toBe(`cabinet: option --to does not apply to ${what} (it goes with cabinet migrate down and cabinet sites restore)\n`);
    expect(r.code).toBe(2);
    expect(await tables()).toEqual([]);
  });

  it('migrate down still reads it', async () => {
    const r = await runCabinet(['migrate', 'down', '--to', '0'], { env: cleanEnv({ DATABASE_URL: db.url }) });
    expect(r.stderr).not.toContain('does not apply');
    expect(r.stdout).toContain('Nothing to revert');
    expect(r.code).toBe(0);
  });
});
