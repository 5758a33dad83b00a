import { useEffect, useMemo, useState } from 'react';
import { Box, Text } from 'ink';
import { sanitizeLine } from '../../../lib/sanitize.ts';
import { ScrollView } from '../../components/scroll-view.tsx';
import { NEW_SITE_DRAFT_ID, useDrafts } from '../../drafts-context.tsx';
import { useServices } from '../../services-context.tsx';
import { useScreenActive, useScreenKeys, useShell } from '../../shell/shell-context.tsx';
import { fit, truncate, truncateMiddle } from '../../text/graphemes.ts';
import { tone } from '../../theme.ts';
import { errorLine } from '../sites/save-site.ts';
import { adoptedDraft } from './adopt-draft.ts';
import { draftDiffLines, draftRowText, foreignOrigin, type DraftWithRow } from './draft-lines.ts';
import { adoptDraftKeymap, discardDraftKeymap, draftsKeymap, noDraftsKeymap, type AdoptDraftAction, type DiscardDraftAction, type DraftsAction } from './drafts-keymap.ts';

const LIST_ROWS = 5;

/**
 * Shown at start when drafts survived a previous session (a dropped SSH link, a closed terminal, a
 * crash): each with a diff against the row as it is now. Recover opens the edit form on it; discard asks
 * first; Esc keeps them all for later (the next start asks again). Nothing is decided without a key.
 */
export function DraftsScreen() {
  const { sites, users } = useServices();
  const drafts = useDrafts();
  const shell = useShell();
  const active = useScreenActive();
  const [items, setItems] = useState<DraftWithRow[] | null>(null);
  const [cursor, setCursor] = useState(0);
  const [scroll, setScroll] = useState(0);
  const [confirm, setConfirm] = useState<'discard' | 'adopt' | null>(null);
  const [token, setToken] = useState(0);

  useEffect(() => {
    if (!active) return;
    let live = true;
    // This database's drafts first; those from another one after them, marked.
    const all = drafts.list();
    const stored = [...all.filter((d) => drafts.belongsHere(d)), ...all.filter((d) => !drafts.belongsHere(d))];
    Promise.all(
      stored.map(async (draft): Promise<DraftWithRow> => {
        const row = await lookUp(draft);
        return drafts.belongsHere(draft) ? row : { ...row, foreign: foreignOrigin(draft) };
      }),
    ).then((all) => {
      if (!live) return;
      setItems(all);
      setCursor((c) => Math.min(c, Math.max(0, all.length - 1)));
    });
    async function lookUp(draft: (typeof stored)[number]): Promise<DraftWithRow> {
      if (draft.entity === 'user' && draft.recordId) {
        try {
          return { draft, current: undefined, user: await users.get(draft.recordId) };
        } catch (e) {
          return { draft, current: undefined, error: errorLine(e) };
        }
      }
      if (draft.entity !== 'site' || !draft.recordId) return { draft, current: undefined };
      try {
        return { draft, current: await sites.get(draft.recordId) };
      } catch (e) {
        return { draft, current: undefined, error: errorLine(e) };
      }
    }
    return () => {
      live = false;
    };
  }, [drafts, sites, users, active, token]);

  const width = shell.body.width;
  const height = shell.body.height;
  const selected = items?.[cursor];
  const listRows = Math.min(LIST_ROWS, items?.length ?? 1);
  const diffHeight = Math.max(1, height - 3 - listRows);
  const diff = useMemo(() => (selected ? draftDiffLines(selected, width) : []), [selected, width]);

  useScreenKeys<string>({
    keymap: confirm === 'adopt' ? adoptDraftKeymap : confirm === 'discard' ? discardDraftKeymap : items && items.length > 0 ? draftsKeymap : noDraftsKeymap,
    onAction(action) {
      if (confirm === 'adopt') {
        setConfirm(null);
        if ((action as AdoptDraftAction) === 'confirm' && selected) adopt(selected);
        return;
      }
      if (confirm === 'discard') {
        if ((action as DiscardDraftAction) === 'confirm' && selected) {
          drafts.discardStored(selected.draft);
          shell.notify(`discarded the draft of ${selected.draft.recordId ?? 'a new site'}`);
          setToken((t) => t + 1);
        }
        setConfirm(null);
        return;
      }
      switch (action as DraftsAction) {
        case 'down':
          setScroll(0);
          return setCursor((c) => Math.min((items?.length ?? 1) - 1, c + 1));
        case 'up':
          setScroll(0);
          return setCursor((c) => Math.max(0, c - 1));
        case 'scrollDown':
          return setScroll((s) => Math.min(Math.max(0, diff.length - diffHeight), s + diffHeight - 1));
        case 'scrollUp':
          return setScroll((s) => Math.max(0, s - diffHeight + 1));
        case 'later':
          if (items && items.length > 0) shell.notify(`kept ${items.length} draft${items.length === 1 ? '' : 's'} for later: the next start offers ${items.length === 1 ? 'it' : 'them'} again`);
          return shell.pop();
        case 'discard':
          if (selected) setConfirm('discard');
          return;
        case 'recover':
          if (!selected) return;
          // Another database's draft is never recovered here without its own yes.
          if (selected.foreign !== undefined) return setConfirm('adopt');
          if (selected.draft.id === NEW_SITE_DRAFT_ID) return shell.push({ name: 'site-new' });
          if (selected.error) return shell.notify(`cannot recover now: ${selected.error}`, 'error');
          if (selected.draft.entity === 'user' && selected.draft.recordId) return shell.push({ name: 'user-edit', userId: selected.draft.recordId });
          if (selected.draft.entity !== 'site' || !selected.draft.recordId) return shell.notify('this draft cannot be recovered here', 'warn');
          return shell.push({ name: 'site-edit', siteId: selected.draft.recordId });
      }
    },
  });

  /** Takes the other database's draft for this one (only the fields it changed, onto this row now) and opens it. */
  function adopt(item: DraftWithRow) {
    const taken = adoptedDraft(item);
    if ('error' in taken) return shell.notify(`not recovered: ${taken.error}`, 'error');
    try {
      drafts.adopt(item.draft, taken.draft);
    } catch (e) {
      return shell.notify(`not recovered: the draft could not be written: ${errorLine(e)}`, 'error');
    }
    setToken((t) => t + 1);
    shell.notify(`recovered a draft ${item.foreign} onto this database: review every change before saving`, 'warn');
    if (taken.draft.id === NEW_SITE_DRAFT_ID) return shell.push({ name: 'site-new' });
    if (taken.draft.entity === 'user' && taken.draft.recordId) return shell.push({ name: 'user-edit', userId: taken.draft.recordId });
    if (taken.draft.recordId) shell.push({ name: 'site-edit', siteId: taken.draft.recordId });
  }

  if (items === null) return <Text dimColor>looking at your drafts…</Text>;
  if (items.length === 0) {
    return <Text dimColor>No unsaved drafts left. Esc goes on to the sites.</Text>;
  }
  const top = Math.max(0, Math.min(cursor - listRows + 1, items.length - listRows));
  return (
    <Box flexDirection="column" width={width} height={height}>
      <Text bold color={tone('warn')} wrap="truncate-end">
        {truncate(`Unsaved drafts from an earlier session (${items.length}): recover, discard, or keep for later`, width)}
      </Text>
      {items.slice(top, top + listRows).map((item, i) => {
        const index = top + i;
        return (
          <Text key={item.draft.id} inverse={index === cursor} wrap="truncate-end">
            {fit(`${index === cursor ? '›' : ' '} ${draftRowText(item)}`, width)}
          </Text>
        );
      })}
      <Text dimColor wrap="truncate-end">
        {fit(
          `── ${selected ? `draft of ${selected.draft.entity === 'user' ? 'user ' : ''}${sanitizeLine(selected.draft.recordId ?? 'a new site')} ${selected.foreign !== undefined ? 'as it was changed there' : 'against the row now'}` : ''} `,
          width,
        )}
      </Text>
      <ScrollView lines={diff} offset={scroll} width={width} height={confirm === 'adopt' ? Math.max(1, diffHeight - 1) : diffHeight} />
      {confirm === 'adopt' && (
        <Text bold color={tone('error')} wrap="truncate-end">
          {fit(
            `⚠ this draft: ${truncateMiddle(selected?.draft.database ? sanitizeLine(selected.draft.database.label) : 'an unknown database', Math.floor((width - 40) / 2))} · this database: ${truncateMiddle(sanitizeLine(drafts.database?.label ?? ''), Math.floor((width - 40) / 2))}`,
            width,
          )}
        </Text>
      )}
      <Text bold={confirm !== null} color={confirm === 'adopt' ? tone('error') : confirm ? tone('warn') : undefined} dimColor={confirm === null} wrap="truncate-end">
        {truncate(
          confirm === 'adopt'
            ? 'Recover it here, on a database it was not made on? y recover here · n leave it'
            : confirm
              ? `Discard this draft of ${sanitizeLine(selected?.draft.recordId ?? '')}? Its changes are lost. y discard · n keep`
              : 'Enter recover · d discard · Esc keep all for later',
          width,
        )}
      </Text>
    </Box>
  );
}
