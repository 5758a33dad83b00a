import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { binCabinet, type RunResult } from './cli.ts';

/**
 * A private network namespace (only `lo`) with its own /etc/resolv.conf pointing at the hostile DNS
 * server of dns-responder.ts. Programs run in it under `strace -f -e trace=connect`, so a test can say
 * where they tried to connect: no packet can leave the namespace, whatever the program does.
 * Needs root (unshare), strace and nsenter (util-linux); .ci/run installs strace.
 */
/**
 * Whether this run may make a private network namespace: root may; an unprivileged user (npm test in a
 * checkout of one's own) may not, and those tests are skipped rather than failed. CI runs as root.
 */
export const privateNetworkAvailable = spawnSync('unshare', ['-n', '-m', '--', 'true']).status === 0 && spawnSync('strace', ['-V']).status === 0;

export interface Connect {
  family: 'AF_INET' | 'AF_INET6';
  address: string;
  port: number;
}

export interface PrivateNetwork {
  /** Every question the DNS server was asked so far: `NAME TYPE ACTION`. */
  queries(): string[];
  /** `command` inside the namespace, under strace writing to `traceFile` (for tmux panes). */
  enter(traceFile: string, command: string[]): string[];
  /** Runs the real bin/cabinet inside the namespace; `connects` are its TCP/UDP connect() calls. */
  cabinet(args: string[], env: NodeJS.ProcessEnv, timeoutMs?: number): Promise<RunResult & { connects: Connect[] }>;
  /** A temporary file path for a trace. */
  traceFile(): string;
  close(): void;
}

const responder = path.join(path.dirname(fileURLToPath(import.meta.url)), 'dns-responder.ts');

/** The IPv4/IPv6 connect() calls in an strace log, whatever their result. */
export function connectsIn(traceFile: string): Connect[] {
  const text = fs.existsSync(traceFile) ? fs.readFileSync(traceFile, 'utf8') : '';
  const connects: Connect[] = [];
  for (const line of text.split('\n')) {
    if (!/connect\(/.test(line)) continue;
    const v4 = /sa_family=AF_INET, sin_port=htons\((\d+)\), sin_addr=inet_addr\("([^"]+)"\)/.exec(line);
    if (v4) connects.push({ family: 'AF_INET', address: v4[2]!, port: Number(v4[1]) });
    const v6 = /sa_family=AF_INET6, sin6_port=htons\((\d+)\).*inet_pton\(AF_INET6, "([^"]+)"/.exec(line);
    if (v6) connects.push({ family: 'AF_INET6', address: v6[2]!, port: Number(v6[1]) });
  }
  return connects;
}

export async function startPrivateNetwork(): Promise<PrivateNetwork> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cabinet-netns-'));
  const resolvConf = path.join(dir, 'resolv.conf');
  // One try, one second: a SERVFAIL or silence is final for this lookup (glibc would otherwise retry).
  fs.writeFileSync(resolvConf, 'nameserver 127.0.0.1\noptions timeout:1 attempts:1\n');
  const setup = `ip link set lo up && mount --bind "$1" /etc/resolv.conf && exec "$2" "$3"`;
  const child: ChildProcess = spawn('unshare', ['-n', '-m', '--', 'sh', '-c', setup, 'sh', resolvConf, process.execPath, responder], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  await new Promise<void>((resolve, reject) => {
    let buffered = '';
    child.stdout!.on('data', (d: Buffer) => {
      buffered += d.toString();
      let nl: number;
      while ((nl = buffered.indexOf('\n')) >= 0) {
        const line = buffered.slice(0, nl);
        buffered = buffered.slice(nl + 1);
        if (line === 'ready') resolve();
        else if (line.startsWith('query ')) lines.push(line.slice(6));
      }
    });
    child.on('exit', (code) => reject(new Error(`the private network did not start (exit ${code}): ${stderr.trim()}`)));
  });
  let traces = 0;
  const network: PrivateNetwork = {
    queries: () => [...lines],
    enter: (traceFile, command) => [
      'nsenter', '-t', String(child.pid), '-n', '-m', '--',
      'strace', '-f', '-qq', '--seccomp-bpf', '-e', 'trace=connect', '-o', traceFile, ...command,
    ],
    traceFile: () => path.join(dir, `trace-${++traces}.txt`),
    cabinet(args, env, timeoutMs = 30_000) {
      const traceFile = network.traceFile();
      const [command, ...rest] = network.enter(traceFile, [binCabinet, ...args]);
      return new Promise((resolve, reject) => {
        const run = spawn(command!, rest, { env, stdio: ['ignore', 'pipe', 'pipe'] });
        let stdout = '';
        let err = '';
        run.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
        run.stderr.on('data', (d: Buffer) => (err += d.toString()));
        const timer = setTimeout(() => run.kill('SIGKILL'), timeoutMs);
        run.on('error', reject);
        run.on('close', (code) => {
          clearTimeout(timer);
          resolve({ code, stdout, stderr: err, connects: connectsIn(traceFile) });
        });
      });
    },
    close() {
      child.kill('SIGKILL');
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
  return network;
}
