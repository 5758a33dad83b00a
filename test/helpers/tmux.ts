import { execFileSync, spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { binCabinet, repoRoot } from './cli.ts';
import { scratchDir, scratchRoot } from './scratch.ts';

/**
 * The real `bin/cabinet` in a real terminal: a tmux pane on a private server (`tmux -L`), driven with
 * send-keys and read with capture-pane. Each session has its own socket and config, so tests never touch
 * a person's tmux, and kill() removes everything.
 */
export interface TmuxSession {
  /** Named keys as tmux knows them: 'Enter', 'Escape', 'Down', 'C-s', 'BSpace', 'Tab', 'BTab', 'PPage'. */
  keys(...keys: string[]): void;
  /** Literal text, character by character (send-keys -l). */
  type(text: string): void;
  /** A bracketed paste, as a terminal sends it when the app asked for one (paste-buffer -p). */
  paste(text: string): void;
  capture(): string;
  /** The screen with its SGR attributes (capture-pane -e): to see where the inverse cursor cell is. */
  captureAnsi(): string;
  /** Polls the screen until `expected` appears; returns the screen. Throws with the last screen on timeout. */
  waitFor(expected: string | RegExp | ((screen: string) => boolean), timeoutMs?: number): Promise<string>;
  /** A tmux format for the pane, e.g. '#{pane_dead} #{pane_dead_status} #{alternate_on} #{cursor_x}'. */
  info(format: string): string;
  /** Resizes the terminal (the program gets SIGWINCH). */
  resize(width: number, height: number): void;
  /** Waits for the program in the pane to end; returns its exit status. */
  waitForExit(timeoutMs?: number): Promise<number>;
  /** The pid of the program itself (the child of the pane's wrapper shell; bin/cabinet execs node). */
  pid(): number;
  /** tmux's paste buffers: an OSC 52 that got through to the terminal would have made one (set-clipboard on). */
  buffers(): string[];
  /** tmux kill-session: the pty closes under the program, a real terminal hang-up (as when SSH drops). */
  hangUp(): void;
  kill(): void;
}

export interface StartOptions {
  env: NodeJS.ProcessEnv;
  width?: number;
  height?: number;
  cwd?: string;
}

const EXIT_MARK = 'cabinet-exit-status=';

export function startTmux(command: string[], options: StartOptions): TmuxSession {
  const socket = `cabinet-test-${process.pid}-${crypto.randomBytes(4).toString('hex')}`;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cabinet-tmux-'));
  const config = path.join(dir, 'tmux.conf');
  fs.writeFileSync(
    config,
    [
      'set -g default-terminal xterm-256color',
      'set -g status off',
      // Without this tmux holds Esc back for 500 ms to see whether a sequence follows.
      'set -s escape-time 0',
      // An application's OSC 52 becomes a tmux buffer: a test can see whether one reached the terminal.
      'set -s set-clipboard on',
      '',
    ].join('\n'),
  );
  const env: NodeJS.ProcessEnv = { ...options.env, TMUX: undefined, TMUX_TMPDIR: dir };
  delete env.TMUX;
  const tmux = (args: string[], input?: string) => {
    const result = spawnSync('tmux', ['-L', socket, '-f', config, ...args], { env, input, encoding: 'utf8', cwd: options.cwd ?? repoRoot });
    if (result.status !== 0) throw new Error(`tmux ${args[0]} failed: ${result.stderr}`);
    return result.stdout;
  };
  // The program runs under a shell that prints its exit status and stays: the test then reads the status
  // and sees the restored main screen. (remain-on-exit would do, but tmux 3.3 sometimes fails to reap
  // the child when the pty closes first, leaving pane_dead_status empty.)
  const wrapper = `"$@"; status=$?; echo; echo "${EXIT_MARK}$status"; exec sleep 600`;
  tmux(['new-session', '-d', '-s', 'main', '-x', String(options.width ?? 100), '-y', String(options.height ?? 30), '--', 'sh', '-c', wrapper, 'sh', ...command]);
  const target = 'main:0.0';
  const session: TmuxSession = {
    keys: (...keys) => void tmux(['send-keys', '-t', target, ...keys]),
    type: (text) => void tmux(['send-keys', '-t', target, '-l', '--', text]),
    paste(text) {
      tmux(['load-buffer', '-b', 'paste', '-'], text);
      tmux(['paste-buffer', '-p', '-d', '-b', 'paste', '-t', target]);
    },
    capture: () => tmux(['capture-pane', '-p', '-t', target]),
    resize: (width, height) => void tmux(['resize-window', '-t', 'main', '-x', String(width), '-y', String(height)]),
    captureAnsi: () => tmux(['capture-pane', '-p', '-e', '-t', target]),
    async waitFor(expected, timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      const ok = (screen: string) =>
        typeof expected === 'string' ? screen.includes(expected) : expected instanceof RegExp ? expected.test(screen) : expected(screen);
      let screen = '';
      for (;;) {
        screen = session.capture();
        if (ok(screen)) return screen;
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${String(expected)}; the screen was:\n${screen}`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    },
    // list-panes rather than display-message: the latter does not expand pane_dead_status for a dead pane.
    info: (format) => tmux(['list-panes', '-t', target, '-F', format]).trim(),
    async waitForExit(timeoutMs = 10_000) {
      const screen = await session.waitFor(new RegExp(`${EXIT_MARK}\\d+`), timeoutMs);
      return Number(new RegExp(`${EXIT_MARK}(\\d+)`).exec(screen)![1]);
    },
    pid() {
      const shell = session.info('#{pane_pid}');
      const child = spawnSync('pgrep', ['-P', shell], { encoding: 'utf8' }).stdout.trim().split('\n')[0];
      if (!child) throw new Error('the program in the pane is not running');
      return Number(child);
    },
    buffers: () =>
      tmux(['list-buffers', '-F', '#{buffer_name}'])
        .split('\n')
        .filter((b) => b !== ''),
    hangUp: () => void tmux(['kill-session', '-t', 'main']),
    kill() {
      spawnSync('tmux', ['-L', socket, '-f', config, 'kill-server'], { env });
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
  return session;
}

/**
 * The environment of a person at a terminal: no CI, a real TERM, no colours (stable captures), and a
 * private $XDG_STATE_HOME in the run's scratch space unless the test gives one, so the console's drafts never reach the
 * real home (where the next run's console would offer them for recovery).
 */
export function terminalEnv(extra: Record<string, string | undefined>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (/^(PG|CABINET_|DATABASE_URL$|CI$|VITEST|NODE_OPTIONS$|TMUX|FORCE_COLOR$|XDG_STATE_HOME$)/.test(k)) continue;
    env[k] = v;
  }
  const state = scratchDir('state');
  Object.assign(env, { NO_COLOR: '1', TERM: 'xterm-256color', LANG: 'C.UTF-8', LC_ALL: 'C.UTF-8', XDG_STATE_HOME: state }, extra);
  for (const [k, v] of Object.entries(env)) if (v === undefined) delete env[k];
  return env;
}

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile()) continue;
    newest = Math.max(newest, fs.statSync(path.join(entry.parentPath, entry.name)).mtimeMs);
  }
  return newest;
}

/**
 * End-to-end tests run the bundle in dist/. `npm test` builds it first; when a test file runs alone and
 * src/ is newer than the bundle, build it here (under a lock, as test files run in parallel).
 */
export function ensureBuilt(): void {
  const bundle = path.join(repoRoot, 'dist', 'cli.js');
  const fresh = () => fs.existsSync(bundle) && fs.statSync(bundle).mtimeMs >= newestMtime(path.join(repoRoot, 'src'));
  if (fresh()) return;
  const lock = path.join(scratchRoot(), 'build.lock');
  const deadline = Date.now() + 60_000;
  for (;;) {
    try {
      fs.mkdirSync(lock);
      break;
    } catch {
      if (Date.now() > deadline) throw new Error(`cannot take ${lock}; remove it if no build is running`);
      execFileSync('sleep', ['0.2']);
    }
  }
  try {
    if (!fresh()) execFileSync(path.join(repoRoot, 'node_modules', '.bin', 'node'), [path.join(repoRoot, 'scripts', 'build.ts')], { cwd: repoRoot, stdio: 'inherit' });
  } finally {
    fs.rmSync(lock, { recursive: true, force: true });
  }
}

export { binCabinet };

/**
 * Polls until the terminal's own cursor is shown at cell (x, y) of the pane; returns what tmux last said
 * ("visible x y"), so a failing expectation shows where the cursor was instead.
 */
export async function cursorAt(session: TmuxSession, x: number, y: number, timeoutMs = 5000): Promise<string> {
  const want = `1 ${x} ${y}`;
  let now = '';
  for (const deadline = Date.now() + timeoutMs; Date.now() < deadline; await new Promise((resolve) => setTimeout(resolve, 50))) {
    now = session.info('#{cursor_flag} #{cursor_x} #{cursor_y}');
    if (now === want) break;
  }
  return now;
}
