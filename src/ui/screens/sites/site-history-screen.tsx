import { useCallback, useEffect, useMemo, useReducer, useRef, useState } from 'react';
import { Box, Text } from 'ink';
import type { HistoryEntry, SiteRecord } from '../../../services/types.ts';
import { sanitizeLine } from '../../../lib/sanitize.ts';
import { combineKeymaps, disableActions, type Keymap } from '../../keys/keymap.ts';
import { ScrollView, scrollBy, scrollKeymap, type ScrollAction } from '../../components/scroll-view.tsx';
import { useWriteBlock } from '../../hooks/use-write-gate.ts';
import { useServices } from '../../services-context.tsx';
import { historyRowKey, useKeptCursor } from '../../live/use-kept-cursor.ts';
import { useRowWatch } from '../../live/use-row-watch.ts';
import { useScreenActive, useScreenKeys, useShell } from '../../shell/shell-context.tsx';
import { fit, truncate } from '../../text/graphemes.ts';
import { tone } from '../../theme.ts';
import { errorCode, errorLine } from './save-site.ts';
import { entryLines, historyRowText, revisionCount, revisionDiffLines, rowRef, type HistoryRow } from './history-lines.ts';
import { plural } from '../../text/format.ts';
import { HISTORY_WRITE_ACTIONS, historyDiffKeymap, historyKeymap, restoreConfirmKeymap, type HistoryAction } from './history-keymap.ts';
import { historyReducer, initialHistory, inOrder } from './history-state.ts';

/** Revisions fetched at a time; older pages load as the cursor nears the end of what is loaded. */
const HISTORY_PAGE = 200;

/** The oldest revision loaded; older ones exist while it is past rev 1 (revisions are numbered from 1). */
function oldestRev(entries: HistoryEntry[]): number | undefined {
  let oldest: number | undefined;
  for (const e of entries) if (e.kind === 'revision' && (oldest === undefined || e.rev < oldest)) oldest = e.rev;
  return oldest;
}

/**
 * `h`: a site's history, newest first: the row now, every revision cabinet recorded (who, what, why), and
 * the changes made outside cabinet as gaps. Enter shows what one change did; space marks two rows and `c`
 * compares them; `R` restores a revision (itself a new revision) after showing what it would change.
 */
export function SiteHistoryScreen({ siteId }: { siteId: string }) {
  const { sites, revisions } = useServices();
  const shell = useShell();
  const active = useScreenActive();
  const readOnly = useWriteBlock('sites');
  const [state, dispatch] = useReducer(historyReducer, initialHistory);
  const [data, setData] = useState<{ current: SiteRecord | null; entries: HistoryEntry[] } | null>(null);
  const [loadingMore, setLoadingMore] = useState(false);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [token, setToken] = useState(0);

  useEffect(() => {
    if (!active) return;
    let live = true;
    Promise.all([sites.get(siteId), revisions.history(siteId, { limit: HISTORY_PAGE })]).then(
      ([current, entries]) => {
        if (!live) return;
        setData({ current, entries });
        setLoadError(null);
      },
      (e: unknown) => live && setLoadError(errorLine(e)),
    );
    return () => {
      live = false;
    };
  }, [sites, revisions, siteId, active, token]);

  const rows: HistoryRow[] = useMemo(() => (data ? [{ kind: 'current', record: data.current }, ...data.entries] : []), [data]);
  // Someone else changed or deleted the site: read its history again, the cursor staying on its row.
  useRowWatch('sites', siteId, sites.get, () => setToken((t) => t + 1), { active, known: data ? (data.current?.version ?? null) : undefined });
  const rowKeys = useMemo(() => rows.map(historyRowKey), [rows]);
  useKeptCursor(rowKeys, state.cursor, (index) => dispatch({ type: 'to', index, count: rows.length }));
  const width = shell.body.width;
  const height = shell.body.height;
  const listHeight = Math.max(1, height - 3);
  const selected = rows[state.cursor];
  const oldest = data ? oldestRev(data.entries) : undefined;
  const more = oldest !== undefined && oldest > 1;

  // Near the end of what is loaded: fetch the next older page and append it. One fetch per page, however
  // the cursor moves meanwhile; a page that no longer follows what is shown (a reload) is not appended.
  const fetchingBefore = useRef<number | null>(null);
  useEffect(() => {
    if (!data || !more || oldest === undefined || fetchingBefore.current === oldest || state.cursor < rows.length - 1 - listHeight) return;
    fetchingBefore.current = oldest;
    setLoadingMore(true);
    revisions
      .history(siteId, { limit: HISTORY_PAGE, before: oldest })
      .then(
        (older) => setData((d) => (d && oldestRev(d.entries) === oldest ? { ...d, entries: [...d.entries, ...older] } : d)),
        (e: unknown) => dispatch({ type: 'error', message: `older revisions: ${errorLine(e)}` }),
      )
      .finally(() => {
        if (fetchingBefore.current === oldest) fetchingBefore.current = null;
        setLoadingMore(false);
      });
  }, [data, more, oldest, state.cursor, rows.length, listHeight]);

  const compare = useCallback(
    async (a: number | 'current', b: number | 'current') => {
      const [from, to] = inOrder(a, b);
      dispatch({ type: 'busy', message: 'comparing…' });
      try {
        const diff = await revisions.diff(siteId, from, to);
        dispatch({ type: 'show', view: { kind: 'diff', title: `Compare ${from === 'current' ? 'current' : `rev ${from}`} → ${to === 'current' ? 'current' : `rev ${to}`}`, lines: revisionDiffLines(diff, width) } });
      } catch (e) {
        dispatch({ type: 'error', message: errorLine(e) });
      }
    },
    [revisions, siteId, width],
  );

  const askRestore = async (rev: number) => {
    dispatch({ type: 'busy', message: 'working out what the restore changes…' });
    try {
      const diff = await revisions.diff(siteId, 'current', rev);
      const lines = revisionDiffLines(diff, width);
      const nothing = diff.fields.length === 0 && diff.to.record !== null && diff.from.record !== null;
      dispatch({
        type: 'show',
        view: { kind: 'confirm', rev, title: nothing ? `Revision ${rev} is what the site is now: nothing to restore` : `Restore ${sanitizeLine(siteId)} to revision ${rev}? It changes:`, lines },
      });
    } catch (e) {
      dispatch({ type: 'error', message: errorLine(e) });
    }
  };

  const restore = async (rev: number) => {
    dispatch({ type: 'busy', message: `restoring revision ${rev}…` });
    try {
      const current = data?.current ?? null;
      const change = await revisions.restore(siteId, rev, current ? { expectedVersion: current.version } : {});
      dispatch({ type: 'close' });
      dispatch({ type: 'busy', message: null });
      shell.notify(change.changed.length === 0 ? `nothing to restore: ${siteId} already has revision ${rev}'s values` : `restored ${siteId} to revision ${rev}${change.rev ? ` (recorded as revision ${change.rev})` : ''}`, 'ok');
      dispatch({ type: 'to', index: 0, count: 1 });
      setToken((t) => t + 1);
    } catch (e) {
      const code = errorCode(e);
      dispatch({ type: 'close' });
      // Someone changed or deleted the site meanwhile: reload, so the next R shows the diff from what is there now.
      if (code === 'stale' || code === 'gone') setToken((t) => t + 1);
      dispatch({ type: 'error', message: `not restored: ${errorLine(e)}${code === 'stale' ? ' · history reloaded; R shows the new diff' : ''}` });
    }
  };

  const view = state.view;
  const selectedKind = selected?.kind;
  const keymap: Keymap<string> = useMemo(() => {
    if (view?.kind === 'diff') return combineKeymaps<string>(historyDiffKeymap, scrollKeymap);
    if (view?.kind === 'confirm') return combineKeymaps<string>(restoreConfirmKeymap, scrollKeymap);
    if (!data) return [];
    // The footer offers what acts on this row now; the help keeps the rest with the reason.
    let map: Keymap<HistoryAction> = historyKeymap;
    if (state.marks.length === 0) map = disableActions(map, ['compare'], 'mark a row with space first');
    if (selectedKind === 'current') map = disableActions(map, ['show'], 'this row is the site as it is: mark it and another, then c');
    if (selectedKind !== 'revision') map = disableActions(map, ['restore'], selectedKind === 'outside' ? 'a change made outside cabinet has no revision to restore' : 'move to a revision (rev N)');
    // Last: a read-only connection is the reason that holds on every row.
    return disableActions(map, HISTORY_WRITE_ACTIONS, readOnly);
  }, [view?.kind, Boolean(data), readOnly, state.marks.length === 0, selectedKind]);

  useScreenKeys<string>({
    keymap,
    onAction(action) {
      if (state.busy) return;
      if (view) {
        if (action === 'close' || action === 'cancel') return dispatch({ type: 'close' });
        if (action === 'confirm' && view.kind === 'confirm') return void restore(view.rev);
        return dispatch({ type: 'scroll', offset: scrollBy(action as ScrollAction, state.scroll, view.lines.length, height - 2) });
      }
      const count = rows.length;
      switch (action as HistoryAction) {
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
          if (selected.kind === 'current') return dispatch({ type: 'error', message: 'this is the site as it is: mark it (space) and another row, then c compares them' });
          const shown = entryLines(selected, width);
          return dispatch({ type: 'show', view: { kind: 'diff', title: shown.title, lines: shown.lines } });
        }
        case 'mark': {
          const ref = selected ? rowRef(selected) : null;
          if (ref === null) return dispatch({ type: 'error', message: 'a change made outside cabinet has no revision to compare: mark a revision or the current row' });
          return dispatch({ type: 'mark', ref });
        }
        case 'compare': {
          const here = selected ? rowRef(selected) : null;
          const [a, b] = state.marks.length === 2 ? state.marks : state.marks.length === 1 && here !== null && here !== state.marks[0] ? [state.marks[0]!, here] : [];
          if (a === undefined || b === undefined) return dispatch({ type: 'error', message: 'mark two rows with space (or one, and move to the other), then c' });
          return void compare(a, b);
        }
        case 'restore': {
          if (selected?.kind !== 'revision') return dispatch({ type: 'error', message: 'move to a revision (rev N) to restore it' });
          return void askRestore(selected.rev);
        }
      }
    },
  });

  const title = (
    <Text wrap="truncate-end">
      <Text bold>History of {sanitizeLine(siteId)}</Text>
      <Text dimColor>{data ? `  ${plural(revisionCount(data.entries), 'revision')} · newest first${loadingMore ? ' · loading older…' : ''}${state.marks.length ? ` · marked: ${state.marks.map((m) => (m === 'current' ? 'now' : `rev ${m}`)).join(', ')}` : ''}` : ''}</Text>
    </Text>
  );
  const bottom = state.busy ?? state.error;
  const bottomLine = (
    <Text color={state.error && !state.busy ? tone('error') : undefined} dimColor={!state.error || Boolean(state.busy)} wrap="truncate-end">
      {truncate(sanitizeLine(bottom ?? (view?.kind === 'confirm' ? 'y restore (recorded as a new revision) · n/Esc cancel' : view ? 'Esc back to the history' : 'Enter what it did · space mark · c compare · R restore')), width)}
    </Text>
  );

  if (view) {
    return (
      <Box flexDirection="column" width={width} height={height}>
        <Text bold color={view.kind === 'confirm' ? tone('warn') : undefined} wrap="truncate-end">
          {truncate(view.title, width)}
        </Text>
        <ScrollView lines={view.lines} offset={state.scroll} width={width} height={Math.max(1, height - 2)} />
        {bottomLine}
      </Box>
    );
  }

  const top = Math.max(0, Math.min(state.cursor - Math.floor(listHeight / 2), rows.length - listHeight));
  return (
    <Box flexDirection="column" width={width} height={height}>
      {title}
      {loadError && <Text color={tone('error')}>{truncate(sanitizeLine(loadError), width)}</Text>}
      {!data && !loadError && <Text dimColor>loading…</Text>}
      <Box flexDirection="column" width={width} height={listHeight}>
        {rows.slice(top, top + listHeight).map((row, i) => {
          const index = top + i;
          const ref = rowRef(row);
          const text = historyRowText(row, ref !== null && state.marks.includes(ref));
          const isCursor = index === state.cursor;
          return (
            <Text key={index} inverse={isCursor} dimColor={row.kind === 'outside' && !isCursor} color={row.kind === 'outside' ? tone('warn') : undefined} wrap="truncate-end">
              {fit(`${isCursor ? '›' : ' '}${text}`, width)}
            </Text>
          );
        })}
      </Box>
      {bottomLine}
    </Box>
  );
}
