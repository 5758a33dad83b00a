import { useEffect, useState } from 'react';
import { Box, Text, useApp, useInput, useStdin } from 'ink';
import { useServices } from '../../services-context.tsx';
import { sanitizeLine } from '../../../lib/sanitize.ts';
import type { SiteSummary } from '../../../services/types.ts';
import { actionFor } from '../../keys/keymap.ts';
import { KeyHints } from '../../components/key-hints.tsx';
import { sitesKeymap } from './sites-keymap.ts';

export function SitesScreen() {
  const { sites } = useServices();
  const { exit } = useApp();
  const { isRawModeSupported } = useStdin();
  const [rows, setRows] = useState<SiteSummary[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [cursor, setCursor] = useState(0);

  useEffect(() => {
    let live = true;
    sites.list({ sort: 'siteId' }).then(
      (page) => live && setRows(page.rows),
      (e: unknown) => live && setError(e instanceof Error ? e.message : String(e)),
    );
    return () => {
      live = false;
    };
  }, [sites]);

  useInput(
    (input, key) => {
      const count = rows?.length ?? 0;
      switch (actionFor(sitesKeymap, input, key)) {
        case 'down':
          setCursor((c) => Math.min(c + 1, Math.max(0, count - 1)));
          break;
        case 'up':
          setCursor((c) => Math.max(0, c - 1));
          break;
        case 'top':
          setCursor(0);
          break;
        case 'bottom':
          setCursor(Math.max(0, count - 1));
          break;
        case 'quit':
          exit();
          break;
        default:
          break;
      }
    },
    { isActive: isRawModeSupported },
  );

  return (
    <Box flexDirection="column" flexGrow={1}>
      <Text bold>Sites{rows ? ` (${rows.length})` : ''}</Text>
      {error && <Text color="red">{sanitizeLine(error)}</Text>}
      {!rows && !error && <Text dimColor>loading sites…</Text>}
      {rows && rows.length === 0 && <Text dimColor>No sites yet.</Text>}
      {rows && rows.length > 0 && (
        <Box flexDirection="column">
          <Text dimColor>{'  ' + 'SITE'.padEnd(20) + 'DOMAIN'.padEnd(28) + 'BRAND'.padEnd(20) + 'LANG'}</Text>
          {rows.map((row, i) => (
            <Text key={row.siteId} inverse={i === cursor}>
              {(i === cursor ? '› ' : '  ') +
                sanitizeLine(row.siteId).padEnd(20) +
                sanitizeLine(row.domain).padEnd(28) +
                sanitizeLine(row.brandName).padEnd(20) +
                sanitizeLine(row.language)}
            </Text>
          ))}
        </Box>
      )}
      <Box marginTop={1}>
        <KeyHints keymap={sitesKeymap} />
      </Box>
    </Box>
  );
}
