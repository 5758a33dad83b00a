import { useEffect, useMemo, useState } from 'react';
import { Box, Text } from 'ink';
import type { SiteRecord } from '../../../services/types.ts';
import { listedDomain, mixedScriptWarning, shownDomain } from '../../text/domain.ts';
import { SITE_FIELD_LABELS, SITE_LINE_FIELDS } from '../../../schema/site-schema.ts';
import { sanitizeLine } from '../../../lib/sanitize.ts';
import { hiddenTextWarning } from '../../../lib/hidden-text.ts';
import { combineKeymaps, disableActions } from '../../keys/keymap.ts';
import { useWriteBlock } from '../../hooks/use-write-gate.ts';
import { ScrollView, scrollBy, scrollKeymap, type ScrollAction, type ViewLine } from '../../components/scroll-view.tsx';
import { useServices } from '../../services-context.tsx';
import { useRowWatch } from '../../live/use-row-watch.ts';
import { useScreenActive, useScreenKeys, useShell } from '../../shell/shell-context.tsx';
import { formatInstant } from '../../text/format.ts';
import { truncate } from '../../text/graphemes.ts';
import { formatPromptStats, promptStats } from '../../text/prompt-stats.ts';
import { wrapText } from '../../text/wrap.ts';
import { tone } from '../../theme.ts';
import { useExternalPromptEdit } from './use-external-prompt-edit.ts';
import { usePresenceLines } from '../../presence/presence-lines.tsx';
import { SITE_DETAIL_WRITE_ACTIONS, siteDetailKeymap, type SiteDetailAction } from './site-detail-keymap.ts';

/** Every field of a site as label/value lines, then its prompt wrapped to the width. */
export function siteDetailLines(site: SiteRecord, width: number): ViewLine[] {
  const field = (label: string, value: string | null): ViewLine => ({ text: truncate(`${label.padEnd(18)}${value ?? '—'}`, width) });
  const domain = shownDomain(site.domain);
  const mixed = mixedScriptWarning(site.domain);
  const lines: ViewLine[] = [
    // The one-line fields in form order, from the schema table; the domain in its Unicode form beside what is stored.
    ...SITE_LINE_FIELDS.map((f) => {
      const value = f === 'domain' ? `${domain === site.domain ? domain : `${domain}  (${site.domain})`}${mixed ? `  ⚠ ${mixed}` : ''}` : site[f];
      return field(SITE_FIELD_LABELS[f], value === null ? null : sanitizeLine(value));
    }),
    field('created', formatInstant(site.createdAt)),
    { text: '' },
    { text: truncate(`Prompt  ${formatPromptStats(promptStats(site.aiPrompt))}`, width), bold: true },
  ];
  const hidden = hiddenTextWarning('the prompt', site.aiPrompt);
  if (hidden) lines.push({ text: truncate(`⚠ ${hidden}`, width), tone: 'warn', bold: true });
  if (site.aiPrompt === '') lines.push({ text: '(empty)', dim: true });
  for (const row of wrapText(site.aiPrompt, width)) lines.push({ text: row });
  return lines;
}

/** One site: all its fields and the whole prompt, scrollable. */
export function SiteDetailScreen({ siteId }: { siteId: string }) {
  const { sites } = useServices();
  const shell = useShell();
  const readOnly = useWriteBlock('sites');
  const active = useScreenActive();
  const editExternal = useExternalPromptEdit();
  const [site, setSite] = useState<SiteRecord | null | undefined>(undefined);
  const [error, setError] = useState<string | null>(null);
  const [offset, setOffset] = useState(0);
  const [token, setToken] = useState(0);

  useEffect(() => {
    if (!active) return;
    let live = true;
    sites.get(siteId).then(
      (s) => live && (setSite(s), setError(null)),
      (e: unknown) => live && setError(e instanceof Error ? e.message : String(e)),
    );
    return () => {
      live = false;
    };
  }, [sites, siteId, active, token]);

  // Changed or deleted by anyone: shown at once, scrolled where it was.
  useRowWatch('sites', siteId, sites.get, setSite, { active, known: site === undefined ? undefined : (site?.version ?? null) });

  const width = shell.body.width;
  const presence = usePresenceLines('site', siteId, active, width);
  const height = shell.body.height - 1 - (site ? presence.lines.length : 0);
  const lines = useMemo(() => (site ? siteDetailLines(site, width) : []), [site, width]);
  const keymap = useMemo(
    () =>
      combineKeymaps<SiteDetailAction>(
        site ? disableActions<SiteDetailAction>(siteDetailKeymap, SITE_DETAIL_WRITE_ACTIONS, readOnly) : site === null ? siteDetailKeymap.filter((b) => b.action === 'history') : [],
        scrollKeymap,
      ),
    [site, readOnly],
  );

  useScreenKeys<SiteDetailAction>({
    keymap,
    onAction(action) {
      if (readOnly && SITE_DETAIL_WRITE_ACTIONS.includes(action)) return;
      switch (action) {
        case 'history':
          return shell.push({ name: 'site-history', siteId });
        case 'edit':
          return shell.push({ name: 'site-edit', siteId });
        case 'editExternal':
          return void editExternal(siteId);
        case 'delete':
          return shell.push({ name: 'site-delete', siteId });
        case 'reload':
          return setToken((t) => t + 1);
        default:
          setOffset((o) => scrollBy(action as ScrollAction, o, lines.length, height));
      }
    },
  });

  return (
    <Box flexDirection="column" width={width}>
      <Text bold wrap="truncate-end">
        Site {sanitizeLine(siteId)}
        {site && <Text dimColor>{`  ${sanitizeLine(listedDomain(site.domain))}`}</Text>}
      </Text>
      {error && <Text color={tone('error')}>{truncate(sanitizeLine(error), width)}</Text>}
      {site === undefined && !error && <Text dimColor>loading…</Text>}
      {site === null && <Text color={tone('warn')}>No site with id {sanitizeLine(siteId)} (deleted?). Esc goes back.</Text>}
      {site && presence.lines}
      {site && <ScrollView lines={lines} offset={offset} width={width} height={height - (error ? 1 : 0)} />}
    </Box>
  );
}
