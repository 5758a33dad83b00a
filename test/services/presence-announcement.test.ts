import { describe, expect, it } from 'vitest';
import { applicationName, claimStatement, parseApplicationName, parseClaimStatement } from '../../src/presence/announcement.ts';
import { identityOf } from '../../src/presence/identity.ts';
import { presenceKey } from '../../src/presence/presence-key.ts';

const since = new Date('2026-11-30T10:02:05Z');

describe('presence announcements', () => {
  it('the statement carries every announcement as ASCII JSON that reads back as written, and no value can end its literal', () => {
    const claims = [
      { kind: 'site' as const, id: `a'b */ \\ ü 🎉`, who: `o'brien`, from: '100.101.2.3', since, namespace: 0x63616273, key: presenceKey(`a'b */ \\ ü 🎉`) },
      { kind: 'user' as const, id: 'u-1', who: 'x', from: 'h', since, namespace: 0x63616275, key: presenceKey('u-1') },
    ];
    const sql = claimStatement(claims);
    expect(sql).toMatch(/^select pg_try_advisory_xact_lock_shared\(1667326579, -?\d+\), pg_try_advisory_xact_lock_shared\(1667326581, -?\d+\) as cabinet_presence, '[\x20-\x7e]*' as announcement$/);
    // One literal: the only quotes are its own two.
    expect(sql.split("'")).toHaveLength(3);
    expect(parseClaimStatement(sql)).toEqual([
      { kind: 'site', id: `a'b */ \\ ü 🎉`, who: `o'brien`, from: '100.101.2.3', since },
      { kind: 'user', id: 'u-1', who: 'x', from: 'h', since },
    ]);
    // Not ours, hidden, or broken: nothing.
    expect(parseClaimStatement('<insufficient privilege>')).toEqual([]);
    expect(parseClaimStatement(null)).toEqual([]);
    expect(parseClaimStatement("select 1 as cabinet_presence, '{nope' as announcement")).toEqual([]);
  });

  it('application_name: ASCII, at most 63 bytes, a cut name marked; read back to the second', () => {
    const short = applicationName({ who: 'boris', from: '100.101.2.3', since });
    expect(short).toMatch(/^cabinet [0-9a-z]+ 100\.101\.2\.3 boris$/);
    expect(parseApplicationName(short)).toEqual({ who: 'boris', from: '100.101.2.3', since });
    const long = applicationName({ who: 'Jürgen Müller-Lüdenscheidt (sudo as root) the longest name', from: 'fd7a:115c:a1e0::1', since });
    expect(Buffer.byteLength(long)).toBe(63);
    expect(long).toMatch(/^[\x20-\x7e]+~$/);
    expect(parseApplicationName(long)).toMatchObject({ who: expect.stringMatching(/^J\?rgen M\?ller.*…$/), from: 'fd7a:115c:a1e0::1' });
    expect(parseApplicationName('psql')).toBeNull();
  });

  it('who and from: the actor\'s SSH address when it names one, else this host', () => {
    expect(identityOf('alice (sudo as root) from 100.101.102.103', 'bastion')).toEqual({ who: 'alice (sudo as root)', from: '100.101.102.103' });
    expect(identityOf('deploy from CI', 'bastion')).toEqual({ who: 'deploy from CI', from: 'bastion' });
    expect(identityOf('alice', 'bastion')).toEqual({ who: 'alice', from: 'bastion' });
  });
});
