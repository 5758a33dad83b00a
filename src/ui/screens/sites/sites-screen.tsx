import { useCallback, useMemo } from 'react';
import type { ListOptions, SiteSortKey } from '../../../services/types.ts';
import { ResourceBrowser } from '../../browser/resource-browser.tsx';
import { disableActions, formatKeys } from '../../keys/keymap.ts';
import { useWriteBlock } from '../../hooks/use-write-gate.ts';
import { useServices } from '../../services-context.tsx';
import { useScreenActive, useShell } from '../../shell/shell-context.tsx';
import { usePresenceMarks } from '../../presence/use-presence.ts';
import { useExternalPromptEdit } from './use-external-prompt-edit.ts';
import { siteColumns, siteSortKeys } from './site-columns.ts';
import { SITES_ROW_ACTIONS, SITES_WRITE_ACTIONS, sitesKeymap, type SitesAction } from './sites-keymap.ts';

/** The first screen: every site, filtered on the server as you type. */
export function SitesScreen() {
  const { sites } = useServices();
  const shell = useShell();
  const editing = usePresenceMarks('site', useScreenActive());
  const readOnly = useWriteBlock('sites');
  const editExternal = useExternalPromptEdit();
  const fetch = useCallback((options: ListOptions<SiteSortKey>) => sites.list(options), [sites]);
  const keymap = useMemo(() => disableActions(sitesKeymap, SITES_WRITE_ACTIONS, readOnly), [readOnly]);
  const live = useMemo(() => ({ table: 'sites' as const, noun: 'site', gone: async (id: string) => (await sites.get(id)) === null }), [sites]);
  const newKey = formatKeys(sitesKeymap.find((b) => b.action === 'new')!);
  return (
    <ResourceBrowser
      title="Sites"
      columns={siteColumns}
      fetch={fetch}
      {...(sites.firstPage ? { initialPage: sites.firstPage } : {})}
      sortKeys={siteSortKeys}
      initialSort="siteId"
      rowKey={(s) => s.siteId}
      rowMark={(s) => editing.marked(s.siteId)}
      {...(editing.count > 0 ? { note: `✎ ${editing.count} being edited elsewhere` } : {})}
      live={live}
      keymap={keymap}
      rowActions={SITES_ROW_ACTIONS}
      filterHint="id, domain or brand"
      empty={readOnly ? 'No sites yet.' : `No sites yet. Press ${newKey} to create one, or run cabinet seed --demo in a shell for demo data (? shows both).`}
      onAction={(action: SitesAction, row) => {
        // The shell never delivers a disabled key; this is the second lock on the door.
        if (readOnly && SITES_WRITE_ACTIONS.includes(action)) return;
        if (action === 'new') return shell.push({ name: 'site-new' });
        if (!row) return;
        switch (action) {
          case 'open':
            return shell.push({ name: 'site', siteId: row.siteId });
          case 'edit':
            return shell.push({ name: 'site-edit', siteId: row.siteId });
          case 'editExternal':
            return void editExternal(row.siteId);
          case 'delete':
            return shell.push({ name: 'site-delete', siteId: row.siteId });
          case 'history':
            return shell.push({ name: 'site-history', siteId: row.siteId });
        }
      }}
    />
  );
}
