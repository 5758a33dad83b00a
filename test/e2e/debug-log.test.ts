import fs from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { cleanEnv, repoRoot, runCabinet } from '../helpers/cli.ts';
import { cluster, createTestDatabase, type TestDatabase } from '../helpers/db.ts';
import { scratchDir } from '../helpers/scratch.ts';
import { binCabinet, ensureBuilt, startTmux, terminalEnv, type TmuxSession } from '../helpers/tmux.ts';

let db: TestDatabase;
let tmux: TmuxSession | undefined;

beforeAll(async () => {
  ensureBuilt();
  db = await createTestDatabase('e2e_debug');
  const migrate = await runCabinet(['migrate'], { env: cleanEnv({ DATABASE_URL: db.url }) });
  expect(migrate.code, migrate.stderr).toBe(0);
});
afterAll(async () => {
  await db?.drop();
});
afterEach(() => {
  tmux?.kill();
  tmux = undefined;
});

describe('the bundle', () => {
  it("carries React's production build, not the development reconciler", () => {
    // esbuild names every bundled module in a comment: the modules React picks by NODE_ENV show which ran.
    const bundled = fs
      .readdirSync(path.join(repoRoot, 'dist'), { recursive: true, encoding: 'utf8' })
      .filter((f) => f.endsWith('.js'))
      .map((f) => fs.readFileSync(path.join(repoRoot, 'dist', f), 'utf8'))
      .join('\n');
    expect(bundled).toContain('react-reconciler/cjs/react-reconciler.production.js');
    expect(bundled).not.toMatch(/react-reconciler\.development\.js|react\/cjs\/react\.development\.js|react-jsx-runtime\.development\.js/);
  });
});

describe('--debug', () => {
  it('in the console: the ORM log goes to a file under the state directory, not over the screen, and the restored screen says where', async () => {
    const state = scratchDir('debug-state');
    const log = path.join(state, 'cabinet', 'debug.log');
    tmux = startTmux([binCabinet, '--debug'], { env: terminalEnv({ DATABASE_URL: db.url, XDG_STATE_HOME: state }) });
    const screen = await tmux.waitFor(/Sites \(0\)/);
    // The ORM loads behind the first screen; its first query is in the log once it has.
    for (const deadline = Date.now() + 15_000; !(fs.existsSync(log) && fs.readFileSync(log, 'utf8').includes('[query] ')); ) {
      if (Date.now() > deadline) throw new Error(`no query logged in ${log}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(tmux.capture()).not.toMatch(/\[query\]|\[info\]|\[discovery\]|MikroORM/);
    expect(screen).not.toMatch(/\[query\]|\[info\]|\[discovery\]|MikroORM/);
    tmux.keys('q');
    expect(await tmux.waitForExit()).toBe(0);
    const after = tmux.capture();
    expect(after.match(/--debug: the log is in/g)).toHaveLength(1);
    expect(after).toContain(`cabinet: --debug: the log is in ${log}`);
    expect(after).not.toMatch(/\[query\]/);
    expect(fs.statSync(log).mode & 0o777).toBe(0o600);
    expect(fs.readFileSync(log, 'utf8')).toMatch(/^\d{4}-\d\d-\d\dT\S+ \[query\] select current_user/m);
  });

  it('in a command: says once, after the error line, where the log is; keeps the log off stdout and stderr, and the password out of it', async () => {
    const state = scratchDir('debug-state');
    const c = cluster();
    const url = `postgres://${c.user}:${encodeURIComponent(c.password)}@127.0.0.1:${c.tcpPort}/${db.name}`;
    const r = await runCabinet(['sites', 'set', 'nope', '--brand-name', 'X', '--debug'], { env: cleanEnv({ DATABASE_URL: url, XDG_STATE_HOME: state }) });
    const log = path.join(state, 'cabinet', 'debug.log');
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    const lines = r.stderr.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^cabinet: no site "nope"|^cabinet: .*nope/);
    expect(lines.at(-1)).toBe(`cabinet: --debug: the log is in ${log}`);
    expect(r.stderr.match(/--debug: the log is in/g)).toHaveLength(1);
    expect(r.stderr).not.toMatch(/\[query\]|\[info\]/);
    const logged = fs.readFileSync(log, 'utf8');
    expect(logged).toMatch(/\[query\] select current_user/);
    expect(logged).not.toContain(c.password);
  });
});
