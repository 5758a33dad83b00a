import { spawn } from 'node:child_process';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../helpers/db.ts';
import { cleanEnv, repoRoot, runCabinet } from '../helpers/cli.ts';

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
});
