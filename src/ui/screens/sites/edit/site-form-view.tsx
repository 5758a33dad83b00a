import type { ReactNode } from 'react';
import { Box, Text } from 'ink';
import { SITE_FIELD_LABELS } from '../../../../schema/site-schema.ts';
import { sanitizeLine } from '../../../../lib/sanitize.ts';
import { DraftStateText } from '../../../components/draft-state-text.tsx';
import { FieldRow } from '../../../components/field-row.tsx';
import { siteDraftId } from '../../../drafts-context.tsx';
import { PromptEditorPane } from '../../../editor/prompt-editor.tsx';
import { mixedScriptWarning } from '../../../text/domain.ts';
import { truncate } from '../../../text/graphemes.ts';
import { tone } from '../../../theme.ts';
import { SITE_FIELD_HINTS, SITE_LINE_FIELDS, type SiteLineField } from '../site-changes.ts';
import type { SiteEdit } from './use-site-edit.ts';

/** The fewest prompt lines the edit form shows while the prompt is edited. */
const MIN_EDITOR_ROWS = 5;

/**
 * Title, the fields, the prompt's label, its status and the bottom line; on a short terminal (a phone's
 * 60×15) the fields fold into one line while the prompt is edited, so it keeps at least five lines.
 */
export function formLayout(edit: SiteEdit): { folded: boolean; editorView: { width: number; height: number } } {
  const { width, height } = edit.shell.body;
  // The line saying someone else changed the site meanwhile (issue #14.2) takes a row when shown.
  const notice = edit.moved ? 1 : 0;
  const unfolded = height - 1 - SITE_LINE_FIELDS.length - 1 - 1 - 1 - notice;
  const folded = edit.focus === 'aiPrompt' && unfolded < MIN_EDITOR_ROWS;
  return { folded, editorView: { width, height: Math.max(1, folded ? height - 1 - 1 - 1 - 1 - 1 - notice : unfolded) } };
}

/** The form as the editing and discard modes draw it; `bottom` is the mode's last line. */
export function SiteFormView({ edit, bottom }: { edit: SiteEdit; bottom: ReactNode }) {
  const { base, form, focus, checks, changes, invalid, dirty, values, serviceErrors, prompt } = edit;
  const { width, height } = edit.shell.body;
  const { folded, editorView } = formLayout(edit);

  const noteFor = (f: SiteLineField): string | undefined => {
    const c = checks[f];
    if (!c.ok || c.value === null) return undefined;
    const mixed = f === 'domain' ? mixedScriptWarning(c.value) : undefined;
    const stored = c.value !== form.inputs[f].value.trim() ? `stored as ${sanitizeLine(c.value)}` : undefined;
    return mixed ? `${stored ? `${stored} · ` : ''}⚠ ${sanitizeLine(mixed)}` : stored;
  };

  return (
    <Box flexDirection="column" width={width} height={height}>
      <Text wrap="truncate-end">
        <Text bold>Edit site {sanitizeLine(base.siteId)}</Text>
        <Text color={dirty ? tone('warn') : undefined} dimColor={!dirty}>
          {dirty ? `  ● ${changes.length} change${changes.length === 1 ? '' : 's'}${invalid.length ? `, ${invalid.length} invalid` : ''}` : '  unchanged'}
        </Text>
        {dirty && <DraftStateText id={siteDraftId(base.siteId)} />}
      </Text>
      {edit.moved && (
        <Text bold color={tone('warn')} wrap="truncate-end">
          {truncate(edit.moved, width)}
        </Text>
      )}
      {folded && (
        <Text dimColor wrap="truncate-end">
          {truncate(`  ${SITE_LINE_FIELDS.length} fields above (Shift-Tab)${invalid.some((f) => f !== 'aiPrompt') ? ' · some invalid' : ''}: ${SITE_LINE_FIELDS.slice(1).map((f) => sanitizeLine(values[f]) || '—').join(' · ')}`, width)}
        </Text>
      )}
      {!folded && SITE_LINE_FIELDS.map((f) => (
        <FieldRow
          key={f}
          label={SITE_FIELD_LABELS[f]}
          state={form.inputs[f]}
          focused={focus === f}
          width={width}
          readOnly={f === 'siteId'}
          error={checks[f].ok ? serviceErrors[f] : checks[f].error}
          warning={checks[f].warning}
          note={noteFor(f)}
          hint={SITE_FIELD_HINTS[f]}
        />
      ))}
      <Text wrap="truncate-end">
        <Text bold={focus === 'aiPrompt'}>{focus === 'aiPrompt' ? '› ' : '  '}Prompt</Text>
        {checks.aiPrompt.ok ? (
          <Text dimColor>{focus === 'aiPrompt' ? '  Enter new line · Tab next field · Ctrl-O $EDITOR' : '  Tab here to edit'}</Text>
        ) : (
          <Text color={tone('error')}>{`  ✗ ${truncate(checks.aiPrompt.error ?? '', width - 12)}`}</Text>
        )}
      </Text>
      <PromptEditorPane store={prompt} width={width} height={editorView.height} focused={focus === 'aiPrompt'} />
      {bottom}
    </Box>
  );
}
