import { describe, expect, it } from 'vitest';
import { resolveActor, sshClientAddress } from '../../src/services/actor.ts';

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
