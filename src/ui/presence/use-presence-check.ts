import { useCallback, useRef } from 'react';
import { editorsOf } from '../../presence/presence-reader.ts';
import { presenceKey, type PresenceKind } from '../../presence/presence-key.ts';
import { useServices } from '../services-context.tsx';
import { useShell } from '../shell/shell-context.tsx';
import { editorLine } from './presence-text.ts';

/** How long a second press counts as "go on anyway". */
const CONFIRM_MS = 10_000;

/**
 * For an edit that opens without a form first ($EDITOR from a list or detail): true when nobody else edits
 * the record, or when this is the second press after the warning. The first press while someone else
 * edits only says who and how to go on. A failed check never stops the edit.
 */
export function usePresenceCheck(): (kind: PresenceKind, id: string, again: string) => Promise<boolean> {
  const { presence } = useServices();
  const shell = useShell();
  const warned = useRef<{ key: string; at: number } | null>(null);
  return useCallback(
    async (kind, id, again) => {
      if (!presence) return true;
      const key = `${kind}:${id}`;
      if (warned.current?.key === key && Date.now() - warned.current.at < CONFIRM_MS) {
        warned.current = null;
        return true;
      }
      const others = await presence.read().then(
        (entries) => editorsOf(entries, kind, id, presenceKey(id)),
        () => [],
      );
      if (others.length === 0) return true;
      warned.current = { key, at: Date.now() };
      shell.notify(`⚠ ${editorLine(others[0]!)}${others.length > 1 ? ` (and ${others.length - 1} more)` : ''} · ${again} again to edit anyway`, 'warn');
      return false;
    },
    [presence, shell],
  );
}
