import fs from 'node:fs';
import net from 'node:net';

/** How the process tree is read: injectable for tests; Linux's /proc by default. */
export interface ProcessTree {
  parentOf(pid: number): number | undefined;
  /** The process's environment, or undefined when it cannot be read (another user's, gone, no /proc). */
  environOf(pid: number): Record<string, string> | undefined;
}

export const procTree: ProcessTree = {
  parentOf(pid) {
    try {
      // The command name (field 2) is in parentheses and may hold spaces: the fields after the last ')' are safe.
      const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      return Number.isInteger(ppid) && ppid > 0 ? ppid : undefined;
    } catch {
      return undefined;
    }
  },
  environOf(pid) {
    try {
      const raw = fs.readFileSync(`/proc/${pid}/environ`, 'utf8');
      const env: Record<string, string> = {};
      for (const entry of raw.split('\0')) {
        const eq = entry.indexOf('=');
        if (eq > 0) env[entry.slice(0, eq)] = entry.slice(eq + 1);
      }
      return env;
    } catch {
      return undefined;
    }
  },
};

/** The client address of an SSH session from its environment variables (only when it is an IP address). */
export function sshAddressIn(env: Readonly<Record<string, string | undefined>>): string | undefined {
  for (const name of ['SSH_CLIENT', 'SSH_CONNECTION']) {
    const first = env[name]?.trim().split(/\s+/)[0];
    if (first && net.isIP(first)) return first;
  }
  return undefined;
}

/**
 * The SSH client address of the session this process runs in, looked for in the environments of its
 * ancestors: `sudo` resets the environment (SSH_CLIENT is gone in cabinet's own), but the login shell it
 * was started from still has it. At most `maxDepth` generations up; undefined when none is readable.
 */
export function sshAddressOfAncestors(pid: number, tree: ProcessTree = procTree, maxDepth = 12): string | undefined {
  let current = tree.parentOf(pid);
  for (let depth = 0; current !== undefined && current > 1 && depth < maxDepth; depth++) {
    const env = tree.environOf(current);
    const address = env ? sshAddressIn(env) : undefined;
    if (address) return address;
    current = tree.parentOf(current);
  }
  return undefined;
}
