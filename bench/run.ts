// The cabinet benchmark: builds databases of N users and M sites on a dedicated embedded PostgreSQL, then
// measures each target of issue 6 side by side with its peer (node -e 0, psql, pgcli, MikroORM's CLI),
// several runs each, and prints medians and ratios. Run it with: npm run bench [-- --users 1000,100000 --runs 7]
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

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { values } = parseArgs({
  options: {
    users: { type: 'string', default: '1000,100000,1000000' },
    sites: { type: 'string', default: '40' },
    runs: { type: 'string', default: '7' },
    keep: { type: 'boolean', default: false },
  },
});
const userCounts = values.users.split(',').map(Number);
const siteCount = Number(values.sites);
const runs = Number(values.runs);
const cabinet = path.join(root, 'bin', 'cabinet');
const nodeBin = path.join(root, 'node_modules', '.bin', 'node');
const mikroOrmBin = path.join(root, 'node_modules', '.bin', 'mikro-orm');
const has = (cmd: string) => spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.floor((s.length - 1) / 2)]! : NaN;
}
function p95(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.ceil(s.length * 0.95) - 1)]! : NaN;
}

/** Wall time of a command in ms, median over `runs` (one warm-up run first). */
function timeCommand(cmd: string, args: string[], env: NodeJS.ProcessEnv, input?: string): { ms: number; ok: boolean } {
  const once = () => {
    const t = process.hrtime.bigint();
    const r = spawnSync(cmd, args, { env, input, stdio: ['pipe', 'ignore', 'ignore'], maxBuffer: 1 << 30 });
    return { ms: Number(process.hrtime.bigint() - t) / 1e6, ok: r.status === 0 };
  };
  once();
  const samples: number[] = [];
  let ok = true;
  for (let i = 0; i < runs; i++) {
    const r = once();
    ok &&= r.ok;
    samples.push(r.ms);
  }
  return { ms: median(samples), ok };
}

/** Wall time of one run in ms (NaN when the command failed) and the command's peak RSS in KiB. */
function timeOnce(cmd: string, args: string[], env: NodeJS.ProcessEnv): { ms: number; rssKb: number } {
  // python3 (already needed for the pty driver) reports the child's peak RSS from getrusage.
  const wrapper = 'import resource, subprocess, sys\nr = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL)\nprint(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, file=sys.stderr)\nsys.exit(r.returncode)';
  const t = process.hrtime.bigint();
  const r = spawnSync('python3', ['-c', wrapper, cmd, ...args], { env, stdio: ['ignore', 'ignore', 'pipe'], maxBuffer: 1 << 26 });
  const ms = Number(process.hrtime.bigint() - t) / 1e6;
  const lines = r.stderr?.toString().trim().split('\n') ?? [];
  const rssKb = Number(lines.pop());
  if (r.status !== 0) console.error(`${cmd} ${args.join(' ')} failed: ${lines.join(' ')}`);
  return { ms: r.status === 0 ? ms : NaN, rssKb };
}

interface PtyResult {
  markers: Record<string, number | null>;
  peak_rss_kb: number | null;
}
function ptyRun(markers: string[], env: NodeJS.ProcessEnv): PtyResult {
  const r = spawnSync('python3', [path.join(root, 'bench', 'pty-time.py'), '100', '30', ...markers, '--', cabinet], { env, encoding: 'utf8' });
  return JSON.parse(r.stdout.trim().split('\n').pop() || '{"markers":{},"peak_rss_kb":null}') as PtyResult;
}

const results: Record<string, unknown> = { date: new Date().toISOString(), machine: `${os.cpus().length} × ${os.cpus()[0]?.model ?? '?'}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, ${os.platform()} ${os.release()}`, node: process.version, runs };
const lines: string[] = [];
const report = (label: string, value: string) => {
  lines.push(`${label.padEnd(58)} ${value}`);
  console.log(`${label.padEnd(58)} ${value}`);
};
const fmt = (ms: number) => `${ms.toFixed(1)} ms`;
const ratio = (a: number, b: number) => `${(a / b).toFixed(2)}×`;

const benchRoot = path.join(root, '.tmp', 'bench-pg');
const server = await ensureEmbeddedServer({ root: benchRoot, log: (l) => console.error(l) });
const admin = new pg.Client({ host: server.socketDir, port: server.port, user: server.user, database: 'postgres' });
await admin.connect();

const baseEnv: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1', TERM: 'xterm-256color' };
delete baseEnv.CI;
const nodeZero = timeCommand(nodeBin, ['-e', '0'], baseEnv).ms;
results.node_e_0_ms = nodeZero;
report('node -e 0 (the unit of every ratio)', fmt(nodeZero));
const version = timeCommand(cabinet, ['--version'], baseEnv).ms;
report('cabinet --version', `${fmt(version)}  ${ratio(version, nodeZero)}`);

const prompt = (i: number) =>
  `Du bist der freundliche Assistent von Marke ${i}. `.repeat(40) + '\n\n' + 'Ты помогаешь клиентам с заказами. 👋 '.repeat(60 + (i % 7) * 40);

for (const n of userCounts) {
  const dbName = `bench_${n}`;
  const exists = await admin.query('select 1 from pg_database where datname = $1', [dbName]);
  const url = `postgres://${server.user}@/${dbName}?host=${encodeURIComponent(server.socketDir)}&port=${server.port}`;
  const env: NodeJS.ProcessEnv = { ...baseEnv, DATABASE_URL: url };
  if (exists.rowCount === 0) await admin.query(`create database ${dbName}`);
  // A database kept from an earlier run gets the migrations added since.
  const m = spawnSync(cabinet, ['migrate'], { env, encoding: 'utf8' });
  if (m.status !== 0) throw new Error(`migrate failed: ${m.stderr}`);
  if (exists.rowCount === 0) {
    console.error(`building ${dbName}: ${n} users, ${siteCount} sites…`);
    const c = new pg.Client({ host: server.socketDir, port: server.port, user: server.user, database: dbName });
    await c.connect();
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
    await c.query('analyze');
    await c.end();
  }
  results[`n${n}`] = {};
  const r = results[`n${n}`] as Record<string, unknown>;
  report(`— ${n} users, ${siteCount} sites —`, '');

  // Startup: the console in a real pty: first frame, first rows, keystroke to frame.
  const pty = ptyRun(['cabinet', 'connecting', 'Sites (', 'key:/', 'key:site-1', 'site-19'], env);
  const samples = [pty, ...Array.from({ length: Math.max(0, runs - 1) }, () => ptyRun(['cabinet', 'connecting', 'Sites ('], env))];
  const firstFrame = median(samples.map((s) => (s.markers.cabinet ?? NaN) * 1000));
  const inkFrame = median(samples.map((s) => (s.markers.connecting ?? NaN) * 1000));
  r.console_ink_first_frame_ms = inkFrame;
  const firstRows = median(samples.map((s) => (s.markers['Sites ('] ?? NaN) * 1000));
  r.console_first_frame_ms = firstFrame;
  r.console_first_rows_ms = firstRows;
  report('console: first frame (splash, before Ink loads)', `${fmt(firstFrame)}  ${ratio(firstFrame, nodeZero)} (target ≤ 5×)`);
  report('console: first Ink frame (connecting…)', `${fmt(inkFrame)}  ${ratio(inkFrame, nodeZero)}`);
  report('console: first screen with rows', `${fmt(firstRows)}  ${ratio(firstRows, nodeZero)} (target ≤ 12×)`);
  if (pty.markers['site-19'] != null && pty.markers['key:site-1'] != null) {
    const keyToFrame = (pty.markers['site-19']! - pty.markers['key:site-1']!) * 1000;
    r.filter_key_to_frame_ms = keyToFrame;
    report('console: filter typed → filtered frame', fmt(keyToFrame));
  }

  // Memory flat in table size: the console's peak RSS after opening the users screen and paging down
  // 30 screens (several pages of 200 fetched), once the background load of the ORM has settled.
  const pageDowns = Array.from({ length: 30 }, () => 'key:\x1b[6~');
  const usersPty = ptyRun(['Sites (', 'key::', 'key:users\r', '@example', ...pageDowns, 'wait:2'], env);
  r.console_users_peak_rss_kb = usersPty.peak_rss_kb;
  report('console: peak RSS, users screen, 30 pages down', usersPty.peak_rss_kb ? `${(usersPty.peak_rss_kb / 1024).toFixed(1)} MiB` : 'n/a');

  // Export/import through COPY vs psql \copy of the same table (one timed run each: they are long).
  const exportFile = path.join(root, '.tmp', `bench-users-${n}.ndjson`);
  const csvFile = path.join(root, '.tmp', `bench-users-${n}.csv`);
  const tExport = timeOnce(cabinet, ['users', 'export', '--ndjson', '--output', exportFile], env);
  const tCopyOut = timeOnce('psql', ['-h', server.socketDir, '-p', String(server.port), '-U', server.user, '-d', dbName, '-Xqc', `\\copy users to '${csvFile}' csv`], env);
  r.users_export_ms = tExport.ms;
  r.users_export_peak_rss_kb = tExport.rssKb;
  r.psql_copy_out_ms = tCopyOut.ms;
  report('cabinet users export --ndjson', `${fmt(tExport.ms)} (${Math.round(n / (tExport.ms / 1000)).toLocaleString('en')} rows/s, peak RSS ${(tExport.rssKb / 1024).toFixed(0)} MiB)`);
  report('psql \\copy users to (csv)', `${fmt(tCopyOut.ms)}  cabinet throughput ${ratio(tCopyOut.ms, tExport.ms)} of psql (target ≥ 0.5×)`);
  const scratch = `bench_import_${n}`;
  await admin.query(`drop database if exists ${scratch}`);
  await admin.query(`create database ${scratch}`);
  const scratchUrl = `postgres://${server.user}@/${scratch}?host=${encodeURIComponent(server.socketDir)}&port=${server.port}`;
  spawnSync(cabinet, ['migrate'], { env: { ...env, DATABASE_URL: scratchUrl } });
  const tImport = timeOnce(cabinet, ['users', 'import', exportFile, '--yes'], { ...env, DATABASE_URL: scratchUrl });
  spawnSync('psql', ['-h', server.socketDir, '-p', String(server.port), '-U', server.user, '-d', scratch, '-Xqc', 'truncate users'], { env });
  const tCopyIn = timeOnce('psql', ['-h', server.socketDir, '-p', String(server.port), '-U', server.user, '-d', scratch, '-Xqc', `\\copy users (user_id, email, first_seen, last_seen, version, updated_at) from '${csvFile}' csv`], env);
  await admin.query(`drop database if exists ${scratch} with (force)`);
  fs.rmSync(exportFile, { force: true });
  fs.rmSync(csvFile, { force: true });
  r.users_import_ms = tImport.ms;
  r.users_import_peak_rss_kb = tImport.rssKb;
  r.psql_copy_in_ms = tCopyIn.ms;
  report('cabinet users import (into an empty table)', `${fmt(tImport.ms)} (${Math.round(n / (tImport.ms / 1000)).toLocaleString('en')} rows/s, peak RSS ${(tImport.rssKb / 1024).toFixed(0)} MiB)`);
  report('psql \\copy users from (csv)', `${fmt(tCopyIn.ms)}  cabinet throughput ${ratio(tCopyIn.ms, tImport.ms)} of psql (target ≥ 0.5×)`);

  // Scripted listing vs psql and pgcli answering the same query.
  const sitesQuery = 'select site_id, domain, brand_name, language, char_length(ai_prompt) as prompt_chars, created_at from sites order by site_id';
  const hasSitesCmd = spawnSync(cabinet, ['sites', '--help'], { env }).status === 0;
  if (hasSitesCmd) {
    const list = timeCommand(cabinet, ['sites', 'list', '--json'], env);
    r.sites_list_json_ms = list.ms;
    report('cabinet sites list --json', `${fmt(list.ms)}  ${ratio(list.ms, nodeZero)} (target ≤ 10×)${list.ok ? '' : ' FAILED'}`);
  } else report('cabinet sites list --json', 'not available in this build');
  if (has('psql')) {
    const psql = timeCommand('psql', ['-h', server.socketDir, '-p', String(server.port), '-U', server.user, '-d', dbName, '-XAtc', sitesQuery], env);
    r.psql_ms = psql.ms;
    report('psql -c (same query)', fmt(psql.ms));
  }
  if (has('pgcli')) {
    const pgcli = timeCommand('pgcli', ['-h', server.socketDir, '-p', String(server.port), '-U', server.user, '-d', dbName, '--less-chatty'], { ...env, PAGER: 'cat' }, sitesQuery + ';\n');
    r.pgcli_ms = pgcli.ms;
    report('pgcli (same query, piped)', `${fmt(pgcli.ms)}${r.sites_list_json_ms ? `  cabinet is ${ratio(r.sites_list_json_ms as number, pgcli.ms)} of it (target < 1×)` : ''}`);
  } else report('pgcli', 'not installed (apt-get install pgcli)');

  // migrate status vs MikroORM's own CLI on the same config.
  const status = timeCommand(cabinet, ['migrate', 'status'], env);
  r.migrate_status_ms = status.ms;
  const mo = timeCommand(nodeBin, [mikroOrmBin, 'migration:pending'], { ...env, MIKRO_ORM_CLI_CONFIG: './mikro-orm.config.ts', PATH: `${path.dirname(nodeBin)}:${env.PATH}` });
  r.mikro_orm_pending_ms = mo.ms;
  report('cabinet migrate status', fmt(status.ms));
  report('mikro-orm migration:pending', `${fmt(mo.ms)}  cabinet/mikro-orm ${ratio(status.ms, mo.ms)} (target ≤ 0.3×)`);

  // Users search: the console's own query (listUsers on the light read pool, a page of 200) for
  // "contains" and "^ starts with" filters; p95 over terms and runs; EXPLAIN of the statement it sent.
  const pool = await openReadPool({ source: 'DATABASE_URL', host: server.socketDir, port: server.port, user: server.user, database: dbName, connectTimeoutSeconds: 5 });
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
    report(label, `p95 ${fmt(p95(times))} ${usesIndex ? '(index)' : '(SEQ SCAN)'} (target ≤ 50 ms)`);
  }
  await pool.close();
}

await admin.end();
fs.writeFileSync(path.join(root, 'bench', 'results-latest.json'), JSON.stringify(results, null, 2) + '\n');
console.log(`\nwrote bench/results-latest.json (${results.machine}, ${results.node})`);
if (!values.keep) await stopEmbeddedServer(benchRoot);
