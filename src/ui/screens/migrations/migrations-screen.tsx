import { useEffect, useMemo, useState } from 'react';
import { Box, Text } from 'ink';
import { sanitizeLine } from '../../../lib/sanitize.ts';
import { ScrollView, scrollBy, scrollKeymap, type ScrollAction, type ViewLine } from '../../components/scroll-view.tsx';
import { formatKeys, type Keymap } from '../../keys/keymap.ts';
import { useServices, type ConsoleMigrations } from '../../services-context.tsx';
import { useScreenKeys, useShell } from '../../shell/shell-context.tsx';
import { formatDateTime, plural } from '../../text/format.ts';
import { displayWidth } from '../../text/graphemes.ts';
import { tone } from '../../theme.ts';
import { applyConfirmKeymap, migrationsKeymap, type MigrationsAction } from './migrations-keymap.ts';

type Status = Awaited<ReturnType<ConsoleMigrations['status']>>;

/** Viewing the status, asking before applying, or applying (the keys do nothing until it is done). */
type Mode = { kind: 'view' } | { kind: 'confirm'; pending: string[] } | { kind: 'applying'; waiting: boolean };

export function migrationLines(status: Status, applyKeys?: string): ViewLine[] {
  const lines: ViewLine[] = [];
  if (status.pending.length > 0) {
    const how = applyKeys ? `${applyKeys} applies them, as cabinet migrate does` : 'run cabinet migrate in a shell to apply them';
    lines.push({ text: `${status.pending.length} pending: ${how} (serialised, all-or-nothing)`, tone: 'warn', bold: true });
    for (const name of status.pending) lines.push({ text: `  pending   ${sanitizeLine(name)}`, tone: 'warn' });
  } else lines.push({ text: 'Up to date: every migration of this cabinet is applied.', tone: 'ok' });
  for (const name of status.unknown) lines.push({ text: `  unknown   ${sanitizeLine(name)} (applied by another cabinet version)`, tone: 'error' });
  for (const name of status.edited) lines.push({ text: `  edited    ${sanitizeLine(name)} (changed since it ran)`, tone: 'error' });
  lines.push({ text: '' });
  lines.push({ text: `Applied (${status.applied.length})`, bold: true });
  for (const m of [...status.applied].reverse()) lines.push({ text: `  ${formatDateTime(m.executedAt)}  ${sanitizeLine(m.name)}` });
  return lines;
}

function errorLine(error: unknown): string {
  return error instanceof Error ? ((error as { line?: string }).line ?? error.message) : String(error);
}

/**
 * `:migrate`: what is applied and what is pending, and applying the pending ones after a `y`: the same
 * service call as `cabinet migrate` (a role without DDL rights gets its refusal, runs are serialised by
 * the same lock, checksums are recorded).
 */
export function MigrationsScreen() {
  const { migrations, connection } = useServices();
  const shell = useShell();
  const [status, setStatus] = useState<Status | null>(null);
  /** Reading the status failed (cleared by the next good read). */
  const [readError, setReadError] = useState<string | null>(null);
  /** The last apply was refused or failed (stays until the next apply or a reload by hand). */
  const [applyError, setApplyError] = useState<string | null>(null);
  const error = applyError ?? readError;
  const [offset, setOffset] = useState(0);
  const [token, setToken] = useState(0);
  const [mode, setMode] = useState<Mode>({ kind: 'view' });
  const available = typeof migrations?.status === 'function';
  const canApply = typeof migrations?.apply === 'function';
  useEffect(() => {
    if (!available) return;
    let live = true;
    migrations!.status().then(
      (s) => live && (setStatus(s), setReadError(null)),
      (e: unknown) => live && setReadError(errorLine(e)),
    );
    return () => {
      live = false;
    };
  }, [migrations, available, token]);
  const pending = status?.pending ?? [];
  const keymap = useMemo(() => {
    if (mode.kind === 'confirm') return applyConfirmKeymap;
    // While applying only scrolling works (a key kept for later could start a second apply).
    if (mode.kind === 'applying') return scrollKeymap as Keymap<MigrationsAction>;
    return migrationsKeymap(!canApply ? 'not available in this session' : status === null ? 'the status is still being read' : pending.length === 0 ? 'nothing is pending' : undefined);
  }, [mode.kind, canApply, status === null, pending.length]);
  const applyBinding = migrationsKeymap(undefined).find((b) => b.action === 'apply')!;
  const lines = useMemo(() => (status ? migrationLines(status, canApply ? formatKeys(applyBinding) : undefined) : []), [status, canApply]);
  const width = shell.body.width;
  // A refusal is read in full (reason and hint), wrapped over as many rows as it needs.
  const shownError = error ? sanitizeLine(error) : null;
  const errorRows = shownError ? Math.ceil(displayWidth(shownError) / Math.max(1, width)) : 0;
  const question =
    mode.kind === 'confirm'
      ? `Apply ${plural(mode.pending.length, 'migration')}? This changes the schema of ${sanitizeLine(connection.label)}, in one transaction.`
      : mode.kind === 'applying'
        ? mode.waiting
          ? 'another cabinet migrate is running on this database; waiting for it to finish…'
          : 'applying migrations…'
        : null;
  const questionRows = question ? Math.ceil(displayWidth(question) / Math.max(1, width)) : 0;
  const height = Math.max(1, shell.body.height - 1 - errorRows - questionRows);

  const apply = () => {
    setMode({ kind: 'applying', waiting: false });
    setApplyError(null);
    migrations!.apply!({ onWaiting: () => setMode({ kind: 'applying', waiting: true }) }).then(
      (applied) => {
        setMode({ kind: 'view' });
        shell.notify(applied.length === 0 ? 'nothing to migrate: already up to date' : `applied ${plural(applied.length, 'migration')}`, 'ok');
        setToken((t) => t + 1);
      },
      (e: unknown) => {
        setMode({ kind: 'view' });
        setApplyError(`not applied: ${errorLine(e)}`);
        setToken((t) => t + 1);
      },
    );
  };

  useScreenKeys<MigrationsAction>({
    keymap,
    onAction(action) {
      switch (action) {
        case 'reload':
          setApplyError(null);
          return setToken((t) => t + 1);
        case 'apply':
          setApplyError(null);
          return setMode({ kind: 'confirm', pending });
        case 'confirm':
          if (mode.kind === 'confirm') apply();
          return;
        case 'cancel':
          shell.notify('nothing was applied');
          return setMode({ kind: 'view' });
        default:
          setOffset((o) => scrollBy(action as ScrollAction, o, lines.length, height));
      }
    },
  });
  return (
    <Box flexDirection="column" width={width}>
      <Text bold>Migrations</Text>
      {!available && <Text dimColor>Migration status is not available in this session.</Text>}
      {shownError && (
        <Box width={width} height={errorRows}>
          <Text color={tone('error')} wrap="wrap">
            {shownError}
          </Text>
        </Box>
      )}
      {question && (
        <Box width={width} height={questionRows}>
          <Text color={tone('warn')} bold={mode.kind === 'confirm'} wrap="wrap">
            {question}
          </Text>
        </Box>
      )}
      {available && !status && !error && <Text dimColor>checking…</Text>}
      {status && <ScrollView lines={lines} offset={offset} width={width} height={height} />}
    </Box>
  );
}
