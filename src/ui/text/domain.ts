import { domainToASCII } from 'node:url';
import { domainForDisplay } from '../../services/validation/fields.ts';

/**
 * A stored domain as people read it: the Unicode form of a punycode (A-label) domain, but only when that
 * is exactly what is stored, read back. UTS 46 mapping would otherwise lower-case and silently drop
 * characters (a zero-width space vanishes), so a row written by psql or n8n could look like another
 * domain than it is; anything that does not round-trip is shown as stored (and sanitised by the caller).
 */
export function shownDomain(stored: string): string {
  if (!/^[\x21-\x7e]+$/.test(stored)) return stored;
  const unicode = domainForDisplay(stored);
  return unicode !== stored && domainToASCII(unicode) !== stored ? stored : unicode;
}
