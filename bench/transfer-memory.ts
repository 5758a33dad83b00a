// Memory of users export and import as they run, on the benchmark's 1M-user database (build it first with
// `npm run bench`): the process's RSS and live JS heap every 100k rows. Run: node bench/transfer-memory.ts
// It shows what a peak-RSS figure cannot: whether memory grows with the rows (a leak, a buffered table)
// or levels off (V8 sizing its heap to the allocation rate, then staying there).
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { ensureEmbeddedServer } from '../src/db/embedded.ts';
import { initORM } from '../src/db/orm.ts';
import { openReadPool } from '../src/db/read-pool.ts';
import { readRecords } from '../src/lib/json-records.ts';
import { exportUsersJson } from '../src/services/transfer/user-export.ts';
import { UserTransfer } from '../src/services/transfer/user-transfer.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const database = process.argv[2] ?? 'bench_1000000';
const server = await ensureEmbeddedServer({ root: path.join(root, '.tmp', 'bench-pg'), log: (l) => console.error(l) });
const target = { source: 'DATABASE_URL' as const, host: server.socketDir, port: server.port, user: server.user, database, connectTimeoutSeconds: 5 };
const file = path.join(root, '.tmp', 'transfer-memory.ndjson');
const mib = (n: number) => `${(n / 2 ** 20).toFixed(0)} MiB`.padStart(8);
const sample = (phase: string, rows: number) => {
  const m = process.memoryUsage();
  console.log(`${phase} ${String(rows).padStart(8)} rows  rss ${mib(m.rss)}  heap used ${mib(m.heapUsed)}  buffers ${mib(m.arrayBuffers)}`);
};

const pool = await openReadPool(target);
const out = fs.createWriteStream(file, { highWaterMark: 1 << 20 });
let rows = 0;
let next = 0;
await exportUsersJson(pool.transaction, 'ndjson', async (text, n) => {
  if (!out.write(text)) await new Promise<void>((resolve) => out.once('drain', () => resolve()));
  rows += n;
  if (rows >= next) {
    sample('export', rows);
    next += 100_000;
  }
});
out.end();
await pool.close();

// The import reads, checks and COPYs every row and plans (against a copy of the database: every row is
// found unchanged); a dry run stops before the upsert, which happens in the server, not in this process.
const admin = new pg.Client({ host: server.socketDir, port: server.port, user: server.user, database: 'postgres' });
await admin.connect();
await admin.query('drop database if exists bench_memory_import with (force)');
await admin.query(`create database bench_memory_import template ${pg.escapeIdentifier(database)}`);
const orm = await initORM({ ...target, database: 'bench_memory_import' }, { statementTimeoutMs: 0 });
next = 0;
await new UserTransfer({ orm, target: { ...target, database: 'bench_memory_import' } }).import(readRecords(fs.createReadStream(file)), {
  dryRun: true,
  onProgress: (n) => {
    if (n >= next) {
      sample('import', n);
      next += 100_000;
    }
  },
});
await orm.close(true);
await admin.query('drop database if exists bench_memory_import with (force)');
await admin.end();
fs.rmSync(file, { force: true });
