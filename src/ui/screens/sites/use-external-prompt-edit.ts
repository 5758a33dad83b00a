import { useCallback } from 'react';
import { editInExternalEditor } from '../../editor/external-editor.ts';
import { useServices } from '../../services-context.tsx';
import { useShell } from '../../shell/shell-context.tsx';

/**
 * `E` on a list or detail: the site's prompt in $EDITOR. A changed prompt opens the edit form with it, so
 * it still goes through the review (diff) before anything is written; an unchanged file does nothing.
 */
export function useExternalPromptEdit(): (siteId: string) => Promise<void> {
  const { sites } = useServices();
  const shell = useShell();
  return useCallback(
    async (siteId: string) => {
      try {
        const site = await sites.get(siteId);
        if (!site) {
          shell.notify(`site ${siteId} no longer exists`, 'error');
          return;
        }
        const result = await shell.suspend(() => editInExternalEditor(site.aiPrompt, { name: siteId }));
        if (!result.changed) {
          shell.notify('prompt unchanged in the editor: nothing to save');
          return;
        }
        shell.push({ name: 'site-edit', siteId, prompt: result.text });
        shell.notify('prompt changed in the editor: Ctrl-S to review and save', 'accent');
      } catch (error) {
        shell.notify(error instanceof Error ? error.message : String(error), 'error');
      }
    },
    [sites, shell],
  );
}
