import { createContext, useCallback, useContext, useSyncExternalStore } from 'react';
import type { DraftState, DraftStore } from '../lib/drafts.ts';

/**
 * The draft store the edit screens write to on every change (src/lib/drafts.ts). run-console creates it
 * and flushes it on SIGHUP/SIGTERM; tests pass one on a temp directory.
 */
export const DraftsContext = createContext<DraftStore | null>(null);

export function useDrafts(): DraftStore {
  const drafts = useContext(DraftsContext);
  if (!drafts) throw new Error('useDrafts() outside <DraftsContext.Provider>');
  return drafts;
}

/** Where draft `id` stands on disk, kept current (saved, pending, failed with why). */
export function useDraftState(id: string): DraftState {
  const drafts = useDrafts();
  const subscribe = useCallback((listener: () => void) => drafts.subscribe(listener), [drafts]);
  return useSyncExternalStore(subscribe, () => drafts.state(id));
}

/** The draft id of an edit of site `siteId` (one draft per site: editing it again resumes it). */
export const siteDraftId = (siteId: string): string => `site:${siteId}`;

/** The draft of the new-site wizard (one at a time: opening the wizard again resumes it). */
export const NEW_SITE_DRAFT_ID = 'site-new';

/** The draft id of an edit of user `userId`. */
export const userDraftId = (userId: string): string => `user:${userId}`;
