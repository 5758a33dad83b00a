import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../helpers/cli.ts';
import { scratchDir } from '../helpers/scratch.ts';
import { ensureBuilt, startTmux, terminalEnv, type TmuxSession } from '../helpers/tmux.ts';

/**
 * The README's first command on a host that never ran cabinet: nothing under /var/lib, a new HOME, no
 * database settings. The test creates only what a new admin has (an empty home); every directory of the
 * embedded cluster is the product's to create. The console must open on the embedded database.
 */
const isRoot = process.getuid?.() === 0;
const canUnshare = isRoot && spawnSync('unshare', ['-m', '--propagation', 'private', 'true']).status === 0;

let tmux: TmuxSession | undefined;

beforeAll(() => ensureBuilt());
afterEach(() => {
  tmux?.kill();
  tmux = undefined;
});

/**
 * Runs `cabinet` in the pane, then (whatever happened) `cabinet embedded status` (where the cluster it used
 * lives) and `cabinet embedded stop` in the same world; exits with the console's status.
 */
const consoleThenStop = (cabinet: string) => `"${cabinet}"; rc=$?; "${cabinet}" embedded status; "${cabinet}" embedded stop; exit $rc`;

/** Shell words that show this checkout at `at` (an empty directory) inside the private mount namespace: a clone living there. */
const checkoutAt = (at: string) => `mount --bind "${repoRoot}" "${at}"`;

/**
 * A postmaster a failed run left behind (it runs in its data directory); killed by its pid, never by name.
 * `elsewhere`: only one in another mount namespace (the host may have a /var/lib/cabinet of its own).
 */
function stopStrayPostmasters(dataDir: string, elsewhere: boolean): void {
  const ours = fs.readlinkSync('/proc/self/ns/mnt');
  for (const pid of fs.readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
    try {
      if (fs.readlinkSync(`/proc/${pid}/cwd`) !== dataDir || (elsewhere && fs.readlinkSync(`/proc/${pid}/ns/mnt`) === ours)) continue;
      if (fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('postgres')) process.kill(Number(pid), 'SIGQUIT');
    } catch {
      /* gone, or not ours to read */
    }
  }
}

/** The console opens on the embedded database; after q, `embedded status` says the cluster it ran on lives at `root`. */
async function expectFirstScreen(session: TmuxSession, root: string): Promise<void> {
  const screen = await session.waitFor(/Sites \(0\)/, 60_000);
  // The header says it once (#17.4): embedded, and which database.
  expect(screen).toMatch(/^cabinet  embedded · cabinet  /m);
  expect(screen).not.toMatch(/could not|Permission denied|error/i);
  expect(session.info('#{alternate_on}')).toBe('1');
  session.keys('q');
  const after = await session.waitFor(/cabinet-exit-status=\d+/, 30_000);
  expect(after).toContain(`embedded PostgreSQL at ${root}: running`);
  expect(after).toMatch(/embedded PostgreSQL stopped/);
  expect(after).toMatch(/cabinet-exit-status=0/);
}

describe('first run on a host that never saw cabinet', () => {
  it.skipIf(!canUnshare)('as root, with an empty /var/lib and a new HOME: the console opens on the embedded database', async () => {
    const home = path.join(scratchDir('first-root', 0o755), 'root');
    fs.mkdirSync(home, { mode: 0o700 });
    const hide = 'mount -t tmpfs -o mode=755 tmpfs /var/lib && cd "$HOME" && ' + consoleThenStop(path.join(repoRoot, 'bin', 'cabinet'));
    const env = terminalEnv({ HOME: home, XDG_STATE_HOME: undefined, XDG_DATA_HOME: undefined, XDG_CONFIG_HOME: undefined, XDG_CACHE_HOME: undefined });
    try {
      tmux = startTmux(['unshare', '-m', '--propagation', 'private', 'sh', '-c', hide], { env, width: 120 });
      await expectFirstScreen(tmux, '/var/lib/cabinet/postgres');
    } finally {
      stopStrayPostmasters('/var/lib/cabinet/postgres/data', true);
    }
  });

  it.skipIf(!canUnshare)('as root, from a checkout under a directory only root may enter (/root is 0700): it still opens', async () => {
    // A root admin's clone in /root: the `postgres` user cannot run the binaries inside node_modules there.
    const privateHome = scratchDir('first-private', 0o700);
    const checkout = path.join(privateHome, 'cabinet');
    fs.mkdirSync(checkout);
    const hide = `mount -t tmpfs -o mode=755 tmpfs /var/lib && ${checkoutAt(checkout)} && cd "$HOME" && ` + consoleThenStop(path.join(checkout, 'bin', 'cabinet'));
    const env = terminalEnv({ HOME: privateHome, XDG_STATE_HOME: undefined, XDG_DATA_HOME: undefined });
    try {
      tmux = startTmux(['unshare', '-m', '--propagation', 'private', 'sh', '-c', hide], { env, width: 120 });
      await expectFirstScreen(tmux, '/var/lib/cabinet/postgres');
    } finally {
      stopStrayPostmasters('/var/lib/cabinet/postgres/data', true);
    }
  });

  it.skipIf(!isRoot)('as root, when a directory above CABINET_EMBEDDED_DIR keeps postgres out: one line naming it and why', () => {
    const closed = scratchDir('first-closed', 0o700);
    const root = path.join(closed, 'deeper', 'pg');
    const env = terminalEnv({ CABINET_EMBEDDED_DIR: root });
    const run = spawnSync(path.join(repoRoot, 'bin', 'cabinet'), ['embedded', 'start'], { env, encoding: 'utf8' });
    expect(run.status).toBe(1);
    const lines = run.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(`cannot reach ${root}: ${closed} is drwx------ root:root (no search permission for postgres)`);
    expect(lines[0]).toContain(`chmod o+x ${closed}`);
    // It stopped before making anything in there.
    expect(fs.readdirSync(closed)).toEqual([]);
  });

  it.skipIf(!isRoot)('as an unprivileged user with a fresh HOME: the console opens on the embedded database in ~/.local/share', async () => {
    // `nobody` stands in for a new admin account. It reads the checkout as any user of a shared clone does
    // (its files are world-readable); when the clone sits below a directory it cannot enter (/root), the
    // same files are shown to it at a reachable place in a private mount namespace.
    const asNobody = ['setpriv', '--reuid=nobody', '--regid=nogroup', '--clear-groups'];
    const reachable = spawnSync(asNobody[0]!, [...asNobody.slice(1), 'test', '-x', path.join(repoRoot, 'bin', 'cabinet')]).status === 0;
    const checkout = reachable ? repoRoot : path.join(scratchDir('first-shared', 0o755), 'cabinet');
    const home = path.join(scratchDir('first-user', 0o755), 'home');
    fs.mkdirSync(home, { mode: 0o755 });
    fs.chownSync(home, 65534, 65534);
    const env = terminalEnv({ HOME: home, USER: 'nobody', LOGNAME: 'nobody', XDG_STATE_HOME: undefined, XDG_DATA_HOME: undefined, XDG_RUNTIME_DIR: undefined });
    const cabinet = path.join(checkout, 'bin', 'cabinet');
    const asUser = [...asNobody, 'sh', '-c', `cd "$HOME" && ${consoleThenStop(cabinet)}`];
    if (!reachable) fs.mkdirSync(checkout);
    const command = reachable ? asUser : ['unshare', '-m', '--propagation', 'private', 'sh', '-c', `${checkoutAt(checkout)} && exec "$@"`, 'sh', ...asUser];
    tmux = startTmux(command, { env, width: 120, cwd: home });
    const data = path.join(home, '.local', 'share', 'cabinet', 'postgres');
    try {
      await expectFirstScreen(tmux, data);
    } finally {
      stopStrayPostmasters(path.join(data, 'data'), false);
    }
    // What it made is the user's own and private.
    for (const dir of [path.join(home, '.local'), path.join(home, '.local', 'share'), data]) {
      const stat = fs.statSync(dir);
      expect([dir, stat.uid, stat.mode & 0o777]).toEqual([dir, 65534, 0o700]);
    }
  });
});
