import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { benchPrompt, measureKeystrokes } from '../../bench/keystroke.ts';
import { loopbackLink, tailnetLink, type Link } from '../../bench/link.ts';
import { timeCommand } from '../../bench/measure.ts';
import { cluster, createMigratedDatabase } from '../helpers/db.ts';
import { repoRoot } from '../helpers/cli.ts';
import { binCabinet, ensureBuilt, terminalEnv } from '../helpers/tmux.ts';

/**
 * The benchmark's own machinery at tiny sizes (npm run bench takes minutes): its tailnet link (the delay
 * proxy in a process of its own) really delays what psql and cabinet send, and cabinet works through it; the
 * keystroke driver reads keys' echoes off a real pty. A run that measured nothing would look like a fast one.
 */
let db: Awaited<ReturnType<typeof createMigratedDatabase>>;
let tailnet: Link;

beforeAll(async () => {
  ensureBuilt();
  db = await createMigratedDatabase('bench_smoke');
  await db.query(`insert into sites (site_id, domain, brand_name, ai_prompt) values ('a-one', 'one.de', 'One', 'Hallo.'), ('k-000300', 'k.de', 'K', $1)`, [benchPrompt(300)]);
  const c = cluster();
  tailnet = await tailnetLink({ socketDir: c.socket, port: c.port, user: c.user }, 25, path.join(repoRoot, 'node_modules', '.bin', 'node'));
});
afterAll(async () => {
  await tailnet?.close();
  await db?.close();
});

describe('the benchmark at tiny sizes', () => {
  it('the tailnet link costs psql its round trips (50 ms each) and cabinet sites list works through it', async () => {
    const c = cluster();
    const loopback = loopbackLink({ socketDir: c.socket, port: c.port, user: c.user });
    const env = terminalEnv({});
    const query = 'select site_id from sites order by site_id';
    // TCP's handshake, the startup and the query: three round trips of 50 ms, which no psql through the
    // link can beat (a busy machine only adds time; on loopback psql takes a few ms).
    const runs = Array.from({ length: 2 }, () => timeCommand(1, 'psql', [tailnet.url(db.name), '-XAtc', query], env));
    expect(runs.every((r) => r.ok), runs.map((r) => r.error ?? '').join(' ')).toBe(true);
    expect(Math.min(...runs.map((r) => r.ms))).toBeGreaterThanOrEqual(150);
    expect(timeCommand(1, 'psql', [loopback.url(db.name), '-XAtc', query], env).ok).toBe(true);
    const list = spawnSync(binCabinet, ['sites', 'list', '--json'], { env: { ...env, DATABASE_URL: tailnet.url(db.name) }, encoding: 'utf8' });
    expect(list.status, list.stderr).toBe(0);
    expect((JSON.parse(list.stdout) as { site_id: string }[]).map((s) => s.site_id)).toEqual(['a-one', 'k-000300']);
  });

  it('the keystroke driver times each key to its echo in the prompt editor', () => {
    expect([...benchPrompt(300)].length).toBe(300);
    // Like with like: the short prompt broken into 24-character lines fills the editor's rows, same length.
    const rows = benchPrompt(700, 24);
    expect([...rows].length).toBe(700);
    expect(rows.split('\n').length).toBeGreaterThan(30);
    expect(rows.split('\n').every((l) => [...l].length <= 24)).toBe(true);
    const run = measureKeystrokes(binCabinet, terminalEnv({ DATABASE_URL: db.url }), { siteId: 'k-000300', row: 1, pageDowns: 1, count: 5, warmup: 2, gapMs: 60 });
    expect(run.error).toBeUndefined();
    expect(run.ms).toHaveLength(5);
    for (const ms of run.ms) expect(ms).toBeGreaterThan(0);
    expect(run.cpuMsPerKey).toBeGreaterThan(0);
  });
});
