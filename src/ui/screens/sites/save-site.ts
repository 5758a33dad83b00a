import type { SiteChange, SiteInput, SiteRecord, SiteService } from '../../../services/types.ts';

/**
 * The edit's one write. It always passes the version the edit started from, so the service refuses a write
 * over a row that changed since (CabinetError code `stale`, or `gone` when deleted); `force` is the
 * person's choice to overwrite knowingly; the note goes into the site's history.
 */
export interface SaveRequest {
  original: SiteRecord;
  patch: Partial<SiteInput>;
  note?: string;
  force?: boolean;
  /** The person confirmed (M on the review) that a domain mixing scripts is meant. */
  allowMixedScript?: boolean;
}

export function saveSite(sites: SiteService, request: SaveRequest): Promise<SiteChange> {
  const note = request.note?.trim();
  return sites.update(request.original.siteId, request.patch, {
    expectedVersion: request.original.version,
    ...(request.force ? { force: true } : {}),
    ...(request.allowMixedScript ? { allowMixedScript: true } : {}),
    ...(note ? { note } : {}),
  });
}

/** The code of a service error (CabinetError), if any. */
export function errorCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

/** The database could not be reached: the edit waits for it to come back and is saved on request. */
export function isUnreachable(error: unknown): boolean {
  const code = errorCode(error);
  return code === 'db-down' || code === 'db-timeout';
}

/** One line for a service error: its message and hint (CabinetError.line). */
export function errorLine(error: unknown): string {
  const e = error as { line?: string; message?: string } | null;
  return e?.line ?? e?.message ?? String(error);
}
