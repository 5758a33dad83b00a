import { spawn } from 'node:child_process';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../helpers/db.ts';
import { cleanEnv, repoRoot, runCabinet } from '../helpers/cli.ts';
import { scratchRoot } from '../helpers/scratch.ts';

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase('mocli');
});
afterAll(async () => db.drop());

/** `npm run mikro-orm -- ARGS`: MikroORM's own CLI on cabinet's one configuration file. */
function mikroOrm(args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve, reject) => {
    const npmEnv = { ...env, PATH: `${path.join(repoRoot, 'node_modules', '.bin')}:${env.PATH ?? ''}` };
    const child = spawn('npm', ['run', '-s', 'mikro-orm', '--', ...args], { cwd: repoRoot, env: npmEnv });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, out }));
  });
}

describe("MikroORM's own CLI with mikro-orm.config.ts", () => {
  it('lists the same pending migrations as cabinet, and none after cabinet migrate', async () => {
    const env = cleanEnv({ DATABASE_URL: db.url });
    const before = await mikroOrm(['migration:pending'], env);
    expect(before.code).toBe(0);
    expect(before.out).toMatch(/initial_schema/);
    expect((await runCabinet(['migrate'], { env })).code).toBe(0);
    const after = await mikroOrm(['migration:pending'], env);
    expect(after.code).toBe(0);
    expect(after.out).toMatch(/No pending migrations/);
  });

  it("migration:up by MikroORM's CLI: status and doctor say no checksum is recorded, and cabinet migrate records them, saying so", async () => {
    const other = await createTestDatabase('mocli');
    try {
      const env = cleanEnv({ DATABASE_URL: other.url, CABINET_EMBEDDED_DIR: path.join(scratchRoot(), 'no-embedded') });
      const up = await mikroOrm(['migration:up'], env);
      expect(up.code, up.out).toBe(0);
      const status = await runCabinet(['migrate', 'status'], { env });
      expect(status.code, status.stderr).toBe(0);
      expect(status.stdout).toMatch(/applied {2}Migration\d+_initial_schema .*\(applied without cabinet: no checksum recorded yet; cabinet migrate records it\)/);
      const doctor = await runCabinet(['doctor'], { env });
      expect(doctor.stdout).toMatch(/^! migrations\s+all \d+ applied; \d+ without cabinet, with no checksum recorded/m);

      const migrate = await runCabinet(['migrate'], { env });
      expect(migrate.code, migrate.stderr).toBe(0);
      expect(migrate.stdout).toMatch(/Nothing to migrate/);
      expect(migrate.stderr).toMatch(/^cabinet: recorded the checksums of \d+ migrations applied without cabinet \(MikroORM's CLI\?\): Migration\d+_initial_schema, /);
      const again = await runCabinet(['migrate', 'status'], { env });
      expect(again.stdout).not.toMatch(/without cabinet/);
      expect((await runCabinet(['migrate'], { env })).stderr).toBe('');
    } finally {
      await other.drop();
    }
  });
});
