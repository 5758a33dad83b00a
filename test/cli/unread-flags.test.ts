import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FLAG_READERS, type GlobalFlag } from '../../src/commands/flag-readers.ts';
import { GLOBAL_FLAGS } from '../../src/commands/argv-parse.ts';
import { discoverMigrationFiles } from '../../src/services/migration-files.ts';
import { stopEmbeddedServer } from '../../src/db/embedded.ts';
import { cleanEnv, repoRoot, runCabinet } from '../helpers/cli.ts';
import { createTestDatabase } from '../helpers/db.ts';
import { scratchDir } from '../helpers/scratch.ts';

/**
 * A global flag given to a command that does not read it is refused, one line and exit 2, before anything
 * connects or writes. Once `cabinet migrate --to NAME` (meant: up to NAME) applied every pending migration;
 * `cabinet migrate --json` printed text to a script parsing JSON; `cabinet embedded start --database-url X`
 * started the embedded server and never looked at X. Every command line of src/commands/flag-readers.ts's
 * table, with each global flag it does not read, on the real binary against a fresh database.
 */
let db: Awaited<ReturnType<typeof createTestDatabase>>;
let file: string;
/** Where `cabinet embedded` would act, were a flag not refused: never the machine's own embedded cluster. */
let embeddedDir: string;
let env: NodeJS.ProcessEnv;
beforeAll(async () => {
  db = await createTestDatabase('unread_flags');
  const dir = scratchDir('unread', 0o755);
  file = path.join(dir, 'sites.ndjson');
  fs.writeFileSync(file, '{"site_id":"s1","domain":"s1.example","brand_name":"S1"}\n');
  embeddedDir = path.join(dir, 'embedded');
  env = cleanEnv({ DATABASE_URL: db.url, CABINET_EMBEDDED_DIR: embeddedDir });
});
afterAll(async () => {
  await stopEmbeddedServer(embeddedDir).catch(() => {});
  await db?.drop();
});

const first = discoverMigrationFiles(path.join(repoRoot, 'migrations'))[0]!.name;
const tables = async () =>
  (await db.query<{ name: string }>(`select table_name as name from information_schema.tables where table_schema = 'public' order by 1`)).rows.map((r) => r.name);

/** Each command line as an admin would type it (a write with everything it needs), without global flags. */
const LINES: Record<string, string[]> = {
  '': [],
  'sites list': ['sites', 'list'],
  'sites show': ['sites', 'show', 's1'],
  'sites create': ['sites', 'create', 's1', '--domain', 's1.example', '--brand-name', 'S1'],
  'sites set': ['sites', 'set', 's1', '--brand-name', 'S2'],
  'sites delete': ['sites', 'delete', 's1'],
  'sites history': ['sites', 'history', 's1'],
  'sites diff': ['sites', 'diff', 's1', '1'],
  'sites restore': ['sites', 'restore', 's1'],
  'sites export': ['sites', 'export'],
  'sites import': ['sites', 'import', '@file'],
  'users list': ['users', 'list'],
  'users show': ['users', 'show', 'u1'],
  'users create': ['users', 'create', 'u1', '--email', 'u1@example.com'],
  'users set': ['users', 'set', 'u1', '--email', 'u2@example.com'],
  'users delete': ['users', 'delete', 'u1'],
  'users history': ['users', 'history', 'u1'],
  'users export': ['users', 'export'],
  'users import': ['users', 'import', '@file'],
  'seed --demo': ['seed', '--demo'],
  'seed site': ['seed', 'site'],
  doctor: ['doctor'],
  'roles sql': ['roles', 'sql'],
  'roles apply': ['roles', 'apply'],
  'migrate up': ['migrate'],
  'migrate status': ['migrate', 'status'],
  'migrate down': ['migrate', 'down'],
  'migrate check': ['migrate', 'check'],
  'migrate create': ['migrate', 'create', 'nothing'],
  'embedded status': ['embedded', 'status'],
  'embedded start': ['embedded', 'start'],
  'embedded stop': ['embedded', 'stop'],
};

const VALUES: Record<GlobalFlag, string[]> = {
  databaseUrl: ['--database-url', 'DB'],
  allowNonTailnet: ['--allow-non-tailnet'],
  readOnly: ['--read-only'],
  actor: ['--actor', 'deploy-bot'],
  json: ['--json'],
  yes: ['--yes'],
  to: ['--to', '1'],
};

const kebab = (name: string) => name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
const shown = (key: string) => (key === '' ? 'cabinet' : key === 'migrate up' ? 'cabinet migrate' : `cabinet ${key}`);

/** Every command line with each global flag it does not read. */
const unread = Object.entries(LINES).flatMap(([key, line]) =>
  (Object.keys(VALUES) as GlobalFlag[]).filter((flag) => !FLAG_READERS[key]!.includes(flag)).map((flag) => ({ key, line, flag })),
);

describe('a global flag given to a command that does not read it', () => {
  it('the table names every command line, and every global flag but --debug, --help and --version', () => {
    expect(Object.keys(LINES).sort()).toEqual(Object.keys(FLAG_READERS).sort());
    expect(Object.keys(VALUES).sort()).toEqual(Object.keys(GLOBAL_FLAGS).filter((f) => !['debug', 'help', 'version'].includes(f)).sort());
    expect(unread.length).toBeGreaterThan(60);
  });

  it('every command × every flag it ignores: one line, exit 2, nothing connected or written', async () => {
    const wrong: string[] = [];
    // Four at a time: each is a process start and a refusal.
    for (let i = 0; i < unread.length; i += 4) {
      await Promise.all(
        unread.slice(i, i + 4).map(async ({ key, line, flag }) => {
          const args = [...line.map((a) => (a === '@file' ? file : a)), ...VALUES[flag].map((v) => (v === 'DB' ? db.url : v))];
          const r = await runCabinet(args, { env });
          const expected = new RegExp(`^cabinet: option --${kebab(flag)} does not apply to ${shown(key).replace(/[-]/g, '\\-')} \\([^\\n]+\\)\\n$`);
          if (r.code !== 2 || !expected.test(r.stderr) || r.stdout !== '') wrong.push(`${JSON.stringify(args)}: exit ${r.code}, ${JSON.stringify(r.stderr.slice(0, 160))}`);
        }),
      );
    }
    expect(wrong).toEqual([]);
    expect(await tables()).toEqual([]);
    expect(fs.existsSync(embeddedDir)).toBe(false);
  }, 120_000);

  it('cabinet migrate --to NAME on a fresh database: says why, and nothing is applied', async () => {
    const r = await runCabinet(['migrate', '--to', first], { env });
    expect(r.stderr).toBe(
      'cabinet: option --to does not apply to cabinet migrate (it goes with cabinet sites restore and cabinet migrate down; cabinet migrate applies every pending migration, and cannot stop at one)\n',
    );
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(await tables()).toEqual([]);
  });

  it.each([
    [['migrate', '--json'], 'option --json does not apply to cabinet migrate (it goes with cabinet migrate status and cabinet migrate check)'],
    [['sites', 'set', 's1', '--brand-name', 'S2', '--yes'], 'option --yes does not apply to cabinet sites set (it goes with cabinet sites delete, cabinet sites restore and cabinet sites import)'],
    [['users', 'delete', 'u1', '--to', '3', '--yes'], 'option --to does not apply to cabinet users delete (it goes with cabinet sites restore and cabinet migrate down)'],
    [['embedded', 'start', '--database-url', 'postgres://x@/y'], 'option --database-url does not apply to cabinet embedded start (see cabinet --help)'],
    [['roles', 'sql', '--read-only'], 'option --read-only does not apply to cabinet roles sql (it goes with cabinet roles apply)'],
    [['--json'], 'option --json does not apply to cabinet (see cabinet --help)'],
  ])('%j says which', async (args, line) => {
    const r = await runCabinet(args, { env });
    expect(r.stderr).toBe(`cabinet: ${line}\n`);
    expect(r.code).toBe(2);
  });

  it("each command's --help says where the global options apply, from the same table", async () => {
    const migrate = await runCabinet(['migrate', '--help'], { env });
    expect(migrate.code).toBe(0);
    expect(migrate.stdout).toContain('\nGlobal options here (any other use is refused, exit 2)\n  every action: --database-url, --allow-non-tailnet, --read-only\n');
    expect(migrate.stdout).toMatch(/^ {2}--json +status, check$/m);
    expect(migrate.stdout).toMatch(/^ {2}--yes +down$/m);
    expect(migrate.stdout).toMatch(/^ {2}not read, so refused: --actor$/m);
    const embedded = await runCabinet(['embedded', '--help'], { env });
    expect(embedded.stdout).toMatch(/^ {2}not read, so refused: --database-url, --allow-non-tailnet, --yes, --json, --to, --actor, --read-only$/m);
    const sites = await runCabinet(['sites', '--help'], { env });
    expect(sites.stdout).toMatch(/^ {2}--to +restore$/m);
    expect(sites.stdout).toMatch(/^ {2}--yes +delete, restore, import$/m);
  });

  it('where it is read it still works: migrate down --to 0 on the fresh database', async () => {
    const down = await runCabinet(['migrate', 'down', '--to', '0'], { env });
    expect(down.stderr).not.toContain('does not apply');
    expect(down.stdout).toContain('Nothing to revert');
    expect(down.code).toBe(0);
    expect(await tables()).toEqual([]);
  });
});
