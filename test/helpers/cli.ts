import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const binCabinet = path.join(repoRoot, 'bin', 'cabinet');

export interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** An environment with no database settings at all, so a test says exactly where cabinet connects. */
export function cleanEnv(extra: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (/^(PG|CABINET_|DATABASE_URL$|CI$|VITEST|NODE_OPTIONS$)/.test(k)) continue;
    env[k] = v;
  }
  env.NO_COLOR = '1';
  // What cabinet keeps per user (the --debug log, drafts) goes to the run's scratch space, not the real home.
  const scratch = process.env.CABINET_TEST_SCRATCH;
  if (scratch && !env.XDG_STATE_HOME?.startsWith(scratch)) env.XDG_STATE_HOME = path.join(scratch, 'state');
  for (const [k, v] of Object.entries(extra)) if (v !== undefined) env[k] = v;
  return env;
}

/** Runs the real `bin/cabinet` (the built bundle on the project's Node), as a shell user would. */
export function runCabinet(args: string[], options: { env?: NodeJS.ProcessEnv; input?: string | Buffer; cwd?: string; timeoutMs?: number } = {}): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(binCabinet, args, { env: options.env ?? cleanEnv(), cwd: options.cwd ?? repoRoot, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 60_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
    if (options.input !== undefined) child.stdin.end(options.input);
    else child.stdin.end();
  });
}
