// Timing helpers of the benchmark: wall time of a command (median of runs), one long run with its peak RSS,
// and the console in a real pseudo-terminal (bench/pty-time.py).
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));

export function median(xs: number[]): number {
  const s = xs.filter((x) => !Number.isNaN(x)).sort((a, b) => a - b);
  return s.length ? s[Math.floor((s.length - 1) / 2)]! : NaN;
}

export function p95(xs: number[]): number {
  const s = xs.filter((x) => !Number.isNaN(x)).sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.ceil(s.length * 0.95) - 1)]! : NaN;
}

/** Wall time of a command in ms, median over `runs` (one warm-up run first); ok is false if any run failed. */
export function timeCommand(runs: number, cmd: string, args: string[], env: NodeJS.ProcessEnv, input?: string): { ms: number; ok: boolean; error?: string } {
  const once = () => {
    const t = process.hrtime.bigint();
    const r = spawnSync(cmd, args, { env, input, stdio: ['pipe', 'ignore', 'pipe'], maxBuffer: 1 << 30 });
    return { ms: Number(process.hrtime.bigint() - t) / 1e6, ok: r.status === 0, stderr: r.stderr?.toString().trim() ?? '' };
  };
  once();
  const samples: number[] = [];
  let error: string | undefined;
  for (let i = 0; i < runs; i++) {
    const r = once();
    if (!r.ok) error ??= r.stderr.split('\n').pop() || 'failed';
    samples.push(r.ms);
  }
  return { ms: median(samples), ok: error === undefined, ...(error ? { error } : {}) };
}

/** Wall time of one run in ms (NaN when the command failed) and the command's peak RSS in KiB. */
export function timeOnce(cmd: string, args: string[], env: NodeJS.ProcessEnv): { ms: number; rssKb: number } {
  // python3 (already needed for the pty drivers) reports the child's peak RSS from getrusage.
  const wrapper = 'import resource, subprocess, sys\nr = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL)\nprint(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, file=sys.stderr)\nsys.exit(r.returncode)';
  const t = process.hrtime.bigint();
  const r = spawnSync('python3', ['-c', wrapper, cmd, ...args], { env, stdio: ['ignore', 'ignore', 'pipe'], maxBuffer: 1 << 26 });
  const ms = Number(process.hrtime.bigint() - t) / 1e6;
  const lines = r.stderr?.toString().trim().split('\n') ?? [];
  const rssKb = Number(lines.pop());
  if (r.status !== 0) console.error(`${cmd} ${args.join(' ')} failed: ${lines.join(' ')}`);
  return { ms: r.status === 0 ? ms : NaN, rssKb };
}

export interface PtyResult {
  markers: Record<string, number | null>;
  peak_rss_kb: number | null;
}

/** The console in a 100×30 pty: seconds until each marker is on screen (`key:` types, `wait:` settles). */
export function ptyRun(command: string, markers: string[], env: NodeJS.ProcessEnv): PtyResult {
  const r = spawnSync('python3', [path.join(here, 'pty-time.py'), '100', '30', ...markers, '--', command], { env, encoding: 'utf8' });
  return JSON.parse(r.stdout.trim().split('\n').pop() || '{"markers":{},"peak_rss_kb":null}') as PtyResult;
}
