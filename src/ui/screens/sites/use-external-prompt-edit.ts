import { useCallback } from 'react';
import { siteDraftId, useDrafts } from '../../drafts-context.tsx';
import { editInExternalEditor } from '../../editor/external-editor.ts';
import { useServices } from '../../services-context.tsx';
import { useShell } from '../../shell/shell-context.tsx';
import { formValuesOf } from './site-changes.ts';
import { siteDraft } from './use-site-draft.ts';
import { usePresenceCheck } from '../../presence/use-presence-check.ts';

/**
 * `E` on a list or detail: the site's prompt in $EDITOR. The editor's file belongs to a draft of the site,
 * so a dropped session while the editor runs is recoverable. A changed prompt opens the edit form with
 * it, so it still goes through the review (diff) before anything is written; an unchanged file does
 * nothing. A site that already has a draft opens the form on the draft instead (never overwrite it).
 */
export function useExternalPromptEdit(): (siteId: string) => Promise<void> {
  const { sites, presence } = useServices();
  const check = usePresenceCheck();
  const drafts = useDrafts();
  const shell = useShell();
  return useCallback(
    async (siteId: string) => {
      try {
        if (drafts.get(siteDraftId(siteId))) {
          shell.push({ name: 'site-edit', siteId });
          shell.notify('you have an unsaved draft of this site: resumed it (Ctrl-O opens the prompt in $EDITOR)', 'accent');
          return;
        }
        // Someone else editing it: the first E says who; E again opens the editor anyway.
        if (!(await check('site', siteId, 'E'))) return;
        const site = await sites.get(siteId);
        if (!site) {
          shell.notify(`site ${siteId} no longer exists`, 'error');
          return;
        }
        const draft = siteDraft(site, formValuesOf(site));
        // Announced while the editor runs; the form it opens announces its own.
        const release = presence?.claim('site', siteId);
        const result = await shell
          .suspend(() =>
            editInExternalEditor(site.aiPrompt, {
            name: siteId,
            draft: {
              attach: (text) => drafts.attachEditorFile(draft, 'aiPrompt', text),
              detach: (text) => drafts.detachEditorFile({ ...draft, fields: { ...draft.fields, ...(text === null ? {} : { aiPrompt: text }) } }),
              keep: (text) => drafts.keepEditorText(draft, 'aiPrompt', text),
            },
          }),
          )
          .catch((error: unknown) => {
            // The editor failed: its draft holds nothing new.
            drafts.discard(draft.id);
            throw error;
          })
          .finally(() => release?.());
        if (!result.changed) {
          drafts.discard(draft.id);
          shell.notify('prompt unchanged in the editor: nothing to save');
          return;
        }
        // The form's first line says the prompt came from the editor (and a signal that ended it), in every
        // case it opens on: as it was, rebased onto a newer row, a conflict, a deleted site.
        shell.push({ name: 'site-edit', siteId, prompt: result.text, base: site, ...(result.endedBy ? { endedBy: result.endedBy } : {}) });
      } catch (error) {
        shell.notify(error instanceof Error ? error.message : String(error), 'error');
      }
    },
    [sites, drafts, shell, presence, check],
  );
}
