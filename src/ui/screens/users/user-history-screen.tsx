import { useEffect, useMemo, useReducer, useRef, useState } from 'react';
import { Box, Text } from 'ink';
import type { UserHistoryEntry } from '../../../services/types.ts';
import { sanitizeLine } from '../../../lib/sanitize.ts';
import { combineKeymaps, type Keymap } from '../../keys/keymap.ts';
import { ScrollView, scrollBy, scrollKeymap, type ScrollAction } from '../../components/scroll-view.tsx';
import { useServices } from '../../services-context.tsx';
import { historyRowKey, useKeptCursor } from '../../live/use-kept-cursor.ts';
import { useRowWatch } from '../../live/use-row-watch.ts';
import { useScreenActive, useScreenKeys, useShell } from '../../shell/shell-context.tsx';
import { plural } from '../../text/format.ts';
import { fit, truncate } from '../../text/graphemes.ts';
import { tone } from '../../theme.ts';
import { errorLine } from '../sites/save-site.ts';
import { historyDiffKeymap } from '../sites/history-keymap.ts';
import { historyReducer, initialHistory } from '../sites/history-state.ts';
import { userEntryLines, userHistoryRowText } from './user-history-lines.ts';
import { userHistoryKeymap, type UserHistoryAction } from './user-history-keymap.ts';

/** Revisions fetched at a time; older pages load as the cursor nears the end of what is loaded. */
const PAGE = 200;

/** The user's version now as its history tells it (the newest entry; gaps run up to the row as it is), null when deleted. */
function versionNow(entries: UserHistoryEntry[]): number | null | undefined {
  const newest = entries[0];
  if (!newest) return undefined;
  if (newest.action === 'delete') return null;
  return newest.kind === 'revision' ? newest.version : newest.toVersion;
}

function oldestRev(entries: UserHistoryEntry[]): number | undefined {
  let oldest: number | undefined;
  for (const e of entries) if (e.kind === 'revision' && (oldest === undefined || e.rev < oldest)) oldest = e.rev;
  return oldest;
}

/**
 * `h` on a user: who created, changed or deleted it, when, from where and why, newest first, with the
 * changes made outside cabinet (a sign-in moving last_seen, psql) as gaps. Enter shows old → new.
 */
export function UserHistoryScreen({ userId }: { userId: string }) {
  const { users } = useServices();
  const shell = useShell();
  const active = useScreenActive();
  const [state, dispatch] = useReducer(historyReducer, initialHistory);
  const [entries, setEntries] = useState<UserHistoryEntry[] | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [loadingMore, setLoadingMore] = useState(false);
  const [token, setToken] = useState(0);

  useEffect(() => {
    if (!active) return;
    let live = true;
    users.history(userId, { limit: PAGE }).then(
      (loaded) => {
        if (!live) return;
        setEntries(loaded);
        setLoadError(null);
      },
      (e: unknown) => live && setLoadError(errorLine(e)),
    );
    return () => {
      live = false;
    };
  }, [users, userId, active, token]);

  const width = shell.body.width;
  const height = shell.body.height;
  const listHeight = Math.max(1, height - 3);
  const rows = useMemo(() => entries ?? [], [entries]);
  // Someone else changed or deleted the user (a sign-in too): read its history again, the cursor on its row.
  useRowWatch('users', userId, users.get, () => setToken((t) => t + 1), { active, known: entries ? versionNow(entries) : undefined });
  const rowKeys = useMemo(() => rows.map(historyRowKey), [rows]);
  useKeptCursor(rowKeys, state.cursor, (index) => dispatch({ type: 'to', index, count: rows.length }));
  const selected = rows[state.cursor];
  const oldest = entries ? oldestRev(entries) : undefined;
  const more = oldest !== undefined && oldest > 1;

  // Near the end of what is loaded: the next older page, once per page.
  const fetchingBefore = useRef<number | null>(null);
  useEffect(() => {
    if (!entries || !more || oldest === undefined || fetchingBefore.current === oldest || state.cursor < rows.length - 1 - listHeight) return;
    fetchingBefore.current = oldest;
    setLoadingMore(true);
    users
      .history(userId, { limit: PAGE, before: oldest })
      .then(
        (older) => setEntries((d) => (d && oldestRev(d) === oldest ? [...d, ...older] : d)),
        (e: unknown) => dispatch({ type: 'error', message: `older revisions: ${errorLine(e)}` }),
      )
      .finally(() => {
        if (fetchingBefore.current === oldest) fetchingBefore.current = null;
        setLoadingMore(false);
      });
  }, [entries, more, oldest, state.cursor, rows.length, listHeight]);

  const view = state.view;
  const keymap: Keymap<string> = useMemo(
    () => (view ? combineKeymaps<string>(historyDiffKeymap, scrollKeymap) : entries ? userHistoryKeymap : []),
    [Boolean(view), Boolean(entries)],
  );
  useScreenKeys<string>({
    keymap,
    onAction(action) {
      if (view) {
        if (action === 'close') return dispatch({ type: 'close' });
        return dispatch({ type: 'scroll', offset: scrollBy(action as ScrollAction, state.scroll, view.lines.length, height - 2) });
      }
      const count = rows.length;
      switch (action as UserHistoryAction) {
        case 'down':
          return dispatch({ type: 'move', delta: 1, count });
        case 'up':
          return dispatch({ type: 'move', delta: -1, count });
        case 'top':
          return dispatch({ type: 'to', index: 0, count });
        case 'bottom':
          return dispatch({ type: 'to', index: count - 1, count });
        case 'pagedown':
          return dispatch({ type: 'move', delta: listHeight - 1, count });
        case 'pageup':
          return dispatch({ type: 'move', delta: -(listHeight - 1), count });
        case 'reload':
          return setToken((t) => t + 1);
        case 'show': {
          if (!selected) return;
          const shown = userEntryLines(selected, width);
          return dispatch({ type: 'show', view: { kind: 'diff', title: shown.title, lines: shown.lines } });
        }
      }
    },
  });

  const bottomLine = (
    <Text color={state.error ? tone('error') : undefined} dimColor={!state.error} wrap="truncate-end">
      {truncate(sanitizeLine(state.error ?? (view ? 'Esc back to the history' : 'Enter what it did (old → new, who, from where)')), width)}
    </Text>
  );
  if (view) {
    return (
      <Box flexDirection="column" width={width} height={height}>
        <Text bold wrap="truncate-end">
          {truncate(view.title, width)}
        </Text>
        <ScrollView lines={view.lines} offset={state.scroll} width={width} height={Math.max(1, height - 2)} />
        {bottomLine}
      </Box>
    );
  }
  // Revisions are numbered 1, 2, … per user: the newest loaded is their count, older pages or not.
  const revisions = rows.reduce((n, e) => (e.kind === 'revision' ? Math.max(n, e.rev) : n), 0);
  const top = Math.max(0, Math.min(state.cursor - Math.floor(listHeight / 2), rows.length - listHeight));
  return (
    <Box flexDirection="column" width={width} height={height}>
      <Text wrap="truncate-end">
        <Text bold>History of user {sanitizeLine(userId)}</Text>
        <Text dimColor>{entries ? `  ${plural(revisions, 'revision')} · newest first${loadingMore ? ' · loading older…' : ''}` : ''}</Text>
      </Text>
      {loadError && <Text color={tone('error')}>{truncate(sanitizeLine(loadError), width)}</Text>}
      {!entries && !loadError && <Text dimColor>loading…</Text>}
      {entries && rows.length === 0 && <Text dimColor>No changes recorded.</Text>}
      <Box flexDirection="column" width={width} height={listHeight}>
        {rows.slice(top, top + listHeight).map((row, i) => {
          const isCursor = top + i === state.cursor;
          return (
            <Text key={top + i} inverse={isCursor} dimColor={row.kind === 'outside' && !isCursor} color={row.kind === 'outside' ? tone('warn') : undefined} wrap="truncate-end">
              {fit(`${isCursor ? '›' : ' '} ${userHistoryRowText(row)}`, width)}
            </Text>
          );
        })}
      </Box>
      {bottomLine}
    </Box>
  );
}
