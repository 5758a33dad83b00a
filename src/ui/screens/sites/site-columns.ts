import type { SiteSummary, SiteSortKey } from '../../../services/types.ts';
import { listedDomain } from '../../text/domain.ts';
import { sanitizeLine } from '../../../lib/sanitize.ts';
import type { Column } from '../../components/table.tsx';
import { formatCount, formatDateTime } from '../../text/format.ts';

/** The sites table: column ids are the service's sort keys, so `s` cycles through what is shown. */
export const siteColumns: Column<SiteSummary>[] = [
  { id: 'siteId', header: 'SITE ID', flex: 2, min: 10, priority: 9, cell: (s) => sanitizeLine(s.siteId) },
  // Stored as punycode A-labels; people read the Unicode form, marked when a label mixes scripts (UTS 39).
  { id: 'domain', header: 'DOMAIN', flex: 3, min: 12, priority: 8, cell: (s) => sanitizeLine(listedDomain(s.domain)) },
  { id: 'brandName', header: 'BRAND', flex: 2, min: 8, priority: 7, cell: (s) => sanitizeLine(s.brandName) },
  { id: 'language', header: 'LANG', width: 6, priority: 5, optional: true, cell: (s) => sanitizeLine(s.language) },
  { id: 'promptChars', header: 'PROMPT', width: 7, align: 'right', priority: 4, optional: true, cell: (s) => formatCount(s.promptChars) },
  { id: 'createdAt', header: 'CREATED', width: 16, priority: 3, optional: true, cell: (s) => formatDateTime(s.createdAt) },
];

export const siteSortKeys: readonly SiteSortKey[] = ['siteId', 'domain', 'brandName', 'language', 'promptChars', 'createdAt'];
