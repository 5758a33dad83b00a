import { useEffect, useMemo, useState } from 'react';
import { editorsOf, type PresenceEntry } from '../../presence/presence-reader.ts';
import { presenceKey, type PresenceKind } from '../../presence/presence-key.ts';
import type { PresenceSnapshot, PresenceStatus } from '../../presence/presence-service.ts';
import { useServices } from '../services-context.tsx';

/** Others' presence, read every two seconds while the screen is shown; undefined without presence (fakes). */
export function usePresenceSnapshot(active: boolean): PresenceSnapshot | undefined {
  const { presence } = useServices();
  const [snapshot, setSnapshot] = useState<PresenceSnapshot | undefined>(undefined);
  useEffect(() => (presence && active ? presence.watch(setSnapshot) : undefined), [presence, active]);
  return snapshot;
}

/** Who else is editing this record, from the latest read. */
export function useEditorsOf(kind: PresenceKind, id: string, active: boolean): { editors: PresenceEntry[]; snapshot: PresenceSnapshot | undefined } {
  const snapshot = usePresenceSnapshot(active);
  const editors = useMemo(() => (snapshot ? editorsOf(snapshot.entries, kind, id, presenceKey(id)) : []), [snapshot, kind, id]);
  return { editors, snapshot };
}

/** For a list: whether a row's record is being edited by someone else, and how many are. */
export function usePresenceMarks(kind: PresenceKind, active: boolean): { marked(id: string): boolean; count: number } {
  const snapshot = usePresenceSnapshot(active);
  return useMemo(() => {
    const entries = (snapshot?.entries ?? []).filter((e) => e.kind === kind);
    const keys = new Set(entries.map((e) => e.key));
    const records = new Set(entries.map((e) => e.id ?? `#${e.key}`));
    return { marked: (id: string) => keys.has(presenceKey(id)) && editorsOf(entries, kind, id, presenceKey(id)).length > 0, count: records.size };
  }, [snapshot, kind]);
}

/** This console's own announcement: whether others can see its edit. */
export function usePresenceStatus(): PresenceStatus | undefined {
  const { presence } = useServices();
  const [status, setStatus] = useState<PresenceStatus | undefined>(() => presence?.status());
  useEffect(() => {
    if (!presence) return;
    setStatus(presence.status());
    return presence.onStatus(setStatus);
  }, [presence]);
  return status;
}

/** Announces, while mounted, that this console edits the record. */
export function useClaim(kind: PresenceKind, id: string): void {
  const { presence } = useServices();
  useEffect(() => presence?.claim(kind, id), [presence, kind, id]);
}
