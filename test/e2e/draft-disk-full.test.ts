import { spawnSync } from 'node:child_process';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createMigratedDatabase } from '../helpers/db.ts';
import { scratchDir } from '../helpers/scratch.ts';
import { binCabinet, ensureBuilt, startTmux, terminalEnv, type TmuxSession } from '../helpers/tmux.ts';
import { focusField, tmuxForm } from '../helpers/focus-field.ts';

/**
 * "draft kept" only when it is (issue 11, item 8). The state directory is a tiny tmpfs mounted in a private
 * mount namespace (unshare -m, as root), filled to the last byte, or mounted read-only: the header says
 * "draft NOT saved: <why>", no empty temp file is left to look like a draft, the store keeps retrying and
 * says "draft kept" once space is back, and quitting says which edit was not saved (exit 1).
 */

let db: Awaited<ReturnType<typeof createMigratedDatabase>>;
const sessions: TmuxSession[] = [];
/** Root only (a tmpfs in a private mount namespace); as an unprivileged user these are skipped, not failed. */
const canMount = process.getuid?.() === 0 && spawnSync('unshare', ['-m', '--propagation', 'private', 'true']).status === 0;

beforeAll(async () => {
  ensureBuilt();
  db = await createMigratedDatabase('e2e_full');
});
afterAll(async () => {
  await db?.close();
});
afterEach(() => {
  for (const s of sessions.splice(0)) s.kill();
});

/** A shell command run inside cabinet's mount namespace (where the tmpfs is). */
function inside(pid: number, script: string): string {
  const r = spawnSync('nsenter', ['-t', String(pid), '-m', '--', 'sh', '-c', script], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`nsenter: ${r.stderr}`);
  return r.stdout;
}

/** cabinet on a 128 KiB tmpfs as $XDG_STATE_HOME, mounted in its own mount namespace; `then` runs before cabinet starts. */
function openOnTmpfs(state: string, then: string): TmuxSession {
  const script = `mount -t tmpfs -o size=128k,mode=0700 cabinet-state "$XDG_STATE_HOME" || exit 97\n${then}\nexec "$@"`;
  const t = startTmux(['unshare', '-m', '--propagation', 'private', 'sh', '-c', script, 'sh', binCabinet], {
    env: terminalEnv({ DATABASE_URL: db.url, XDG_STATE_HOME: state }),
    width: 110,
    height: 34,
  });
  sessions.push(t);
  return t;
}

const FILL = 'dd if=/dev/zero of="$XDG_STATE_HOME/fill" bs=4k 2>/dev/null; true';

async function openEdit(t: TmuxSession, siteId: string): Promise<void> {
  await t.waitFor(/Sites \(\d+\)/);
  t.type('/');
  t.type(siteId);
  await t.waitFor((s) => s.includes('Sites (1)') && s.includes(siteId));
  t.keys('Enter');
  t.type('e');
  await t.waitFor(`Edit site ${siteId}`);
}

describe.skipIf(!canMount)('a draft that cannot be written', () => {
  it('a full disk: the header says "draft NOT saved", retries until space is back, then "draft kept"; quitting while full says so and exits 1', async () => {
    await db.query(`insert into sites (site_id, domain, brand_name, language, ai_prompt) values ('full-disk', 'full-disk.example', 'Alpha', 'de', 'Hallo.')`);
    const state = scratchDir('state');
    const t = openOnTmpfs(state, FILL);
    await openEdit(t, 'full-disk');
    await focusField(tmuxForm(t), 'brand name');
    t.keys('End');
    t.type(' Beta');
    let screen = await t.waitFor('draft NOT saved: no space left on device (retrying)');
    expect(screen).not.toContain('draft kept');
    const pid = t.pid();
    const drafts = `"$XDG_STATE_HOME/cabinet/drafts"`;
    const env = `XDG_STATE_HOME='${state}'`;
    // Nothing that looks like a draft: no draft file, and no empty temp file.
    expect(inside(pid, `${env}; ls -A ${drafts} 2>/dev/null; true`).trim()).toBe('');

    // Space comes back: the retry writes the draft, and only then does the header say so.
    inside(pid, `${env}; rm "$XDG_STATE_HOME/fill"`);
    screen = await t.waitFor('draft kept', 10_000);
    expect(screen).not.toContain('NOT saved');
    const written = JSON.parse(inside(pid, `${env}; cat ${drafts}/*.draft.json`)) as { fields: Record<string, string> };
    expect(written.fields.brandName).toBe('Alpha Beta');

    // Full again: the next change cannot be written, and quitting says so (the older draft is kept).
    inside(pid, `${env}; ${FILL}`);
    t.type(' Gamma');
    await t.waitFor('draft NOT saved: no space left on device (retrying)');
    expect((JSON.parse(inside(pid, `${env}; cat ${drafts}/*.draft.json`)) as { fields: Record<string, string> }).fields.brandName).toBe('Alpha Beta');
    t.keys('C-c');
    expect(await t.waitForExit()).toBe(1);
    // (The terminal wraps the long line.)
    screen = t.capture().replace(/\n/g, '');
    expect(screen).toMatch(/cabinet: draft NOT saved: your unsaved edit of site full-disk: no space left on device \(.*\); its latest changes are lost \(an older draft of it is kept\)/);
    expect(screen).not.toContain('draft kept');
  });

  it('a read-only state directory: "draft NOT saved: read-only file system" until it is writable, then "draft kept", and quitting says "draft kept" (exit 0)', async () => {
    await db.query(`insert into sites (site_id, domain, brand_name, language, ai_prompt) values ('read-only-dir', 'read-only-dir.example', 'Alpha', 'de', 'Hallo.')`);
    const state = scratchDir('state');
    const t = openOnTmpfs(state, 'mount -o remount,ro "$XDG_STATE_HOME" || exit 98');
    await openEdit(t, 'read-only-dir');
    await focusField(tmuxForm(t), 'brand name');
    t.keys('End');
    t.type(' Beta');
    const screen = await t.waitFor('draft NOT saved: read-only file system (retrying)');
    expect(screen).not.toContain('draft kept');

    const pid = t.pid();
    inside(pid, `mount -o remount,rw '${state}'`);
    await t.waitFor('draft kept', 10_000);
    const written = JSON.parse(inside(pid, `cat '${state}'/cabinet/drafts/*.draft.json`)) as { fields: Record<string, string> };
    expect(written.fields.brandName).toBe('Alpha Beta');
    t.keys('C-c');
    expect(await t.waitForExit()).toBe(0);
    expect(t.capture().replace(/\n/g, '')).toMatch(/cabinet: draft kept: your unsaved edit of site read-only-dir; the next start offers it/);
  });
});
