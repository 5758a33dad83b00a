import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { cleanEnv, repoRoot } from '../helpers/cli.ts';
import { createMigratedDatabase } from '../helpers/db.ts';
import { scratchDir } from '../helpers/scratch.ts';
import { startTmux, terminalEnv, type TmuxSession } from '../helpers/tmux.ts';

/**
 * The README's first command builds cabinet (npm's prepare) wherever the checkout lives. A path with a
 * space, `#`, `%` or a non-ASCII letter is an ordinary place for one ("~/My Tools/"), and is exactly what
 * a file URL escapes: the build once took its helpers' paths from a URL's pathname, so in "/srv/My Tools"
 * it looked for "/srv/My%20Tools/…" and `npm install` failed before the console ever opened.
 *
 * The README's second command, `npm test`, runs vitest, and Vite cannot load a module below a `#` at all.
 *
 * The checkout here is this one's sources copied below such a directory, with its node_modules linked
 * (installing them again would take minutes and test npm, not cabinet).
 */
let db: Awaited<ReturnType<typeof createMigratedDatabase>>;
let checkout: string;
let build: { status: number | null; output: string };
let tmux: TmuxSession | undefined;

beforeAll(async () => {
  checkout = path.join(scratchDir('checkout', 0o755), 'My Tools #1 %41 ü', 'cabinet');
  fs.mkdirSync(checkout, { recursive: true });
  for (const entry of ['package.json', 'tsconfig.json', 'vitest.config.ts', 'mikro-orm.config.ts', 'bin', 'scripts', 'src', 'migrations', 'test']) {
    fs.cpSync(path.join(repoRoot, entry), path.join(checkout, entry), { recursive: true });
  }
  fs.symlinkSync(path.join(repoRoot, 'node_modules'), path.join(checkout, 'node_modules'));
  // What npm's prepare runs, with the project's Node (the one running this test).
  const run = spawnSync(process.execPath, ['scripts/build.ts'], { cwd: checkout, encoding: 'utf8' });
  build = { status: run.status, output: run.stdout + run.stderr };
  db = await createMigratedDatabase('e2e_checkout_anywhere');
  await db.query(`insert into sites (site_id, domain, brand_name) values ('anywhere-de', 'anywhere.de', 'Anywhere')`);
}, 120_000);
afterAll(async () => {
  await db?.close();
});
afterEach(() => {
  tmux?.kill();
  tmux = undefined;
});

describe('a checkout whose path has a space, #, % and ü', () => {
  it('builds: the bundle is made there, with no error', () => {
    // Before: ✘ [ERROR] Could not resolve ".../My%20Tools%20%231%20%2541%20%C3%BC/cabinet/src/lib/grapheme-segments.ts"
    expect(build.output).not.toMatch(/error/i);
    expect(build.status).toBe(0);
    expect(fs.existsSync(path.join(checkout, 'dist', 'cli.js'))).toBe(true);
  });

  it('and its bin/cabinet opens the console on the database', async () => {
    expect(build.status).toBe(0);
    tmux = startTmux([path.join(checkout, 'bin', 'cabinet')], { env: terminalEnv({ DATABASE_URL: db.url }) });
    const screen = await tmux.waitFor('Sites (');
    expect(screen).toContain('Sites (1)');
    expect(screen).toContain('anywhere.de');
    tmux.keys('q');
    await tmux.waitFor((s) => !s.includes('Sites ('));
  });

  it('and its bin/cabinet runs a command from another directory, through a symlink', () => {
    const link = path.join(scratchDir('checkout-link', 0o755), 'cabinet');
    fs.symlinkSync(path.join(checkout, 'bin', 'cabinet'), link);
    const run = spawnSync(link, ['sites', 'list', '--json'], { cwd: '/', env: cleanEnv({ DATABASE_URL: db.url }), encoding: 'utf8' });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect((JSON.parse(run.stdout) as { site_id: string }[]).map((s) => s.site_id)).toEqual(['anywhere-de']);
  });

  it('vitest started straight from there says to run npm test, in one line, exit 2', () => {
    const run = spawnSync(process.execPath, [path.join(checkout, 'node_modules', 'vitest', 'vitest.mjs'), 'run', 'test/lib/sanitize.test.ts'], {
      cwd: checkout,
      env: cleanEnv(),
      encoding: 'utf8',
      timeout: 60_000,
    });
    // Before: Error: Failed to load url /test/helpers/global-setup.ts (resolved id: …/My Tools #1 %41 ü/…), and a stack.
    expect(run.stderr).toBe(
      `cabinet: run npm test: vitest cannot load files below a directory whose name has # or ? (${checkout}); npm test runs it through a link\n`,
    );
    expect(run.stdout).toBe('');
    expect(run.status).toBe(2);
  });

  it('npm test runs the suite there (a file of it, after the build)', () => {
    const run = spawnSync('npm', ['test', '--', 'test/lib/sanitize.test.ts'], { cwd: checkout, env: cleanEnv(), encoding: 'utf8', timeout: 240_000 });
    const output = run.stdout + run.stderr;
    // Before: Error: Failed to load url /test/helpers/global-setup.ts (resolved id: …/My Tools #1 %41 ü/…)
    expect(output).not.toContain('Failed to load');
    expect(output).toMatch(/^\d+ passed, 0 failed, 0 skipped$/m);
    expect(run.status).toBe(0);
  }, 300_000);
});
