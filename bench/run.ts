// The cabinet benchmark: builds databases of N users and M sites on a dedicated embedded PostgreSQL, then
// measures every console and CLI figure twice, on loopback and through a tailnet-like link (bench/delay-proxy.ts,
// 25 ms each way), side by side with its peers over the same link (psql, pgcli, MikroORM's CLI, node -e 0),
// several runs each, and prints medians and ratios; then keystroke to echo in the prompt editor at 700 and
// 99,000 characters. Run it with: npm run bench [-- --users 1000,100000 --runs 7 --only console,cli]
// Results also go to bench/results-latest.json; bench/RESULTS.md records them with what was tried.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { ensureEmbeddedServer, stopEmbeddedServer } from '../src/db/embedded.ts';
import { openReadPool } from '../src/db/read-pool.ts';
import type { SqlQuery } from '../src/db/sql-query.ts';
import { listUsers } from '../src/services/queries/user-queries.ts';
import { benchPrompt, measureKeystrokes } from './keystroke.ts';
import { loopbackLink, tailnetLink, type Link } from './link.ts';
import { median, p95, ptyRun, timeCommand, timeOnce } from './measure.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const SECTIONS = ['console', 'cli', 'search', 'transfer', 'memory', 'keys'] as const;
const { values } = parseArgs({
  options: {
    users: { type: 'string', default: '1000,100000,1000000' },
    sites: { type: 'string', default: '40' },
    runs: { type: 'string', default: '7' },
    links: { type: 'string', default: 'loopback,tailnet' },
    delay: { type: 'string', default: '25' },
    only: { type: 'string', default: SECTIONS.join(',') },
    keys: { type: 'string', default: '100' },
    keep: { type: 'boolean', default: false },
  },
});
const userCounts = values.users.split(',').filter(Boolean).map(Number);
const siteCount = Number(values.sites);
const runs = Number(values.runs);
const delayMs = Number(values.delay);
const only = new Set(values.only.split(','));
for (const s of only) if (!(SECTIONS as readonly string[]).includes(s)) throw new Error(`--only: unknown section ${s} (${SECTIONS.join(', ')})`);
// BENCH_CABINET: another build to measure (e.g. an older commit's, for a before/after in one run).
const cabinet = process.env.BENCH_CABINET ?? path.join(root, 'bin', 'cabinet');
const nodeBin = path.join(root, 'node_modules', '.bin', 'node');
const mikroOrmBin = path.join(root, 'node_modules', '.bin', 'mikro-orm');
const has = (cmd: string) => spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0;

// Peers the benchmark compares with: each missing one is said once here and in its rows, never skipped silently.
const peers = { psql: has('psql'), pgcli: has('pgcli'), python3: has('python3') };
const missing = Object.entries(peers).filter(([, ok]) => !ok).map(([name]) => name);
if (missing.length > 0) {
  console.error(`bench: missing peer${missing.length > 1 ? 's' : ''}: ${missing.join(', ')} (Debian: apt-get install -y ${missing.map((m) => (m === 'psql' ? 'postgresql-client' : m)).join(' ')}); their rows say "missing"`);
}
if (!peers.python3) throw new Error('bench: python3 is needed to drive the console in a pseudo-terminal');

type Row = Record<string, unknown>;
const results: Row = {
  date: new Date().toISOString(),
  machine: `${os.cpus().length} × ${os.cpus()[0]?.model ?? '?'}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, ${os.platform()} ${os.release()}`,
  node: process.version,
  runs,
  delay_ms_each_way: delayMs,
  missing_peers: missing,
  // How busy the machine was (1, 5, 15 min): every figure here is wall time.
  load_average_start: os.loadavg().map((x) => Number(x.toFixed(2))),
};
const report = (label: string, value: string) => console.log(`${label.padEnd(62)} ${value}`);
const fmt = (ms: number) => (Number.isNaN(ms) ? 'n/a' : `${ms.toFixed(1)} ms`);
const ratio = (a: number, b: number) => (Number.isNaN(a) || Number.isNaN(b) ? 'n/a' : `${(a / b).toFixed(2)}×`);

const benchRoot = path.join(root, '.tmp', 'bench-pg');
const server = await ensureEmbeddedServer({ root: benchRoot, log: (l) => console.error(l) });
const admin = new pg.Client({ host: server.socketDir, port: server.port, user: server.user, database: 'postgres' });
await admin.connect();
const loopback = loopbackLink(server);

const baseEnv: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1', TERM: 'xterm-256color', LANG: 'C.UTF-8' };
delete baseEnv.CI;
for (const k of Object.keys(baseEnv)) if (/^(PG|CABINET_|DATABASE_URL$)/.test(k)) delete baseEnv[k];
// Drafts of the keystroke runs go to a scratch state directory, never the person's.
baseEnv.XDG_STATE_HOME = path.join(root, '.tmp', 'bench-state');
const nodeZero = timeCommand(runs, nodeBin, ['-e', '0'], baseEnv).ms;
results.node_e_0_ms = nodeZero;
report('node -e 0 (the unit of the start-up ratios)', fmt(nodeZero));
const version = timeCommand(runs, cabinet, ['--version'], baseEnv).ms;
results.version_ms = version;
report('cabinet --version', `${fmt(version)}  ${ratio(version, nodeZero)}`);

/** Creates (once) and migrates database `db`; `fill` runs only when it was created now. */
async function ensureDatabase(db: string, fill: (c: pg.Client) => Promise<void>): Promise<void> {
  const exists = await admin.query('select 1 from pg_database where datname = $1', [db]);
  if (exists.rowCount === 0) await admin.query(`create database ${db}`);
  // A database kept from an earlier run gets the migrations added since.
  const m = spawnSync(cabinet, ['migrate'], { env: { ...baseEnv, DATABASE_URL: loopback.url(db) }, encoding: 'utf8' });
  if (m.status !== 0) throw new Error(`migrate ${db} failed: ${m.stderr}`);
  if (exists.rowCount !== 0) return;
  const c = new pg.Client({ host: server.socketDir, port: server.port, user: server.user, database: db });
  await c.connect();
  await fill(c);
  await c.query('analyze');
  await c.end();
}

const prompt = (i: number) =>
  `Du bist der freundliche Assistent von Marke ${i}. `.repeat(40) + '\n\n' + 'Ты помогаешь клиентам с заказами. 👋 '.repeat(60 + (i % 7) * 40);

for (const n of userCounts) {
  await ensureDatabase(`bench_${n}`, async (c) => {
    console.error(`building bench_${n}: ${n} users, ${siteCount} sites…`);
    for (let i = 0; i < siteCount; i++) {
      await c.query(`insert into sites (site_id, domain, brand_name, language, ai_prompt, hubspot_pipeline, hubspot_stage) values ($1, $2, $3, $4, $5, 'default', 'appointmentscheduled')`, [
        `site-${i}`,
        `brand${i}.example.de`,
        `Marke ${i}`,
        ['en', 'de', 'ru'][i % 3],
        prompt(i),
      ]);
    }
    await c.query(
      `insert into users (user_id, email, first_seen, last_seen)
       select (300000000000000000 + g)::text, 'user' || g || '.' || substr(md5(g::text), 1, 6) || '@example' || (g % 97) || '.com',
              now() - (g % 700) * interval '1 day', now() - (g % 90) * interval '1 hour' - (g % 3600) * interval '1 second'
         from generate_series(1, $1::int) g`,
      [n],
    );
  });
}

const links: Link[] = [];
for (const name of values.links.split(',')) {
  if (name === 'loopback') links.push(loopback);
  else if (name === 'tailnet') links.push(await tailnetLink(server, delayMs, nodeBin));
  else throw new Error(`--links: loopback or tailnet, not ${name}`);
}

const sitesQuery = 'select site_id, domain, brand_name, language, char_length(ai_prompt) as prompt_chars, created_at from sites order by site_id';
const PEER_MISSING = NaN;
/** The console's filter is timed on a site below the first screen, until its domain is shown. */
const FILTERED_SITE = 'site-39';
const FILTERED_DOMAIN = 'brand39.example.de';
/** Ink switching to the alternate screen: its first frame follows in the same write. */
const INK_FIRST_FRAME = '\x1b[?1049h';

for (const link of links) {
  const linkResults: Row = {};
  results[link.name] = linkResults;
  for (const n of userCounts) {
    const db = `bench_${n}`;
    const url = link.url(db);
    const env: NodeJS.ProcessEnv = { ...baseEnv, DATABASE_URL: url };
    const r: Row = {};
    linkResults[`n${n}`] = r;
    report(`— ${link.name}${link.name === 'tailnet' ? ` (${delayMs} ms each way)` : ''}: ${n} users, ${siteCount} sites —`, '');

    // psql printing the console's first rows (the same query): the peer of the console and of sites list.
    const psql = peers.psql ? timeCommand(runs, 'psql', [url, '-XAtc', sitesQuery], env) : { ms: PEER_MISSING, ok: false };
    r.psql_sites_ms = psql.ms;
    const pgcli = peers.pgcli ? timeCommand(runs, 'pgcli', [url, '--less-chatty'], { ...env, PAGER: 'cat' }, sitesQuery + ';\n') : { ms: PEER_MISSING, ok: false };
    r.pgcli_sites_ms = pgcli.ms;

    if (only.has('console')) {
      // The console in a real pty: first frame (splash), first Ink frame, first rows (the headline), filter.
      // Ink's first frame is when it takes the alternate screen: "connecting…", or the rows when they are in by then.
      // With BENCH_CABINET_BEFORE, that build's first rows are measured in the same runs, alternating.
      const beforeBin = process.env.BENCH_CABINET_BEFORE;
      // The filter's marker is on the filtered frame only: site-39 is below the first screen (100×30; sites sort by
      // id: site-0, site-1, site-10 … site-3), and its domain is not what was typed (the filter line echoes that).
      const filter = siteCount > 39 ? ['key:/', `key:${FILTERED_SITE}`, FILTERED_DOMAIN] : [];
      const pty = ptyRun(cabinet, ['cabinet', INK_FIRST_FRAME, 'Sites (', ...filter], env);
      const samples = [pty];
      const beforeSamples: typeof samples = [];
      for (let i = 0; i < runs; i++) {
        if (beforeBin) beforeSamples.push(ptyRun(beforeBin, ['cabinet', INK_FIRST_FRAME, 'Sites ('], env));
        if (i > 0) samples.push(ptyRun(cabinet, ['cabinet', INK_FIRST_FRAME, 'Sites ('], env));
      }
      const at = (m: string) => median(samples.map((s) => (s.markers[m] ?? NaN) * 1000));
      r.console_first_frame_ms = at('cabinet');
      r.console_ink_first_frame_ms = at(INK_FIRST_FRAME);
      r.console_first_rows_ms = at('Sites (');
      report('console: first screen with rows (headline)', `${fmt(at('Sites ('))}  ${ratio(at('Sites ('), nodeZero)} of node -e 0 · ${ratio(at('Sites ('), psql.ms)} of psql`);
      report('console: first frame (splash, before Ink loads)', `${fmt(at('cabinet'))}  ${ratio(at('cabinet'), nodeZero)}`);
      report('console: first Ink frame', `${fmt(at(INK_FIRST_FRAME))}  ${ratio(at(INK_FIRST_FRAME), nodeZero)}`);
      if (beforeBin) {
        const was = (m: string) => median(beforeSamples.map((s) => (s.markers[m] ?? NaN) * 1000));
        r.before_console_first_rows_ms = was('Sites (');
        r.before_console_ink_first_frame_ms = was(INK_FIRST_FRAME);
        report('  before (BENCH_CABINET_BEFORE), same runs: first rows', `${fmt(was('Sites ('))}  ${ratio(was('Sites ('), nodeZero)} of node -e 0 · ${ratio(was('Sites ('), psql.ms)} of psql; Ink's first frame ${fmt(was(INK_FIRST_FRAME))}`);
      }
      if (pty.markers[FILTERED_DOMAIN] != null && pty.markers[`key:${FILTERED_SITE}`] != null) {
        r.filter_key_to_frame_ms = (pty.markers[FILTERED_DOMAIN]! - pty.markers[`key:${FILTERED_SITE}`]!) * 1000;
        report('console: filter typed → filtered frame', fmt(r.filter_key_to_frame_ms as number));
      }
    }

    if (only.has('cli')) {
      const list = timeCommand(runs, cabinet, ['sites', 'list', '--json'], env);
      r.sites_list_json_ms = list.ms;
      report('cabinet sites list --json', `${fmt(list.ms)}  ${ratio(list.ms, nodeZero)} of node -e 0${list.ok ? '' : ` FAILED: ${list.error}`}`);
      report('psql -c (same query)', peers.psql ? `${fmt(psql.ms)}  cabinet ${ratio(list.ms, psql.ms)} of it` : 'missing (apt-get install postgresql-client)');
      report('pgcli (same query, piped)', peers.pgcli ? `${fmt(pgcli.ms)}  cabinet ${ratio(list.ms, pgcli.ms)} of it` : 'missing (apt-get install pgcli)');
      const status = timeCommand(runs, cabinet, ['migrate', 'status'], env);
      r.migrate_status_ms = status.ms;
      const mo = timeCommand(runs, nodeBin, [mikroOrmBin, 'migration:pending'], { ...env, MIKRO_ORM_CLI_CONFIG: './mikro-orm.config.ts', PATH: `${path.dirname(nodeBin)}:${env.PATH}` });
      r.mikro_orm_pending_ms = mo.ms;
      report('cabinet migrate status', `${fmt(status.ms)}${status.ok ? '' : ` FAILED: ${status.error}`}`);
      report('mikro-orm migration:pending', `${fmt(mo.ms)}  cabinet ${ratio(status.ms, mo.ms)} of it${mo.ok ? '' : ` FAILED: ${mo.error}`}`);
    }

    if (only.has('search')) {
      // The console's own query (listUsers on the light read pool, a page of 200) for "contains" and
      // "^ starts with" filters; p95 over terms and runs; EXPLAIN of the statement it sent.
      const target = link.name === 'loopback'
        ? { host: server.socketDir, port: server.port }
        : { host: '127.0.0.1', port: Number(new URL(url).port) };
      const pool = await openReadPool({ source: 'DATABASE_URL', ...target, user: server.user, database: db, connectTimeoutSeconds: 5 });
      let lastSql: { sql: string; params: unknown[] } | undefined;
      const recording: SqlQuery = (sql, params = [], signal) => {
        if (/from users/.test(sql)) lastSql = { sql, params };
        return pool.query(sql, params, signal);
      };
      const terms = Array.from({ length: 20 }, (_, i) => `user${(i * 7919) % Math.max(1, n)}`);
      await listUsers(recording, { filter: terms[0]!, limit: 200 }); // warms the pg_stats sample the filter uses
      for (const [label, prefix] of [
        ['users: email/id prefix search (^text)', '^'],
        ['users: email/id substring search', ''],
      ] as const) {
        const times: number[] = [];
        for (let k = 0; k < Math.max(3, runs); k++) {
          for (const term of terms) {
            const t = process.hrtime.bigint();
            await listUsers(recording, { filter: prefix + term, limit: 200 });
            times.push(Number(process.hrtime.bigint() - t) / 1e6);
          }
        }
        await listUsers(recording, { filter: prefix + terms[1], limit: 200 });
        const plan = await pool.query<Record<string, string>>(`explain ${lastSql!.sql}`, lastSql!.params);
        const planText = plan.map((row) => Object.values(row)[0] ?? '').join('\n');
        const usesIndex = /Index Scan|Bitmap Index Scan/.test(planText) && !/Seq Scan/.test(planText);
        r[label] = { p95_ms: p95(times), p50_ms: median(times), uses_index: usesIndex, plan: planText };
        report(label, `p95 ${fmt(p95(times))} ${usesIndex ? '(index)' : '(SEQ SCAN)'}`);
      }
      await pool.close();
    }

    if (only.has('memory') && link.name === 'loopback') {
      // Memory flat in table size: peak RSS after opening the users screen and paging down 30 screens (several
      // pages of 200 fetched), once the ORM's background load settled. The link does not change it.
      const pageDowns = Array.from({ length: 30 }, () => 'key:\x1b[6~');
      const usersPty = ptyRun(cabinet, ['Sites (', 'key::', 'key:users\r', '@example', ...pageDowns, 'wait:2'], env);
      r.console_users_peak_rss_kb = usersPty.peak_rss_kb;
      report('console: peak RSS, users screen, 30 pages down', usersPty.peak_rss_kb ? `${(usersPty.peak_rss_kb / 1024).toFixed(1)} MiB` : 'n/a');
    }

    if (only.has('transfer') && peers.psql) {
      // Export/import through COPY vs psql \copy of the same table (one timed run each: they are long).
      const exportFile = path.join(root, '.tmp', `bench-users-${n}.ndjson`);
      const csvFile = path.join(root, '.tmp', `bench-users-${n}.csv`);
      const tExport = timeOnce(cabinet, ['users', 'export', '--ndjson', '--output', exportFile], env);
      const tCopyOut = timeOnce('psql', [url, '-Xqc', `\\copy users to '${csvFile}' csv`], env);
      r.users_export_ms = tExport.ms;
      r.users_export_peak_rss_kb = tExport.rssKb;
      r.psql_copy_out_ms = tCopyOut.ms;
      report('cabinet users export --ndjson', `${fmt(tExport.ms)} (${Math.round(n / (tExport.ms / 1000)).toLocaleString('en')} rows/s, peak RSS ${(tExport.rssKb / 1024).toFixed(0)} MiB)`);
      report('psql \\copy users to (csv)', `${fmt(tCopyOut.ms)}  cabinet throughput ${ratio(tCopyOut.ms, tExport.ms)} of psql`);
      const scratch = `bench_import_${n}`;
      await admin.query(`drop database if exists ${scratch}`);
      await admin.query(`create database ${scratch}`);
      const scratchUrl = link.url(scratch);
      spawnSync(cabinet, ['migrate'], { env: { ...env, DATABASE_URL: scratchUrl } });
      const tImport = timeOnce(cabinet, ['users', 'import', exportFile, '--yes'], { ...env, DATABASE_URL: scratchUrl });
      spawnSync('psql', [scratchUrl, '-Xqc', 'truncate users'], { env });
      const tCopyIn = timeOnce('psql', [scratchUrl, '-Xqc', `\\copy users (user_id, email, first_seen, last_seen, version, updated_at) from '${csvFile}' csv`], env);
      await admin.query(`drop database if exists ${scratch} with (force)`);
      fs.rmSync(exportFile, { force: true });
      fs.rmSync(csvFile, { force: true });
      r.users_import_ms = tImport.ms;
      r.users_import_peak_rss_kb = tImport.rssKb;
      r.psql_copy_in_ms = tCopyIn.ms;
      report('cabinet users import (into an empty table)', `${fmt(tImport.ms)} (${Math.round(n / (tImport.ms / 1000)).toLocaleString('en')} rows/s, peak RSS ${(tImport.rssKb / 1024).toFixed(0)} MiB)`);
      report('psql \\copy users from (csv)', `${fmt(tCopyIn.ms)}  cabinet throughput ${ratio(tCopyIn.ms, tImport.ms)} of psql`);
    }
  }
}

if (only.has('keys')) {
  // Keystroke to echo in the prompt editor: one site with a 700-character prompt, one with 99,000 (the
  // limit is 100,000); editing is local, so loopback only. The cursor goes some pages into the text first.
  // Like with like: the 700-character prompt is broken into lines of 24 characters, so it fills the
  // editor's rows (its paragraphs would fill only ~8 of them) and both sizes draw the same screen.
  const sizes = [700, 99_000];
  const lineWidth = (chars: number) => (chars < 5_000 ? 24 : undefined);
  await ensureDatabase('bench_keys_rows', async (c) => {
    for (const chars of sizes) {
      await c.query(`insert into sites (site_id, domain, brand_name, language, ai_prompt, hubspot_pipeline, hubspot_stage) values ($1, $2, 'Tippen', 'de', $3, 'default', 'appointmentscheduled')`, [
        `k-${String(chars).padStart(6, '0')}`,
        `k${chars}.example.de`,
        benchPrompt(chars, lineWidth(chars)),
      ]);
    }
  });
  fs.rmSync(baseEnv.XDG_STATE_HOME!, { recursive: true, force: true });
  const keys: Row = {};
  results.keystroke = keys;
  report('— prompt editor: keystroke → echo, through a pty —', '');
  // BENCH_CABINET_BEFORE: an older build measured in the same rounds (a before/after on one busy machine).
  const builds: [string, string][] = [['', cabinet], ...(process.env.BENCH_CABINET_BEFORE ? [['before ', process.env.BENCH_CABINET_BEFORE] as [string, string]] : [])];
  // Rounds alternate the sizes (and builds), so a machine busy with something else weighs on all alike.
  const rounds = Math.max(1, Math.min(4, runs));
  const perRound = Math.ceil(Number(values.keys) / rounds);
  type Samples = { ms: number[]; cpu: number[]; p95s: number[]; errors: string[] };
  const samples = new Map<string, Samples>();
  for (const [tag] of builds) for (const c of sizes) samples.set(`${tag}${c}`, { ms: [], cpu: [], p95s: [], errors: [] });
  for (let round = 0; round < rounds; round++) {
    for (const [tag, bin] of builds) {
      for (const [row, chars] of sizes.entries()) {
        const siteId = `k-${String(chars).padStart(6, '0')}`;
        const run = measureKeystrokes(bin, { ...baseEnv, DATABASE_URL: loopback.url('bench_keys_rows') }, { siteId, row, pageDowns: 10, count: perRound });
        // The edit is left unsaved: its draft would be offered on the next start.
        fs.rmSync(baseEnv.XDG_STATE_HOME!, { recursive: true, force: true });
        const s = samples.get(`${tag}${chars}`)!;
        s.ms.push(...run.ms);
        if (run.ms.length) s.p95s.push(p95(run.ms));
        if (run.cpuMsPerKey !== null) s.cpu.push(run.cpuMsPerKey);
        if (run.error) s.errors.push(run.error);
      }
    }
  }
  for (const [tag] of builds) {
    const get = (chars: number) => samples.get(`${tag}${chars}`)!;
    for (const chars of sizes) {
      const s = get(chars);
      keys[`${tag.trim() ? `${tag.trim()}_` : ''}chars_${chars}`] = { p95_ms: p95(s.ms), p50_ms: median(s.ms), max_ms: Math.max(...s.ms), keys: s.ms.length, round_p95s_ms: s.p95s, cpu_ms_per_key: median(s.cpu), ...(s.errors.length ? { errors: s.errors } : {}) };
      report(
        `${tag}keystroke → echo, ${chars.toLocaleString('en')}-character prompt`,
        s.errors.length ? `FAILED: ${s.errors[0]}` : `p95 ${fmt(p95(s.ms))}, p50 ${fmt(median(s.ms))} (${s.ms.length} keys); rounds' p95 ${s.p95s.map((x) => x.toFixed(0)).join(' ')} ms; CPU ${fmt(median(s.cpu))} a key (median of rounds)`,
      );
    }
    const small = get(700);
    const big = get(99_000);
    // Each round's ratio (the two sizes ran back to back), and their median: the steadier figure on a busy machine.
    const roundRatios = small.p95s.map((p, i) => (big.p95s[i] ?? NaN) / p).filter((r) => !Number.isNaN(r));
    const cpuRatios = small.cpu.map((c, i) => (big.cpu[i] ?? NaN) / c).filter((r) => !Number.isNaN(r));
    report(
      `${tag}keystroke p95, 99,000 vs 700 characters`,
      `pooled ${ratio(p95(big.ms), p95(small.ms))}; per round ${roundRatios.map((r) => r.toFixed(2)).join(' ')}, median ${median(roundRatios).toFixed(2)}× (target ≤ 1.3×); CPU a key, median per round ${median(cpuRatios).toFixed(2)}×`,
    );
  }
}

results.load_average_end = os.loadavg().map((x) => Number(x.toFixed(2)));
console.log(`load average (1, 5, 15 min): ${(results.load_average_start as number[]).join(' ')} at the start, ${(results.load_average_end as number[]).join(' ')} at the end`);
for (const link of links) await link.close();
await admin.end();
fs.writeFileSync(path.join(root, 'bench', 'results-latest.json'), JSON.stringify(results, null, 2) + '\n');
console.log(`\nwrote bench/results-latest.json (${results.machine}, ${results.node})`);
if (!values.keep) await stopEmbeddedServer(benchRoot);
