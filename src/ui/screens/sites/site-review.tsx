import { Box, Text } from 'ink';
import type { SiteRecord } from '../../../services/types.ts';
import { mixedScriptWarning, shownDomain } from '../../text/domain.ts';
import { sanitizeLine } from '../../../lib/sanitize.ts';
import { ScrollView, type ViewLine } from '../../components/scroll-view.tsx';
import { LineInput, type LineInputState } from '../../components/line-input.tsx';
import { truncate } from '../../text/graphemes.ts';
import { codePointLength } from '../../text/graphemes.ts';
import { tone } from '../../theme.ts';
import type { FieldChange } from './site-changes.ts';
import { diffCounts, promptDiffLines } from './prompt-diff.ts';
import { hiddenTextWarning } from '../../../lib/hidden-text.ts';

const show = (field: FieldChange['field'], value: string | null): string => {
  if (value === null || value === '') return '(empty)';
  return sanitizeLine(field === 'domain' ? shownDomain(value) : value);
};

/**
 * Warnings about the site as it would be saved, first in the review so they are seen before y: text hidden
 * in the prompt (a language model reads it, a person does not see it).
 */
export function saveWarnings(prompt: string, width: number, domainWarning?: string): ViewLine[] {
  const lines: ViewLine[] = [];
  if (domainWarning) lines.push({ text: truncate(`⚠ domain: ${sanitizeLine(domainWarning)}; it can pass for another domain`, width), tone: 'warn', bold: true });
  const hidden = hiddenTextWarning('the prompt', prompt);
  if (hidden) lines.push({ text: truncate(`⚠ ${hidden} (shown as \\u{…} below)`, width), tone: 'warn', bold: true });
  return lines;
}

/** The warning about a domain being set whose label mixes scripts, if the changes set one. */
export function changedDomainWarning(changes: FieldChange[]): string | undefined {
  const domain = changes.find((c) => c.field === 'domain')?.after;
  return domain ? mixedScriptWarning(domain) : undefined;
}

/** What the review screen lists: warnings, each changed field old → new, then the prompt's unified diff. */
export function reviewLines(changes: FieldChange[], width: number, savedPrompt = ''): ViewLine[] {
  const lines: ViewLine[] = [...saveWarnings(savedPrompt, width, changedDomainWarning(changes)), { text: `Changed: ${changes.map((c) => c.label).join(', ')}`, bold: true }];
  for (const c of changes) {
    if (c.field === 'aiPrompt') {
      const { added, removed } = diffCounts(c.before ?? '', c.after ?? '');
      lines.push({
        text: truncate(`  ${c.label.padEnd(18)}+${added} −${removed} lines (${codePointLength(c.before ?? '').toLocaleString('en')} → ${codePointLength(c.after ?? '').toLocaleString('en')} chars)`, width),
      });
    } else {
      const ascii = c.field === 'domain' && c.after && shownDomain(c.after) !== c.after ? `  (stored as ${c.after})` : '';
      lines.push({ text: truncate(`  ${c.label.padEnd(18)}${show(c.field, c.before)} → ${show(c.field, c.after)}${ascii}`, width) });
    }
  }
  const prompt = changes.find((c) => c.field === 'aiPrompt');
  if (prompt) {
    lines.push({ text: '' });
    lines.push(...promptDiffLines(prompt.before ?? '', prompt.after ?? '', width));
  }
  return lines;
}

/** The review step: a title, the changes, an optional note, and the save/back question (or the service's error). */
export function SiteReview({
  original,
  lines,
  offset,
  width,
  height,
  saving,
  error,
  isNew,
  note,
  noteFocused = false,
  confirmMixedScript = false,
}: {
  original: Pick<SiteRecord, 'siteId'>;
  lines: ViewLine[];
  offset: number;
  width: number;
  height: number;
  saving: boolean;
  error: string | null;
  isNew?: boolean;
  /** The note line (edits only): Tab or N focuses it. */
  note?: LineInputState;
  noteFocused?: boolean;
  /** The domain mixes scripts: saving needs M, not y. */
  confirmMixedScript?: boolean;
}) {
  const noteLabel = 'note ';
  return (
    <Box flexDirection="column" width={width} height={height}>
      <Text bold wrap="truncate-end">
        {isNew ? 'Create site' : 'Review changes to'} {sanitizeLine(original.siteId)}
      </Text>
      <ScrollView lines={lines} offset={offset} width={width} height={Math.max(1, height - (note ? 3 : 2))} />
      {note && (
        <Box width={width} height={1}>
          <Text bold={noteFocused}>{noteFocused ? '› ' : '  '}{noteLabel}</Text>
          {note.value === '' && !noteFocused ? (
            <Text dimColor>{truncate('(optional: why, kept in the history; Tab or N to write one)', Math.max(0, width - 7))}</Text>
          ) : (
            <LineInput state={note} width={Math.max(8, width - 8)} focused={noteFocused} />
          )}
        </Box>
      )}
      {error ? (
        <Text color={tone('error')} wrap="truncate-end">
          {truncate(sanitizeLine(error), width)}
        </Text>
      ) : (
        <Text bold wrap="truncate-end">
          {saving
            ? 'saving…'
            : isNew
              ? 'Create this site? y/Enter create · n/Esc back'
              : confirmMixedScript
                ? noteFocused
                  ? 'Tab/Esc leaves the note; then M saves the mixed-script domain'
                  : 'The domain mixes scripts: M saves it as meant · N note · n/Esc back to editing'
                : noteFocused
                  ? 'Enter saves with this note · Tab/Esc leaves the note'
                  : 'Save these changes? y/Enter save · N note · n/Esc back to editing'}
        </Text>
      )}
    </Box>
  );
}
