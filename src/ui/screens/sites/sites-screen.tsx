import { useCallback } from 'react';
import type { ListOptions, SiteSortKey } from '../../../services/types.ts';
import { ResourceBrowser } from '../../browser/resource-browser.tsx';
import { useServices } from '../../services-context.tsx';
import { useShell } from '../../shell/shell-context.tsx';
import { useExternalPromptEdit } from './use-external-prompt-edit.ts';
import { siteColumns, siteSortKeys } from './site-columns.ts';
import { sitesKeymap, sitesReadOnlyKeymap, type SitesAction } from './sites-keymap.ts';

/** The first screen: every site, filtered on the server as you type. */
export function SitesScreen() {
  const { sites, connection } = useServices();
  const shell = useShell();
  const editExternal = useExternalPromptEdit();
  const fetch = useCallback((options: ListOptions<SiteSortKey>) => sites.list(options), [sites]);
  return (
    <ResourceBrowser
      title="Sites"
      columns={siteColumns}
      fetch={fetch}
      sortKeys={siteSortKeys}
      initialSort="siteId"
      rowKey={(s) => s.siteId}
      keymap={connection.readOnly ? sitesReadOnlyKeymap : sitesKeymap}
      filterHint="id, domain or brand"
      empty="No sites yet. Press n to create one."
      onAction={(action: SitesAction, row) => {
        if (connection.readOnly) return action === 'open' && row ? shell.push({ name: 'site', siteId: row.siteId }) : undefined;
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
        }
      }}
    />
  );
}
