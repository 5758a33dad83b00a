import { domainForDisplay } from '../../schema/field-rules.ts';
export { listedDomain, mixedScriptWarning } from '../../services/validation/domain-scripts.ts';

/**
 * A stored domain as people read it: the Unicode form of a punycode (A-label) domain only when it reads
 * back to exactly what is stored (domainForDisplay), so a row written by psql or n8n never looks like
 * another domain than it is. The caller sanitises the result.
 */
export function shownDomain(stored: string): string {
  return domainForDisplay(stored);
}
