import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { binCabinet, repoRoot } from '../helpers/cli.ts';
import { createMigratedDatabase } from '../helpers/db.ts';
import { scratchDir } from '../helpers/scratch.ts';
import { startTmux, terminalEnv, type TmuxSession } from '../helpers/tmux.ts';
import { scratchCli } from '../cli/support.ts';

/**
 * Commands start from their own startup snapshot (#13.4; src/cli-snapshot.ts, dist/commands-snapshot/): meow,
 * pg and the data commands loaded at build time. What a user sees must be what a plain start shows: the same
 * bytes on stdout and stderr, the same exit code, colour only where a plain start colours; and bin/cabinet
 * starts plainly when that blob is missing, cut short or from another node, or with --debug, NODE_OPTIONS or
 * NODE_PG_FORCE_NATIVE.
 */
let db: Awaited<ReturnType<typeof createMigratedDatabase>>;
const cli = scratchCli('commands-snapshot');
let tmux: TmuxSession | undefined;

beforeAll(async () => {
  db = await createMigratedDatabase('cmd_snapshot');
  // A site with two revisions whose prompts differ (a coloured diff on a terminal), written by cabinet itself.
  const prompt = (text: string) => cli.file(`prompt-${text.length}.md`, text);
  for (const args of [
    ['sites', 'create', 'acme-de', '--domain', 'acme.de', '--brand-name', 'ACME GmbH', '--language', 'de', '--ai-prompt-file', prompt('Hallo\nПривет 👋\n')],
    ['sites', 'set', 'acme-de', '--brand-name', 'ACME AG', '--ai-prompt-file', prompt('Hallo\nПривет 👋, ACME\n')],
  ]) {
    const r = await cli.run(args, { url: db.url });
    expect(r.code, r.stderr).toBe(0);
  }
  // Rows psql would write: non-ASCII and escapes in the text, microseconds, dates far away.
  await db.query(`insert into users (user_id, email, first_seen, last_seen, updated_at) values
    ('100', 'zoë@exämple.de', '2026-01-02 03:04:05.123456+00', '1999-12-31 23:59:59.999999+00', '0044-03-15 12:00:00+00'),
    ('200', E'quote"back\\\\slash\\ttab@example.com', '2026-06-01 00:00:00+00', 'infinity', '2026-06-01 00:00:00+00')`);
  await db.query(`insert into users (user_id, email) select (300000 + g)::text, 'user' || g || '@example.com' from generate_series(1, 3000) g`);
});
afterEach(() => {
  tmux?.kill();
  tmux = undefined;
});
afterAll(async () => {
  await db.close();
  await cli.cleanup();
});

interface Traced {
  status: number | null;
  stdout: Buffer;
  stderr: Buffer;
  /** The execve of node that bin/cabinet made, from strace's log. */
  node: string;
}

/** Runs `bin args` under strace, which logs how bin/cabinet started node. */
function traced(bin: string, args: string[], env: Record<string, string | undefined> = {}): Traced {
  const trace = path.join(scratchDir('exec-trace'), 'strace.log');
  const r = spawnSync('strace', ['-f', '-qq', '-s', '4096', '-e', 'trace=execve', '-o', trace, bin, ...args], {
    env: cli.env({ DATABASE_URL: db.url, ...env }),
    cwd: cli.scratch,
  });
  const execs = fs.readFileSync(trace, 'utf8').split('\n').filter((l) => /^\d+\s+execve\("[^"]*\/node", /.test(l) && / = 0$/.test(l));
  expect(execs, 'node started once').toHaveLength(1);
  return { status: r.status, stdout: r.stdout, stderr: r.stderr, node: execs[0]! };
}

const blob = (root: string) => `"--snapshot-blob", "${path.join(root, 'dist', 'commands-snapshot', 'cabinet.blob')}"`;
const fromSnapshot = (run: Traced) => run.node.includes('"--snapshot-blob"');

/** A copy of the checkout elsewhere (bin, dist, migrations, package.json), sharing node_modules. */
function copyCheckout(): string {
  const root = path.join(scratchDir('moved-checkout'), 'cabinet');
  fs.mkdirSync(root, { recursive: true });
  for (const entry of ['bin', 'dist', 'migrations', 'package.json']) spawnSync('cp', ['-a', path.join(repoRoot, entry), root]);
  fs.symlinkSync(path.join(repoRoot, 'node_modules'), path.join(root, 'node_modules'));
  return root;
}

describe('commands from their startup snapshot', () => {
  it('export, list, show, migrate status, --version and refused input: from the snapshot, byte for byte what a plain start gives', () => {
    const runs: string[][] = [
      ['users', 'export', '--ndjson'],
      ['users', 'export'],
      ['sites', 'export'],
      ['sites', 'list', '--json'],
      ['users', 'show', '100', '--json'],
      ['migrate', 'status'],
      ['--version'],
      ['users', 'export', '--bogus'],
      ['users', 'show', 'nobody'],
      ['sites', 'list', '--limit', 'x'],
    ];
    for (const args of runs) {
      const snapshot = traced(binCabinet, args);
      const plain = traced(binCabinet, args, { CABINET_NO_SNAPSHOT: '1' });
      expect(snapshot.node, args.join(' ')).toContain(blob(repoRoot));
      expect(fromSnapshot(plain), args.join(' ')).toBe(false);
      expect({ args, status: snapshot.status, stderr: snapshot.stderr.toString() }).toEqual({ args, status: plain.status, stderr: plain.stderr.toString() });
      expect(snapshot.stdout.equals(plain.stdout), `${args.join(' ')}: the same stdout`).toBe(true);
    }
    // And what they gave is the real thing, not two equal failures.
    const users = traced(binCabinet, ['users', 'export', '--ndjson']).stdout.toString().split('\n').filter(Boolean);
    expect(users).toHaveLength(3002);
    expect(JSON.parse(users[0]!)).toMatchObject({ user_id: '100', email: 'zoë@exämple.de', first_seen: '2026-01-02T03:04:05.123456Z', updated_at: '0044-03-15T12:00:00.000000Z' });
    const refused = traced(binCabinet, ['users', 'export', '--bogus']);
    expect({ status: refused.status, stderr: refused.stderr.toString() }).toEqual({ status: 2, stderr: 'cabinet: unknown option --bogus (see cabinet users --help)\n' });
  });

  it('writes a file that is byte for byte the plain start\'s, 0600, from a checkout copied (cp -a) and moved elsewhere', () => {
    const copied = copyCheckout();
    const root = path.join(path.dirname(copied), 'moved', 'cabinet');
    fs.mkdirSync(path.dirname(root));
    fs.renameSync(copied, root);
    const file = path.join(cli.scratch, 'users.ndjson');
    const snapshot = traced(path.join(root, 'bin', 'cabinet'), ['users', 'export', '--ndjson', '--output', file]);
    expect(snapshot.node).toContain(blob(root));
    expect(snapshot.status, snapshot.stderr.toString()).toBe(0);
    expect(snapshot.stderr.toString()).toBe(`Exported 3,002 users to ${file}.\n`);
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    const plain = traced(binCabinet, ['users', 'export', '--ndjson'], { CABINET_NO_SNAPSHOT: '1' });
    expect(fs.readFileSync(file).equals(plain.stdout)).toBe(true);
  });

  it('colours on a terminal as a plain start does, and not under NO_COLOR', async () => {
    const marks = (bin: string, env: Record<string, string | undefined>) => {
      tmux?.kill();
      tmux = startTmux([bin, 'sites', 'diff', 'acme-de', '1', 'current'], { env: terminalEnv({ DATABASE_URL: db.url, ...env }), width: 120, height: 40 });
      return tmux;
    };
    const colours = (ansi: string) => [...ansi.matchAll(/\x1b\[([\d;]*)m/g)].map((m) => m[1]!).filter((p) => /(^|;)(3[0-7]|9[0-7])(;|$)/.test(p));
    const shown: Record<string, string[]> = {};
    for (const [label, env] of [
      ['snapshot, colour', { NO_COLOR: undefined }],
      ['plain, colour', { NO_COLOR: undefined, CABINET_NO_SNAPSHOT: '1' }],
      ['snapshot, NO_COLOR', { NO_COLOR: '1' }],
    ] as const) {
      const session = marks(binCabinet, env);
      await session.waitFor('cabinet-exit-status=0', 20_000);
      shown[label] = colours(session.captureAnsi());
    }
    expect(shown['snapshot, colour']!.length).toBeGreaterThan(0);
    expect(shown['snapshot, colour']).toEqual(shown['plain, colour']);
    expect(shown['snapshot, NO_COLOR']).toEqual([]);
  });

  it('starts plainly, and works, when the blob is cut short or missing, and with --debug, NODE_OPTIONS or NODE_PG_FORCE_NATIVE', () => {
    const root = copyCheckout();
    const bin = path.join(root, 'bin', 'cabinet');
    const expected = traced(binCabinet, ['sites', 'list', '--json'], { CABINET_NO_SNAPSHOT: '1' }).stdout.toString();
    const works = (run: Traced) => {
      expect(run.status, run.stderr.toString()).toBe(0);
      expect(run.stdout.toString()).toBe(expected);
    };
    // --debug wants source-mapped stacks; NODE_OPTIONS' --require and --import do not run in a snapshot; pg picks its client as it loads.
    const debug = traced(bin, ['sites', 'list', '--json', '--debug']);
    expect(fromSnapshot(debug)).toBe(false);
    works(debug);
    const dir = scratchDir('node-options');
    const preload = path.join(dir, 'preload.cjs');
    fs.writeFileSync(preload, `require('node:fs').writeFileSync(${JSON.stringify(path.join(dir, 'ran'))}, 'yes');\n`);
    const withOptions = traced(bin, ['sites', 'list', '--json'], { NODE_OPTIONS: `--require ${preload}` });
    expect(fromSnapshot(withOptions)).toBe(false);
    works(withOptions);
    expect(fs.readFileSync(path.join(dir, 'ran'), 'utf8')).toBe('yes');
    expect(fromSnapshot(traced(bin, ['sites', 'list', '--json'], { NODE_PG_FORCE_NATIVE: '' }))).toBe(false);

    works(traced(bin, ['sites', 'list', '--json']));
    const file = path.join(root, 'dist', 'commands-snapshot', 'cabinet.blob');
    // Cut short (a full disk, an interrupted build): node would crash on it.
    fs.truncateSync(file, 4096);
    const cut = traced(bin, ['sites', 'list', '--json']);
    expect(fromSnapshot(cut)).toBe(false);
    works(cut);
    fs.rmSync(file);
    const missing = traced(bin, ['sites', 'list', '--json']);
    expect(fromSnapshot(missing)).toBe(false);
    works(missing);
  });
});
