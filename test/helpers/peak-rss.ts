import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { binCabinet, cleanEnv, type RunResult } from './cli.ts';

/**
 * The real `bin/cabinet` (bin/cabinet execs Node in its own process), run as a child of python3, which
 * reads the kernel's account of the child's peak resident set when it ends (getrusage RUSAGE_CHILDREN,
 * ru_maxrss: what /proc/PID/status calls VmHWM, taken at exit rather than sampled, so no late peak slips
 * between two looks).
 */
const REPORTER = `import resource, subprocess, sys
code = subprocess.run(sys.argv[2:]).returncode
open(sys.argv[1], 'w').write(str(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss))
sys.exit(code)`;

export interface PeakRun extends RunResult {
  /** Peak resident set of the cabinet process, KiB. */
  peakKiB: number;
}

export function runCabinetPeak(args: string[], options: { env?: NodeJS.ProcessEnv; cwd?: string; timeoutMs?: number } = {}): Promise<PeakRun> {
  const report = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'cabinet-rss-')), 'peak');
  return new Promise((resolve, reject) => {
    const child = spawn('python3', ['-c', REPORTER, report, binCabinet, ...args], { env: options.env ?? cleanEnv(), cwd: options.cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 120_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      const peakKiB = Number(fs.readFileSync(report, 'utf8'));
      fs.rmSync(path.dirname(report), { recursive: true, force: true });
      resolve({ code, stdout, stderr, peakKiB });
    });
  });
}
