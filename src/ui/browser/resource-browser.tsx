import { useEffect, useMemo, useReducer, useRef } from 'react';
import { Box, Text } from 'ink';
import type { ListOptions, Page } from '../../services/types.ts';
import { sanitizeLine } from '../../lib/sanitize.ts';
import { combineKeymaps, disableActions, type Keymap } from '../keys/keymap.ts';
import { useListQuery } from '../hooks/use-list-query.ts';
import { Table, type Column } from '../components/table.tsx';
import { fit, truncate } from '../text/graphemes.ts';
import { tone } from '../theme.ts';
import { useScreenActive, useScreenKeys, useShell } from '../shell/shell-context.tsx';
import { browseKeymap, clearFilterKeymap, filterKeymap, type BrowseAction, type FilterAction } from './browser-keymap.ts';
import { initialList, listReducer } from './list-state.ts';
import { useLiveList, type LiveListOptions } from './use-live-list.ts';
import { handleLineInputKey, lineInputCommand, lineInputView, type LineInputKey } from '../components/line-input.tsx';
import { groupedCount } from '../../lib/grouped-count.ts';

export interface ResourceBrowserProps<T, K extends string, A extends string> {
  /** "Sites", "Users": the title, followed by the count. */
  title: string;
  columns: Column<T>[];
  fetch(options: ListOptions<K>): Promise<Page<T>>;
  /** The first page when it is already held (asked once, as the list first renders): no fetch for it. */
  initialPage?(options: ListOptions<K>): Page<T> | undefined;
  sortKeys: readonly K[];
  initialSort: K;
  initialDescending?: boolean;
  /** The natural direction of a sort key (dates: newest first). */
  descendingFor?(key: K): boolean;
  rowKey(row: T): string;
  /** The resource's own keys (open, new, edit, delete), handled with the selected row. */
  keymap: Keymap<A>;
  /** The resource's keys that act on the selected row: disabled, with the reason, while there is none. */
  rowActions?: readonly A[];
  onAction(action: A, row: T | undefined): void;
  /** What the filter matches, for the prompt: "id, domain or brand". */
  filterHint: string;
  empty: string;
  pageSize?: number;
  /** Rows someone else is editing (presence), marked ✎; `note` goes after the sort in the title line. */
  rowMark?(row: T): boolean;
  note?: string;
  /** Follow changes made by anyone (issue #14): the table to hear, and how to tell a deleted row. */
  live?: LiveListOptions;
}

/**
 * The generic list every resource embeds (k9s's browser): a table, j/k/g/G/PgUp/PgDn, `/` filtering on
 * the server as you type, `s` to cycle the sort column. A resource only brings its columns, a fetch
 * function and its own actions.
 */
export function ResourceBrowser<T, K extends string, A extends string>(props: ResourceBrowserProps<T, K, A>) {
  const shell = useShell();
  const active = useScreenActive();
  const [state, dispatch] = useReducer(listReducer<K>, undefined, () => initialList(props.initialSort, props.initialDescending));
  const query = useMemo(() => ({ filter: state.filter.trim(), sort: state.sort, descending: state.descending }), [state.filter, state.sort, state.descending]);
  const list = useListQuery(props.fetch, query, { active, ...(props.pageSize ? { pageSize: props.pageSize } : {}), ...(props.initialPage ? { initial: props.initialPage } : {}) });
  const rows = list.rows ?? [];
  // The cursor is a position in the whole list; `rows` hold positions start…end-1 of it.
  const start = list.start;
  const count = rows.length;
  const end = start + count;
  const showFilterLine = state.filtering || state.filter !== '';
  const tableHeight = Math.max(2, shell.body.height - 1 - (showFilterLine ? 1 : 0) - (list.error ? 1 : 0));
  const page = Math.max(1, tableHeight - 2);
  // The first row shown: the Table keeps it in view, a live refresh fetches from it (use-live-list.ts).
  const topRef = useRef(0);

  useEffect(() => {
    if (list.rows !== null && !list.loading) dispatch({ type: 'clamp', count: end });
  }, [start, end, list.rows === null, list.loading]);
  // The cursor reached the last row held and the server has more: fetch the next page (the window may
  // drop its first page); at the first row held with pages dropped before it, fetch that page again.
  useEffect(() => {
    if (list.hasMore && count > 0 && state.cursor >= end - 1) list.loadMore();
    else if (list.hasPrevious && count > 0 && state.cursor <= start) list.loadPrevious();
  }, [list.hasMore, list.hasPrevious, count, start, end, state.cursor, list.loadMore, list.loadPrevious]);

  const selected = state.cursor >= start ? rows[state.cursor - start] : undefined;
  useLiveList({
    live: props.live,
    active,
    list,
    rowKey: props.rowKey,
    topRef,
    visible: Math.max(1, tableHeight - 1),
    cursor: state.cursor,
    setCursor: (cursor) => dispatch({ type: 'set', cursor }),
    notify: shell.notify,
  });
  // The footer offers only what does something now (lazygit's disabled reasons): with no rows there is
  // nothing to open, edit, delete or sort, and nothing to filter unless a filter is what emptied it.
  const empty = list.rows !== null && count === 0;
  const emptyReason = state.filter !== '' ? 'no row matches the filter' : 'the list is empty';
  const keymap = useMemo(
    () =>
      state.filtering
        ? (filterKeymap as Keymap<string>)
        : combineKeymaps<string>(
            empty ? disableActions<string>(props.keymap, props.rowActions ?? [], emptyReason) : props.keymap,
            state.filter !== '' ? clearFilterKeymap : undefined,
            empty ? disableActions<string>(browseKeymap, state.filter !== '' ? ['sort', 'reverse'] : ['sort', 'reverse', 'filter'], emptyReason) : browseKeymap,
          ),
    [state.filtering, state.filter !== '', props.keymap, props.rowActions, empty, emptyReason],
  );

  useScreenKeys<string>({
    keymap,
    capturesText: state.filtering,
    onAction(action) {
      if (state.filtering) {
        switch (action as FilterAction) {
          case 'done':
            dispatch({ type: 'endFilter' });
            return;
          case 'cancel':
            dispatch({ type: 'clearFilter' });
            return;
          case 'down':
            dispatch({ type: 'move', delta: 1, count: end, min: start });
            return;
          case 'up':
            dispatch({ type: 'move', delta: -1, count: end, min: start });
            return;
          default:
            dispatch({ type: 'editFilter', action: lineInputCommand(action as LineInputKey) });
            return;
        }
      }
      switch (action as BrowseAction) {
        case 'down':
          return dispatch({ type: 'move', delta: 1, count: end, min: start });
        case 'up':
          return dispatch({ type: 'move', delta: -1, count: end, min: start });
        case 'top':
          // Deep in a long list the first rows are no longer held: start again from the first page.
          if (start > 0) list.restart();
          return dispatch({ type: 'top' });
        case 'bottom':
          return dispatch({ type: 'bottom', count: end });
        case 'pagedown':
          return dispatch({ type: 'move', delta: page, count: end, min: start });
        case 'pageup':
          return dispatch({ type: 'move', delta: -page, count: end, min: start });
        case 'filter':
          return dispatch({ type: 'startFilter' });
        case 'clearFilter':
          return dispatch({ type: 'clearFilter' });
        case 'sort':
          return dispatch({ type: 'cycleSort', keys: props.sortKeys, ...(props.descendingFor ? { descendingFor: props.descendingFor } : {}) });
        case 'reverse':
          return dispatch({ type: 'reverse' });
        case 'reload':
          return list.reload();
        default:
          props.onAction(action as A, selected);
      }
    },
    onText(input, key) {
      if (!state.filtering) return false;
      // Unbound control keys are not swallowed: Ctrl-G (help, in the footer) and Ctrl-C reach the shell.
      return handleLineInputKey(input, key, (action) => dispatch({ type: 'editFilter', action }));
    },
    onPaste(text) {
      if (state.filtering) dispatch({ type: 'typeFilter', text });
    },
  });

  const sortColumn = props.columns.find((c) => c.id === state.sort);
  // A count only when it is one: with more rows on the server than held, say how many are shown.
  const countText =
    list.rows === null ? '' : list.total === undefined && list.hasMore ? ` (${groupedCount(end)} shown, more below)` : ` (${groupedCount(list.total ?? end)})`;
  const status = list.loading ? (list.rows === null ? 'loading…' : 'updating…') : '';
  const sortText = sortColumn ? `sorted by ${sortColumn.header.toLowerCase()} ${state.descending ? '▼' : '▲'}` : '';
  const width = shell.body.width;
  const filterWidth = Math.max(8, width - 30);
  // Being typed: the line with its cursor where the typing happens (scrolled sideways when long).
  const filterView = state.filtering ? lineInputView(state.filterInput, filterWidth) : null;

  return (
    <Box flexDirection="column" width={width} height={shell.body.height}>
      <Text wrap="truncate-end">
        <Text bold>{`${props.title}${countText}`}</Text>
        <Text dimColor>{`  ${sortText}  ${status}`}</Text>
        {props.note && <Text color={tone('warn')}>{`  ${props.note}`}</Text>}
      </Text>
      {showFilterLine && (
        <Text wrap="truncate-end">
          <Text color={tone('accent')}>/</Text>
          {filterView ? (
            <>
              {filterView.before}
              <Text inverse>{filterView.at}</Text>
              {filterView.after}
            </>
          ) : (
            truncate(sanitizeLine(state.filter), filterWidth)
          )}
          <Text dimColor>{`  matches ${props.filterHint}`}</Text>
        </Text>
      )}
      {list.error && <Text color={tone('error')}>{fit(sanitizeLine(list.error), width)}</Text>}
      {list.rows !== null && count === 0 ? (
        <Text dimColor>{state.filter ? `Nothing matches “${truncate(sanitizeLine(state.filter), 40)}”.` : props.empty}</Text>
      ) : (
        <Table
          columns={props.columns}
          rows={rows}
          cursor={state.cursor}
          start={start}
          width={width}
          height={tableHeight}
          rowKey={props.rowKey}
          offsetRef={topRef}
          sortId={state.sort}
          descending={state.descending}
          {...(props.rowMark ? { mark: props.rowMark } : {})}
        />
      )}
    </Box>
  );
}
