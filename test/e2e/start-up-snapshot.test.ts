import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../helpers/cli.ts';
import { consoleWorld } from '../helpers/console-world.ts';
import { scratchDir } from '../helpers/scratch.ts';
import { binCabinet, startTmux, terminalEnv, type TmuxSession } from '../helpers/tmux.ts';

/**
 * The console started from Node's startup snapshot (#13.5; scripts/snapshot-build.ts): Ink, React and the screens
 * were loaded when cabinet was built, in a build with no terminal and an empty environment. What a start reads
 * from its own terminal and environment must still be read then: the colour level (TERM, NO_COLOR, FORCE_COLOR),
 * the terminal's size. And bin/cabinet starts plainly when the blob is missing, replaced or built by another node,
 * from a checkout moved elsewhere too.
 */
const world = consoleWorld('e2e_start_up_snapshot');

/** The command line bin/cabinet exec'd node with, from strace's log (meow sets the process title, so /proc's is gone). */
function nodeCommand(trace: string): string {
  const execs = fs.readFileSync(trace, 'utf8').split('\n').filter((l) => /^\d+\s+execve\("[^"]*\/node", /.test(l) && / = 0$/.test(l));
  expect(execs.length, execs.join('\n')).toBe(1);
  return execs[0]!;
}
const fromSnapshot = (console: { trace: string }) => nodeCommand(console.trace).includes('"--snapshot-blob"');
/** SGR colour codes on the screen (foreground/background 30-37, 38;…, 90-97; tmux re-encodes what it shows). */
const colours = (ansi: string) => [...ansi.matchAll(/\x1b\[([\d;]*)m/g)].map((m) => m[1]!).filter((p) => /(^|;)(3[0-8]|9[0-7]|4[0-8])(;|$)/.test(p));

async function openConsole(bin: string, env: Record<string, string | undefined>, size: { width?: number; height?: number } = {}): Promise<{ session: TmuxSession; screen: string; trace: string }> {
  const trace = path.join(scratchDir('exec-trace'), 'strace.log');
  // tmux sets TERM in its panes itself (xterm-256color here): another TERM is given inside the pane.
  const { TERM: term, ...rest } = env;
  const command = ['strace', '-f', '-qq', '-s', '4096', '-e', 'trace=execve,openat', '-o', trace, bin];
  world.tmux = startTmux(term ? ['env', `TERM=${term}`, ...command] : command, { env: terminalEnv({ DATABASE_URL: world.db.url, ...rest }), ...size });
  const screen = await world.tmux.waitFor('acme.de', 20_000);
  return { session: world.tmux, screen, trace };
}

describe('the console from the startup snapshot', () => {
  it('is what bin/cabinet starts, and shows its first rows in colour in a colour terminal', async () => {
    const opened = await openConsole(binCabinet, { NO_COLOR: undefined });
    expect(fromSnapshot(opened)).toBe(true);
    // Built without a terminal, the snapshot's chalk had colour level 0: every colour was lost.
    await expect.poll(() => colours(opened.session.captureAnsi()).length).toBeGreaterThan(0);
    // The build's audit of what modules read as they load is over: a start does not look up the bundle's source map
    // (it did, through an env object a module kept, and parsed 4 MB of it on every start).
    expect(fs.readFileSync(opened.trace, 'utf8')).not.toContain('entry.cjs.map');
  });

  it('draws no colour under NO_COLOR, nor on a dumb terminal; FORCE_COLOR brings colour to the dumb terminal', async () => {
    const noColor = await openConsole(binCabinet, { NO_COLOR: '1' });
    expect(fromSnapshot(noColor)).toBe(true);
    expect(colours(noColor.session.captureAnsi())).toEqual([]);
    noColor.session.kill();

    const dumb = await openConsole(binCabinet, { NO_COLOR: undefined, TERM: 'dumb' });
    expect(fromSnapshot(dumb)).toBe(true);
    expect(colours(dumb.session.captureAnsi())).toEqual([]);
    dumb.session.kill();

    const forced = await openConsole(binCabinet, { NO_COLOR: undefined, TERM: 'dumb', FORCE_COLOR: '1' });
    expect(fromSnapshot(forced)).toBe(true);
    await expect.poll(() => colours(forced.session.captureAnsi()).length).toBeGreaterThan(0);
  });

  it("lays out for the terminal it starts in, and follows a resize", async () => {
    const opened = await openConsole(binCabinet, {}, { width: 132, height: 40 });
    expect(fromSnapshot(opened)).toBe(true);
    const widest = (s: string) => Math.max(...s.split('\n').map((l) => l.trimEnd().length));
    // The header runs to the right edge: 132 columns wide, not the 80 of no terminal at all.
    expect(widest(opened.screen)).toBeGreaterThan(120);
    expect(widest(opened.screen)).toBeLessThanOrEqual(132);
    opened.session.resize(90, 24);
    // Redrawn for 90 columns: as wide as the terminal, and no wider.
    await expect.poll(() => widest(opened.session.capture()), { timeout: 5000 }).toSatisfy((w: number) => w > 80 && w <= 90);
  });
});

/** A copy of the checkout elsewhere (bin, dist, migrations, package.json); node_modules shared, or with its own node. */
function copyCheckout(ownNode: boolean): string {
  const root = path.join(scratchDir('moved-checkout'), 'cabinet');
  fs.mkdirSync(root, { recursive: true });
  for (const entry of ['bin', 'dist', 'migrations', 'package.json']) execFileSync('cp', ['-a', path.join(repoRoot, entry), root]);
  const modules = path.join(repoRoot, 'node_modules');
  if (!ownNode) {
    fs.symlinkSync(modules, path.join(root, 'node_modules'));
    return root;
  }
  // The same packages, but another node binary (as after a reinstall or an upgrade): a copy, so another file.
  fs.mkdirSync(path.join(root, 'node_modules', '.bin'), { recursive: true });
  for (const entry of fs.readdirSync(modules)) if (entry !== '.bin') fs.symlinkSync(path.join(modules, entry), path.join(root, 'node_modules', entry));
  fs.copyFileSync(fs.realpathSync(path.join(modules, '.bin', 'node')), path.join(root, 'node_modules', '.bin', 'node'));
  fs.chmodSync(path.join(root, 'node_modules', '.bin', 'node'), 0o755);
  return root;
}

describe('bin/cabinet and the snapshot', () => {
  it('starts from the snapshot in a checkout copied (cp -a) and moved to another directory', async () => {
    const copied = copyCheckout(false);
    const root = path.join(path.dirname(copied), 'moved', 'cabinet');
    fs.mkdirSync(path.dirname(root));
    fs.renameSync(copied, root);
    const opened = await openConsole(path.join(root, 'bin', 'cabinet'), {});
    expect(fromSnapshot(opened)).toBe(true);
    expect(nodeCommand(opened.trace)).toContain(`"${path.join(root, 'dist', 'cli.js')}"`);
  });

  it('runs one program on its way to node (stat, for node and the blob at once), not three: each is a fork and an exec before the first screen', async () => {
    const opened = await openConsole(binCabinet, {});
    expect(fromSnapshot(opened)).toBe(true);
    const programs = fs
      .readFileSync(opened.trace, 'utf8')
      .split('\n')
      .filter((l) => /^\d+\s+execve\(/.test(l) && / = 0$/.test(l))
      .map((l) => path.basename(/execve\("([^"]+)"/.exec(l)![1]!));
    // bin/cabinet itself, then what it ran before node (the build before: dirname, stat, stat).
    expect(programs.slice(1, programs.indexOf('node'))).toEqual(['stat']);
  });

  it('starts plainly, and works, when the blob is missing, replaced, or was built by another node', async () => {
    const root = copyCheckout(false);
    const bin = path.join(root, 'bin', 'cabinet');
    const blob = path.join(root, 'dist', 'snapshot', 'cabinet.blob');

    // Replaced (cut short, as by a full disk or an interrupted build): node would crash on it.
    fs.truncateSync(blob, 4096);
    let opened = await openConsole(bin, {});
    expect(fromSnapshot(opened)).toBe(false);
    opened.session.kill();

    fs.rmSync(blob);
    opened = await openConsole(bin, {});
    expect(fromSnapshot(opened)).toBe(false);
    opened.session.kill();

    const otherNode = copyCheckout(true);
    opened = await openConsole(path.join(otherNode, 'bin', 'cabinet'), {});
    expect(fromSnapshot(opened)).toBe(false);
    expect(nodeCommand(opened.trace)).toContain(`execve("${path.join(otherNode, 'node_modules', '.bin', 'node')}"`);
  });

  it('starts plainly with CABINET_NO_SNAPSHOT=1, and with NODE_OPTIONS, whose --import node would not run', async () => {
    let opened = await openConsole(binCabinet, { CABINET_NO_SNAPSHOT: '1' });
    expect(fromSnapshot(opened)).toBe(false);
    opened.session.kill();

    const dir = scratchDir('node-options');
    const preload = path.join(dir, 'preload.mjs');
    fs.writeFileSync(preload, `import fs from 'node:fs';\nfs.writeFileSync(${JSON.stringify(path.join(dir, 'ran'))}, 'yes');\n`);
    opened = await openConsole(binCabinet, { NODE_OPTIONS: `--import ${preload}` });
    expect(fromSnapshot(opened)).toBe(false);
    expect(fs.readFileSync(path.join(dir, 'ran'), 'utf8')).toBe('yes');
  });

  it('starts plainly with NODE_PG_FORCE_NATIVE, which node-postgres reads as it loads (and the snapshot holds pg loaded)', async () => {
    const trace = path.join(scratchDir('native-trace'), 'strace.log');
    world.tmux = startTmux(['strace', '-f', '-qq', '-s', '4096', '-e', 'trace=execve', '-o', trace, binCabinet], {
      env: terminalEnv({ DATABASE_URL: world.db.url, NODE_PG_FORCE_NATIVE: '1' }),
    });
    // As without a snapshot: pg asks for pg-native, which cabinet does not install, and the console says so.
    await world.tmux.waitFor(/pg-native/, 20_000);
    expect(fromSnapshot({ trace })).toBe(false);
  });
});
