import { describe, expect, it } from 'vitest';
import { domain, domainForDisplay } from '../../src/schema/field-rules.ts';
import { assertDomainScripts, listedDomain, mixedScriptLabel, mixedScriptWarning } from '../../src/services/validation/domain-scripts.ts';
import { CabinetError } from '../../src/lib/errors.ts';

const refused = (value: string) => {
  const r = domain(value);
  expect(r.ok, `${value} should be refused`).toBe(false);
  return r.ok ? '' : r.error;
};
const accepted = (value: string) => {
  const r = domain(value);
  expect(r, value).toMatchObject({ ok: true });
  return r.ok ? r.value : '';
};

describe('UTS 46 on domains (issue 16.4)', () => {
  it('refuses A-labels that are not punycode, or that decode to nothing IDNA allows', () => {
    expect(refused('xn--zz.com')).toBe('domain label "xn--zz" is not valid punycode (an xn-- label must decode to Unicode text that IDNA allows)');
    expect(refused('xn--a.com')).toMatch(/^domain label "xn--a" is not valid punycode/);
    expect(refused('shop.xn--abc.de')).toMatch(/^domain label "xn--abc" is not valid punycode/);
    // Decodes, but to text with a disallowed character.
    expect(refused('xn--www-ojb.com')).toMatch(/^domain label "xn--www-ojb" is not valid punycode/);
  });

  it('CheckHyphens: no leading or trailing hyphen, no -- in the 3rd and 4th place', () => {
    expect(refused('a-.com')).toBe('domain label "a-" starts or ends with a hyphen');
    expect(refused('-a.com')).toBe('domain label "-a" starts or ends with a hyphen');
    expect(refused('ab--c.com')).toBe('domain label "ab--c" has "--" in the 3rd and 4th place (reserved for xn-- labels)');
  });

  it('CheckJoiners and CheckBidi', () => {
    expect(refused('pay\u200dpal.com')).toBe('domain label "pay\u200dpal" has a zero-width joiner or non-joiner where IDNA allows none');
    expect(refused('שלוםabc.com')).toMatch(/right-to-left/);
    expect(refused('\u0301b.com')).toMatch(/starts with a combining mark/);
  });

  it('accepts real IDNs and stores their canonical A-labels; display reads them back', () => {
    expect(accepted('München.DE')).toBe('xn--mnchen-3ya.de');
    expect(accepted('xn--mnchen-3ya.de')).toBe('xn--mnchen-3ya.de');
    expect(accepted('пример.рф')).toBe('xn--e1afmkfd.xn--p1ai');
    expect(accepted('münchen\u3002de')).toBe('xn--mnchen-3ya.de');
    expect(accepted('مثال.com')).toBe('xn--mgbh0fb.com');
    expect(domainForDisplay('xn--e1afmkfd.xn--p1ai')).toBe('пример.рф');
    // A stored label that is not valid punycode is shown as stored, never decoded into something else.
    expect(domainForDisplay('xn--zz.com')).toBe('xn--zz.com');
  });
});

describe('UTS 39 mixed scripts in a label', () => {
  it('finds a Cyrillic or Greek letter among Latin ones', () => {
    const cyrillic = accepted('аpple.com');
    expect(cyrillic).toBe('xn--pple-43d.com');
    expect(mixedScriptLabel(cyrillic)).toEqual({ label: 'аpple', scripts: ['Cyrillic', 'Latin'] });
    expect(mixedScriptWarning(cyrillic)).toBe('label "аpple" mixes Cyrillic and Latin letters');
    expect(mixedScriptWarning(accepted('pαypal.com'))).toBe('label "pαypal" mixes Greek and Latin letters');
    expect(listedDomain(cyrillic)).toBe('аpple.com ⚠ mixed scripts');
  });

  it('single-script labels and the combinations UTS 39 allows are not marked', () => {
    for (const d of ['apple.com', 'münchen.de', 'пример.рф', 'παράδειγμα.gr', '日本語.jp', '東京tokyo.jp', 'ソニーsony.jp', '한국kr.com', 'example-123.com', '💩.la']) {
      expect(mixedScriptWarning(accepted(d)), d).toBeUndefined();
    }
  });

  it('a write of such a domain is refused unless it is confirmed as meant', () => {
    const error = (() => {
      try {
        assertDomainScripts('xn--pple-43d.com', false);
      } catch (e) {
        return e;
      }
    })() as CabinetError;
    expect(error).toBeInstanceOf(CabinetError);
    expect(error.code).toBe('mixed-script');
    expect(error.exitCode).toBe(1);
    expect(error.fields?.domain).toContain('mixes Cyrillic and Latin');
    expect(() => assertDomainScripts('xn--pple-43d.com', true)).not.toThrow();
    expect(() => assertDomainScripts('apple.com', false)).not.toThrow();
  });
});
