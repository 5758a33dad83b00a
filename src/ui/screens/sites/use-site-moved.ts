import { useMemo } from 'react';
import type { SiteRecord } from '../../../services/types.ts';
import { SITE_FIELD_LABELS } from '../../../services/validation/site-input.ts';
import { useServices } from '../../services-context.tsx';
import { lastChangeOf, movedText, useRowMoved } from '../../live/use-row-moved.ts';

/**
 * The site edit form's line when another writer saved or deleted the site meanwhile (issue #14.2):
 * "⚠ changed by boris 10 s ago: prompt; Ctrl-S will show the conflict". Null while the base is current.
 */
export function useSiteMoved(base: SiteRecord): string | null {
  const { sites, revisions } = useServices();
  const read = useMemo(
    () => ({
      get: (id: string) => sites.get(id),
      lastChange: async (id: string, row: SiteRecord | null) => lastChangeOf(await revisions.history(id, { limit: 1 }), row?.updatedAt ?? null),
    }),
    [sites, revisions],
  );
  const moved = useRowMoved('sites', base.siteId, base, read, SITE_FIELD_LABELS);
  if (!moved) return null;
  return `⚠ ${movedText(moved)}; Ctrl-S will ${moved.row === null ? 'offer to re-create it' : 'show the conflict'}`;
}
