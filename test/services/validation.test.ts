import { describe, expect, it } from 'vitest';
import * as f from '../../src/schema/field-rules.ts';
import { PROMPT_MAX_CHARS } from '../../src/schema/limits.ts';
import { suggestSiteId, validateSite, validateSitePatch } from '../../src/services/validation/site-input.ts';
import { validateUser } from '../../src/services/validation/user-input.ts';

const value = <T>(r: f.FieldResult<T>) => (r.ok ? r.value : `ERR ${r.error}`);

describe('field validation', () => {
  it('stores domains as lower-case A-labels and shows them in Unicode', () => {
    expect(value(f.domain('Acme.DE'))).toBe('acme.de');
    expect(value(f.domain('münchen.de'))).toBe('xn--mnchen-3ya.de');
    expect(value(f.domain('пример.рф'))).toBe('xn--e1afmkfd.xn--p1ai');
    expect(f.domainForDisplay('xn--mnchen-3ya.de')).toBe('münchen.de');
    // Written outside cabinet: shown as stored, not as what IDNA mapping would turn it into.
    expect(f.domainForDisplay('ACME.de')).toBe('ACME.de');
    expect(f.domainForDisplay('ac\u200bme.de')).toBe('ac\u200bme.de');
    expect(value(f.domain('shop.acme.de.'))).toBe('shop.acme.de');
  });

  it('refuses a scheme, a path, a port, an IP, a single label and over-long labels', () => {
    expect(value(f.domain('https://acme.de'))).toMatch(/without a scheme/);
    expect(value(f.domain('acme.de/shop'))).toMatch(/without a path/);
    expect(value(f.domain('acme.de:8080'))).toMatch(/without a port/);
    expect(value(f.domain('10.1.2.3'))).toMatch(/not an IP address/);
    expect(value(f.domain('localhost'))).toMatch(/two labels/);
    expect(value(f.domain(`${'a'.repeat(64)}.de`))).toMatch(/longer than 63/);
    expect(value(f.domain(`${'abcdefghi.'.repeat(26)}de`))).toMatch(/longer than 253/);
    expect(value(f.domain('acme_shop.de'))).toMatch(/letters, digits and inner hyphens|not a valid host name/);
    expect(value(f.domain('ac me.de'))).toMatch(/spaces/);
    expect(value(f.domain(''))).toMatch(/required/);
  });

  it('canonicalises BCP 47 language tags and rejects junk', () => {
    expect(value(f.language('EN'))).toBe('en');
    expect(value(f.language('pt-br'))).toBe('pt-BR');
    expect(value(f.language('zh-hant-tw'))).toBe('zh-Hant-TW');
    expect(value(f.language('english please'))).toMatch(/BCP 47/);
    expect(value(f.language('x'))).toMatch(/BCP 47/);
  });

  it('validates emails with the HTML pattern and the 254-character limit', () => {
    expect(value(f.email(' anna@example.com '))).toBe('anna@example.com');
    expect(value(f.email('anna@'))).toMatch(/not a valid address/);
    expect(value(f.email('an na@example.com'))).toMatch(/not a valid address/);
    expect(value(f.email(`${'a'.repeat(64)}@${'b'.repeat(60)}.${'c'.repeat(60)}.${'d'.repeat(60)}.${'e'.repeat(10)}.com`))).toMatch(/254/);
  });

  it('refuses control characters in one-line fields, NUL and lone surrogates anywhere', () => {
    expect(value(f.brandName('ACME\u001b[2J'))).toMatch(/control characters/);
    expect(value(f.brandName('AC\u202eME'))).toMatch(/invisible or bidi/);
    expect(value(f.aiPrompt('hello\u0000world'))).toMatch(/NUL byte/);
    expect(value(f.aiPrompt('broken \ud800 pair'))).toMatch(/unpaired surrogate/);
    expect(value(f.aiPrompt('line one\r\nline two\rthree'))).toBe('line one\nline two\nthree');
    expect(value(f.aiPrompt('x'.repeat(PROMPT_MAX_CHARS + 1)))).toMatch(/longer than 100,000/);
  });
});

describe('site and user input', () => {
  it('normalises a whole site and defaults the language to en', () => {
    expect(validateSite({ siteId: 'acme-de', domain: 'ACME.de', brandName: ' ACME ', aiPrompt: 'Hi' })).toEqual({
      siteId: 'acme-de',
      domain: 'acme.de',
      aiScriptId: null,
      aiPrompt: 'Hi',
      brandName: 'ACME',
      language: 'en',
      hubspotPipeline: null,
      hubspotStage: null,
    });
  });

  it('reports every bad field at once, by field', () => {
    try {
      validateSite({ siteId: 'Bad Id', domain: 'http://x', brandName: '' });
      expect.unreachable();
    } catch (error) {
      const e = error as { fields: Record<string, string>; message: string; exitCode: number };
      expect(Object.keys(e.fields).sort()).toEqual(['brandName', 'domain', 'siteId']);
      expect(e.message).toMatch(/^invalid site: .*\(and 2 more\)$/);
      expect(e.exitCode).toBe(1);
    }
  });

  it('does not let a patch change the site id', () => {
    expect(() => validateSitePatch({ siteId: 'other' })).toThrow(/cannot be changed/);
    expect(validateSitePatch({ language: 'de-de' })).toEqual({ language: 'de-DE' });
  });

  it('suggests a site id from a domain', () => {
    expect(suggestSiteId('www.Acme.de')).toBe('acme-de');
    expect(suggestSiteId('münchen.de')).toBe('xn-mnchen-3ya-de');
  });

  it('defaults a new user to first seen = last seen = now', () => {
    const now = new Date('2026-11-23T10:00:00Z');
    expect(validateUser({ userId: '312909075212468632', email: 'anna@example.com' }, now)).toEqual({
      userId: '312909075212468632',
      email: 'anna@example.com',
      firstSeen: now,
      lastSeen: now,
    });
    expect(() => validateUser({ userId: 'has space', email: 'x' })).toThrow(/invalid user/);
  });
});
