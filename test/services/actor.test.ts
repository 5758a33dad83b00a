import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { sshAddressOfAncestors, type ProcessTree } from '../../src/lib/ssh-origin.ts';
import { resolveActor, sshClientAddress } from '../../src/services/actor.ts';
import { repoRoot } from '../helpers/cli.ts';

describe('actor: who a change is recorded for', () => {
  it('is the OS user when nothing else is known', () => {
    expect(resolveActor({ env: {}, osUser: 'alice' })).toBe('alice');
  });

  it('falls back to USER when the OS user is unknown, and to "unknown" after that', () => {
    expect(resolveActor({ env: { USER: 'bob' } })).toBe('bob');
    expect(resolveActor({ env: {} })).toBe('unknown');
  });

  it('names the person behind sudo first: "alice (sudo as root)"', () => {
    expect(resolveActor({ env: { SUDO_USER: 'alice' }, osUser: 'root' })).toBe('alice (sudo as root)');
  });

  it('adds the SSH client address from SSH_CLIENT or SSH_CONNECTION', () => {
    expect(resolveActor({ env: { SSH_CLIENT: '100.101.102.103 51234 22' }, osUser: 'alice' })).toBe('alice from 100.101.102.103');
    expect(resolveActor({ env: { SSH_CONNECTION: 'fd7a:115c:a1e0::1 51234 fd7a:115c:a1e0::2 22' }, osUser: 'alice' })).toBe(
      'alice from fd7a:115c:a1e0::1',
    );
  });

  it('ignores an SSH variable that does not start with an IP address', () => {
    expect(sshClientAddress({ SSH_CLIENT: '$(reboot) 1 22' })).toBeUndefined();
    expect(resolveActor({ env: { SSH_CLIENT: 'evil\u001b]0;x\u0007 1 22' }, osUser: 'alice' })).toBe('alice');
  });

  it('uses --actor as given, with the SSH address', () => {
    expect(resolveActor({ flag: 'n8n-import', env: { SUDO_USER: 'alice', SSH_CLIENT: '100.64.0.9 1 22' }, osUser: 'root' })).toBe(
      'n8n-import from 100.64.0.9',
    );
  });

  it('refuses an --actor with control characters as a usage error', () => {
    expect(() => resolveActor({ flag: 'x\u001b[2Jy', env: {} })).toThrow(/invalid --actor/);
    expect(() => resolveActor({ flag: '   ', env: {} })).toThrow(/actor is required/);
  });

  it('shows control characters in SUDO_USER escaped instead of storing them raw, and cuts long names', () => {
    const actor = resolveActor({ env: { SUDO_USER: 'eve\u001b]52;c;AAAA\u0007' }, osUser: 'root' });
    expect(actor).not.toMatch(/\u001b|\u0007/);
    expect(actor).toContain('\\x1b');
    expect(resolveActor({ env: {}, osUser: 'x'.repeat(500) }).length).toBeLessThanOrEqual(64);
  });
});

describe('the SSH address behind sudo', () => {
  /** A process tree: pid → [parent, environment or undefined when it cannot be read]. */
  const tree = (procs: Record<number, [number, Record<string, string> | undefined]>): ProcessTree => ({
    parentOf: (pid) => procs[pid]?.[0],
    environOf: (pid) => procs[pid]?.[1],
  });

  it('is found in the nearest ancestor whose environment has it (sudo reset cabinet’s own)', () => {
    const procs = tree({
      400: [300, {}], // cabinet
      300: [200, { SUDO_USER: 'alice' }], // sudo
      200: [100, undefined], // unreadable
      100: [1, { SSH_CONNECTION: '100.101.102.103 51234 100.64.0.1 22' }], // the login shell
    });
    expect(sshAddressOfAncestors(400, procs)).toBe('100.101.102.103');
    expect(sshAddressOfAncestors(400, procs, 2)).toBeUndefined();
    expect(sshAddressOfAncestors(400, tree({ 400: [300, {}], 300: [1, { SSH_CLIENT: 'not-an-address 1 22' }] }))).toBeUndefined();
  });

  it('goes into the actor when the environment has none', () => {
    expect(resolveActor({ env: { SUDO_USER: 'alice' }, osUser: 'root', inheritedSshAddress: '100.101.102.103' })).toBe('alice (sudo as root) from 100.101.102.103');
    expect(resolveActor({ env: { SSH_CLIENT: '100.64.0.9 1 22' }, osUser: 'alice', inheritedSshAddress: '100.101.102.103' })).toBe('alice from 100.64.0.9');
    expect(resolveActor({ env: {}, osUser: 'alice', inheritedSshAddress: 'evil\u001b[2J' })).toBe('alice');
  });

  it('a real process started with a cleared environment (as sudo does) finds its shell’s SSH_CLIENT', () => {
    const script = `import { processActor } from ${JSON.stringify(path.join(repoRoot, 'src/services/write-context.ts'))}; process.stdout.write(processActor());`;
    const r = spawnSync('sh', ['-c', 'env -i SUDO_USER=alice "$NODE" --input-type=module -e "$SCRIPT"; true'], {
      env: { ...process.env, SSH_CLIENT: '100.101.102.103 51234 22', NODE: process.execPath, SCRIPT: script },
      encoding: 'utf8',
    });
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(/^alice \(sudo as \S+\) from 100\.101\.102\.103$/);
  });
});
