import { useEffect, useMemo, useState } from 'react';
import { Box, Text } from 'ink';
import { sanitizeLine } from '../../../lib/sanitize.ts';
import { ScrollView, scrollBy, scrollKeymap, type ScrollAction, type ViewLine } from '../../components/scroll-view.tsx';
import { combineKeymaps, type Keymap } from '../../keys/keymap.ts';
import { useServices, type MigrationReader } from '../../services-context.tsx';
import { useScreenKeys, useShell } from '../../shell/shell-context.tsx';
import { formatDateTime } from '../../text/format.ts';
import { truncate } from '../../text/graphemes.ts';
import { tone } from '../../theme.ts';

type Status = Awaited<ReturnType<MigrationReader['status']>>;

const reloadKeymap: Keymap<'reload'> = [{ action: 'reload', keys: ['r', 'ctrl+r'], description: 'check again', footer: true }];
const keymap = combineKeymaps<string>(reloadKeymap, scrollKeymap);

export function migrationLines(status: Status): ViewLine[] {
  const lines: ViewLine[] = [];
  if (status.pending.length > 0) {
    lines.push({ text: `${status.pending.length} pending: run cabinet migrate in a shell to apply (serialised, all-or-nothing)`, tone: 'warn', bold: true });
    for (const name of status.pending) lines.push({ text: `  pending   ${sanitizeLine(name)}`, tone: 'warn' });
  } else lines.push({ text: 'Up to date: every migration of this cabinet is applied.', tone: 'ok' });
  for (const name of status.unknown) lines.push({ text: `  unknown   ${sanitizeLine(name)} (applied by another cabinet version)`, tone: 'error' });
  for (const name of status.edited) lines.push({ text: `  edited    ${sanitizeLine(name)} (changed since it ran)`, tone: 'error' });
  lines.push({ text: '' });
  lines.push({ text: `Applied (${status.applied.length})`, bold: true });
  for (const m of [...status.applied].reverse()) lines.push({ text: `  ${formatDateTime(m.executedAt)}  ${sanitizeLine(m.name)}` });
  return lines;
}

/** `:migrate`: what is applied and what is pending. Applying stays a deliberate `cabinet migrate`. */
export function MigrationsScreen() {
  const { migrations } = useServices();
  const shell = useShell();
  const [status, setStatus] = useState<Status | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [offset, setOffset] = useState(0);
  const [token, setToken] = useState(0);
  const available = typeof migrations?.status === 'function';
  useEffect(() => {
    if (!available) return;
    let live = true;
    migrations!.status().then(
      (s) => live && (setStatus(s), setError(null)),
      (e: unknown) => live && setError(e instanceof Error ? e.message : String(e)),
    );
    return () => {
      live = false;
    };
  }, [migrations, available, token]);
  const lines = useMemo(() => (status ? migrationLines(status) : []), [status]);
  const height = shell.body.height - 1;
  useScreenKeys<string>({
    keymap,
    onAction(action) {
      if (action === 'reload') setToken((t) => t + 1);
      else setOffset((o) => scrollBy(action as ScrollAction, o, lines.length, height));
    },
  });
  const width = shell.body.width;
  return (
    <Box flexDirection="column" width={width}>
      <Text bold>Migrations</Text>
      {!available && <Text dimColor>Migration status is not available in this session.</Text>}
      {error && <Text color={tone('error')}>{truncate(sanitizeLine(error), width)}</Text>}
      {available && !status && !error && <Text dimColor>checking…</Text>}
      {status && <ScrollView lines={lines} offset={offset} width={width} height={height} />}
    </Box>
  );
}
