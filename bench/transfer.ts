// users export and import vs psql \copy, same server, same run: `node bench/transfer.ts --users 300000,1000000`
// (after `npm run build`). Export: `cabinet users export --ndjson` vs `psql \copy users to FILE`. Import into
// an empty, migrated users table (the same indexes): `cabinet users import FILE --yes` (which also writes one
// user_revisions row per user; into this empty table it drops the secondary indexes and builds them after the load, and the
// live_notify trigger stays quiet for it, while psql fires it per row) vs `psql \copy users from FILE` (--import-runs, default 1: they are long). Runs alternate cabinet and psql so a busy
// machine slows both alike; the median of --runs is reported as rows/s and as a ratio (cabinet/psql
// throughput, above 1 means cabinet is faster). Raw figures: bench/transfer-latest.json.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { ensureEmbeddedServer } from '../src/db/embedded.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { values } = parseArgs({
  options: {
    users: { type: 'string', default: '300000,1000000' },
    runs: { type: 'string', default: '3' },
    'import-runs': { type: 'string', default: '1' },
    only: { type: 'string', default: 'export,import' },
    // Another build of cabinet (bin/cabinet of an older checkout) timed in the same run, for before/after.
    baseline: { type: 'string' },
  },
});
const userCounts = values.users.split(',').map(Number);
const runs = Number(values.runs);
const importRuns = Number(values['import-runs']);
const only = new Set(values.only.split(','));
const cabinet = path.join(root, 'bin', 'cabinet');
const tmp = path.join(root, '.tmp');
fs.mkdirSync(tmp, { recursive: true });

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)] ?? NaN;

/** Wall time of one run in ms; throws with stderr when the command fails. */
function time(cmd: string, args: string[], env: NodeJS.ProcessEnv): number {
  const t = process.hrtime.bigint();
  const r = spawnSync(cmd, args, { env, stdio: ['ignore', 'ignore', 'pipe'], maxBuffer: 1 << 26 });
  const ms = Number(process.hrtime.bigint() - t) / 1e6;
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed: ${r.stderr.toString().trim()}`);
  return ms;
}

const server = await ensureEmbeddedServer({ root: path.join(tmp, 'bench-pg'), log: (l) => console.error(l) });
const admin = new pg.Client({ host: server.socketDir, port: server.port, user: server.user, database: 'postgres' });
await admin.connect();
const urlOf = (db: string) => `postgres://${server.user}@/${db}?host=${encodeURIComponent(server.socketDir)}&port=${server.port}`;
const psqlArgs = (db: string, command: string) => ['-h', server.socketDir, '-p', String(server.port), '-U', server.user, '-d', db, '-Xqc', command];
const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1' };
delete env.CI;

/** The benchmark's users table (the same rows as bench/run.ts builds), created once and kept. */
async function ensureDatabase(n: number): Promise<string> {
  const db = `bench_${n}`;
  const exists = (await admin.query('select 1 from pg_database where datname = $1', [db])).rowCount !== 0;
  if (!exists) await admin.query(`create database ${db}`);
  time(cabinet, ['migrate'], { ...env, DATABASE_URL: urlOf(db) });
  if (!exists) {
    console.error(`building ${db}: ${n} users…`);
    const c = new pg.Client({ host: server.socketDir, port: server.port, user: server.user, database: db });
    await c.connect();
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
  return db;
}

/** An empty, migrated copy of the schema for the imports. */
async function scratchDatabase(name: string): Promise<string> {
  await admin.query(`drop database if exists ${name} with (force)`);
  await admin.query(`create database ${name}`);
  time(cabinet, ['migrate'], { ...env, DATABASE_URL: urlOf(name) });
  return name;
}

const results: Record<string, unknown> = {
  date: new Date().toISOString(),
  machine: `${os.cpus().length} × ${os.cpus()[0]?.model ?? '?'}, load ${os.loadavg()[0]!.toFixed(1)}`,
  runs,
  import_runs: importRuns,
};
const line = (label: string, n: number, cab: number[], psql: number[], base: number[]) => {
  const c = median(cab);
  const p = median(psql);
  const b = median(base);
  const rate = (ms: number) => Math.round(n / (ms / 1000)).toLocaleString('en');
  const before = base.length ? `  baseline ${rate(b).padStart(9)} rows/s (${(b / 1000).toFixed(2)} s, ${(p / b).toFixed(2)}×)` : '';
  console.log(`${label.padEnd(8)} ${String(n).padStart(8)}  cabinet ${rate(c).padStart(9)} rows/s (${(c / 1000).toFixed(2)} s)  psql ${rate(p).padStart(9)} rows/s (${(p / 1000).toFixed(2)} s)  ratio ${(p / c).toFixed(2)}×${before}`);
  return { cabinet_ms: cab, psql_ms: psql, ratio: p / c, ...(base.length ? { baseline_ms: base, baseline_ratio: p / b } : {}) };
};

for (const n of userCounts) {
  const db = await ensureDatabase(n);
  const url = urlOf(db);
  const ndjson = path.join(tmp, `transfer-${n}.ndjson`);
  const copyFile = path.join(tmp, `transfer-${n}.copy`);
  const r: Record<string, unknown> = {};
  results[`n${n}`] = r;
  if (only.has('export') || only.has('import')) {
    const cab: number[] = [];
    const psql: number[] = [];
    const base: number[] = [];
    for (let i = 0; i < runs; i++) {
      cab.push(time(cabinet, ['users', 'export', '--ndjson', '--output', ndjson], { ...env, DATABASE_URL: url }));
      psql.push(time('psql', psqlArgs(db, `\\copy users to '${copyFile}'`), env));
      if (values.baseline) base.push(time(values.baseline, ['users', 'export', '--ndjson', '--output', `${ndjson}.base`], { ...env, DATABASE_URL: url }));
    }
    fs.rmSync(`${ndjson}.base`, { force: true });
    if (only.has('export')) r.export = line('export', n, cab, psql, base);
  }
  if (only.has('import')) {
    const cab: number[] = [];
    const psql: number[] = [];
    const base: number[] = [];
    for (let i = 0; i < importRuns; i++) {
      const scratch = await scratchDatabase(`bench_transfer_import`);
      cab.push(time(cabinet, ['users', 'import', ndjson, '--yes'], { ...env, DATABASE_URL: urlOf(scratch) }));
      await scratchDatabase(scratch);
      psql.push(time('psql', psqlArgs(scratch, `\\copy users from '${copyFile}'`), env));
      if (values.baseline) {
        await scratchDatabase(scratch);
        base.push(time(values.baseline, ['users', 'import', ndjson, '--yes'], { ...env, DATABASE_URL: urlOf(scratch) }));
      }
    }
    await admin.query('drop database if exists bench_transfer_import with (force)');
    r.import = line('import', n, cab, psql, base);
  }
  fs.rmSync(ndjson, { force: true });
  fs.rmSync(copyFile, { force: true });
}
await admin.end();
fs.writeFileSync(path.join(root, 'bench', 'transfer-latest.json'), JSON.stringify(results, null, 2) + '\n');
