import { useEffect, useRef, useState, type ReactNode } from 'react';
import { Box, Text } from 'ink';
import { sanitizeLine } from '../../lib/sanitize.ts';
import { editorsOf, type PresenceEntry } from '../../presence/presence-reader.ts';
import { presenceKey, type PresenceKind } from '../../presence/presence-key.ts';
import type { Keymap } from '../keys/keymap.ts';
import { useServices } from '../services-context.tsx';
import { useScreenActive, useScreenKeys, useShell } from '../shell/shell-context.tsx';
import { truncate } from '../text/graphemes.ts';
import { tone } from '../theme.ts';
import { editorLine } from './presence-text.ts';
import { useClaim, useEditorsOf, usePresenceStatus } from './use-presence.ts';

type GateAction = 'go' | 'back';

export const presenceGateKeymap: Keymap<GateAction> = [
  { action: 'go', keys: ['y', 'enter'], description: 'edit anyway (the version check still decides every save)', footer: true },
  { action: 'back', keys: ['n', 'esc'], description: 'go back', footer: true },
];

/**
 * In front of an edit form: asks the database who else is editing the record and, when someone is, warns
 * before the form opens (y goes on: it only informs). Once the form is open, announces this console's edit
 * until the form closes. A failed check opens the form (and says so): presence never stands in the way.
 * `warn={false}`: the person was warned already (E on the list, before $EDITOR opened).
 */
export function PresenceGate({ kind, id, warn = true, children }: { kind: PresenceKind; id: string; warn?: boolean; children: ReactNode }) {
  const { presence } = useServices();
  const shell = useShell();
  const [others, setOthers] = useState<PresenceEntry[] | null | undefined>(presence && warn ? undefined : null);
  useEffect(() => {
    if (!presence || !warn) return;
    let live = true;
    presence.read().then(
      (entries) => live && setOthers(editorsOf(entries, kind, id, presenceKey(id))),
      (error: unknown) => {
        if (!live) return;
        setOthers(null);
        shell.notify(`could not tell who else is editing: ${error instanceof Error ? error.message : String(error)}`, 'warn');
      },
    );
    return () => {
      live = false;
    };
  }, [presence, kind, id, warn]);
  if (others === undefined) return <Text dimColor>checking who else is editing {sanitizeLine(id)}…</Text>;
  if (others !== null && others.length > 0) return <PresenceWarning kind={kind} id={id} others={others} onGo={() => setOthers(null)} />;
  return <Claimed kind={kind} id={id}>{children}</Claimed>;
}

function Claimed({ kind, id, children }: { kind: PresenceKind; id: string; children: ReactNode }) {
  useClaim(kind, id);
  const status = usePresenceStatus();
  const shell = useShell();
  // Someone else opening this record while the form is open is said once, in the status line.
  const { editors, snapshot } = useEditorsOf(kind, id, useScreenActive());
  const told = useRef<Set<number> | null>(null);
  useEffect(() => {
    if (!snapshot) return;
    if (told.current === null) {
      // Those already editing when the form opened were in the warning.
      told.current = new Set(editors.map((e) => e.pid));
      return;
    }
    const fresh = editors.filter((e) => !told.current!.has(e.pid));
    for (const e of fresh) told.current.add(e.pid);
    if (fresh.length > 0) shell.notify(`✎ ${editorLine(fresh[0]!)} too`, 'warn');
  }, [editors, snapshot]);
  // The edit goes on; the person learns that the others do not see it (it is retried every few seconds).
  const reason = status?.state === 'failed' ? status.reason : null;
  useEffect(() => {
    if (reason) shell.notify(`⚠ others cannot see that you are editing ${id}: ${reason}`, 'warn');
  }, [reason]);
  return <>{children}</>;
}

function PresenceWarning({ kind, id, others, onGo }: { kind: PresenceKind; id: string; others: PresenceEntry[]; onGo(): void }) {
  const shell = useShell();
  const width = shell.body.width;
  useScreenKeys<GateAction>({
    keymap: presenceGateKeymap,
    onAction(action) {
      if (action === 'go') onGo();
      else shell.pop();
    },
  });
  return (
    <Box flexDirection="column" width={width}>
      <Text bold color={tone('warn')} wrap="truncate-end">
        {truncate(`⚠ Someone else is editing ${kind} ${sanitizeLine(id)}`, width)}
      </Text>
      {others.map((e) => (
        <Text key={`${e.pid}-${e.key}`} wrap="truncate-end">
          {truncate(`  ✎ ${editorLine(e)}`, width)}
        </Text>
      ))}
      <Text> </Text>
      <Text wrap="truncate-end">{truncate('You can still edit: whoever saves second sees the other’s changes and chooses (nothing is overwritten unseen).', width)}</Text>
      <Text dimColor wrap="truncate-end">
        {truncate('y edit anyway · Esc go back', width)}
      </Text>
    </Box>
  );
}
