import type { SiteChange, SiteInput, SiteRecord, SiteService } from '../../../services/types.ts';

/**
 * The edit's one write. It passes the version the edit started from and an optional note: the sites
 * service (issue 4) refuses a write over a row that changed since (CabinetError code `stale`, or `gone`
 * when deleted) and records the note in the history. A service without those options ignores them.
 */
export interface SaveRequest {
  original: SiteRecord;
  patch: Partial<SiteInput>;
  note?: string;
}

type UpdateWithOptions = (siteId: string, patch: Partial<SiteInput>, options?: { expectedVersion?: number; note?: string }) => Promise<SiteChange>;

export function saveSite(sites: SiteService, request: SaveRequest): Promise<SiteChange> {
  const version = (request.original as { version?: number }).version;
  const options = {
    ...(typeof version === 'number' ? { expectedVersion: version } : {}),
    ...(request.note ? { note: request.note } : {}),
  };
  return (sites.update as UpdateWithOptions).call(sites, request.original.siteId, request.patch, options);
}

/** Service errors the edit survives: the draft is kept and the person decides what to do. */
export function isConflict(error: unknown): boolean {
  const code = (error as { code?: string } | null)?.code;
  return code === 'stale' || code === 'conflict' || code === 'gone';
}
