import { describe, expect, it } from 'vitest';
import { shownDomain } from '../../src/ui/text/domain.ts';

describe('how a stored domain is shown', () => {
  it('a punycode domain shows in Unicode, because that reads back as exactly what is stored', () => {
    expect(shownDomain('xn--mnchen-3ya.de')).toBe('münchen.de');
    expect(shownDomain('acme.de')).toBe('acme.de');
  });

  it('a domain written outside cabinet that Unicode mapping would change is shown as stored, hidden characters included', () => {
    // UTS 46 would drop the zero-width space and lower-case the rest: another domain than the row holds.
    expect(shownDomain('dom-A\u200bZ.example')).toBe('dom-A\u200bZ.example');
    expect(shownDomain('ACME.de')).toBe('ACME.de');
    expect(shownDomain('evil\u001b[2J.de')).toBe('evil\u001b[2J.de');
  });
});
