import { useMemo } from 'react';
import type { SiteRecord } from '../../../services/types.ts';
import { SITE_FIELD_LABELS, SITE_INPUT_FIELDS } from '../../../schema/site-schema.ts';
import { useServices } from '../../services-context.tsx';
import { lastChangeOf, movedText, useRowMoved } from '../../live/use-row-moved.ts';

/** What a person gives a site (not its version or times), by label: what "changed …: prompt" names. */
const LABELS = Object.fromEntries(SITE_INPUT_FIELDS.map((f) => [f, SITE_FIELD_LABELS[f]])) as Partial<Record<keyof SiteRecord, string>>;

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
  const moved = useRowMoved('sites', base.siteId, base, read, LABELS);
  if (!moved) return null;
  return `⚠ ${movedText(moved)}; Ctrl-S will ${moved.row === null ? 'offer to re-create it' : 'show the conflict'}`;
}
