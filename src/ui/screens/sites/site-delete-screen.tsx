import { useEffect, useState } from 'react';
import { Text } from 'ink';
import type { SiteRecord } from '../../../services/types.ts';
import { listedDomain } from '../../text/domain.ts';
import { sanitizeLine } from '../../../lib/sanitize.ts';
import { ConfirmTyped } from '../../components/confirm-typed.tsx';
import { useServices } from '../../services-context.tsx';
import { useScreenKeys, useShell } from '../../shell/shell-context.tsx';
import { formatCount } from '../../text/format.ts';
import { tone } from '../../theme.ts';
import { editorLine } from '../../presence/presence-text.ts';
import { useEditorsOf } from '../../presence/use-presence.ts';

/** `d`: what would be deleted, and the site id typed to confirm. */
export function SiteDeleteScreen({ siteId }: { siteId: string }) {
  const { sites } = useServices();
  const shell = useShell();
  const [site, setSite] = useState<SiteRecord | null | undefined>(undefined);
  // Someone editing the site would lose their edit to this delete: said before it is confirmed.
  const { editors } = useEditorsOf('site', siteId, true);
  useEffect(() => {
    let live = true;
    sites.get(siteId).then(
      (s) => live && setSite(s),
      () => live && setSite(null),
    );
    return () => {
      live = false;
    };
  }, [sites, siteId]);
  if (!site) return site === null ? <NotFound siteId={siteId} /> : <Text dimColor>loading…</Text>;
  return (
    <ConfirmTyped
      title={`Delete site ${sanitizeLine(site.siteId)}? n8n will no longer find it.`}
      details={[
        `domain   ${sanitizeLine(listedDomain(site.domain))}`,
        `brand    ${sanitizeLine(site.brandName)}`,
        `prompt   ${formatCount([...site.aiPrompt].length)} characters`,
        ...editors.map((e) => `✎ ${editorLine(e)}`),
      ]}
      expected={site.siteId}
      what={`site ${site.siteId}`}
      action={async () => {
        const version = (site as { version?: number }).version;
        // The version the person looked at: a site changed in the meantime is not deleted unseen (issue 4).
        await (sites.delete as (id: string, options?: { expectedVersion?: number }) => Promise<unknown>).call(
          sites,
          site.siteId,
          typeof version === 'number' ? { expectedVersion: version } : {},
        );
        return `deleted site ${site.siteId}`;
      }}
      onDone={(message) => {
        shell.notify(message, 'ok');
        // Back to the list (the detail of a deleted site has nothing to show).
        shell.reset({ name: 'sites' });
      }}
    />
  );
}

function NotFound({ siteId }: { siteId: string }) {
  useScreenKeys({ keymap: [], onAction() {} });
  return <Text color={tone('warn')}>No site with id {sanitizeLine(siteId)}. Esc goes back.</Text>;
}
