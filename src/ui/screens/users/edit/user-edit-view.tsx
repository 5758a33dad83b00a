import { Box, Text } from 'ink';
import { sanitizeLine } from '../../../../lib/sanitize.ts';
import { DraftStateText } from '../../../components/draft-state-text.tsx';
import { FieldRow } from '../../../components/field-row.tsx';
import { lineInput } from '../../../components/line-input.tsx';
import type { ViewLine } from '../../../components/scroll-view.tsx';
import { userDraftId } from '../../../drafts-context.tsx';
import { truncate } from '../../../text/graphemes.ts';
import { tone, type Tone } from '../../../theme.ts';
import type { UserEdit } from './use-user-edit.ts';
import { USER_EDIT_FIELDS, USER_ID_FIELD } from './user-edit-values.ts';

/**
 * The user edit form as every mode draws it: the title (and the draft's state), the line saying the user
 * moved on meanwhile, the id and the edited fields, the mode's own `lines`, and its footer: `choices`
 * unless a save is running or failed.
 */
export function UserEditView({ edit, lines = [], choices, choicesTone }: { edit: UserEdit; lines?: ViewLine[]; choices: string; choicesTone?: Tone }) {
  const { base, mode, inputs, errors, moved, busy, error, dirty } = edit;
  const width = edit.shell.body.width;
  const editing = mode.kind === 'edit';
  const footer = busy ? { text: 'saving…', color: undefined } : error ? { text: error, color: tone('error') } : { text: choices, color: choicesTone ? tone(choicesTone) : undefined };
  return (
    <Box flexDirection="column" width={width}>
      <Text wrap="truncate-end">
        <Text bold>{truncate(`Edit user ${sanitizeLine(base.userId)}`, width)}</Text>
        {dirty && <DraftStateText id={userDraftId(base.userId)} />}
      </Text>
      {moved && (
        <Text bold color={tone('warn')} wrap="truncate-end">
          {truncate(moved.text, width)}
        </Text>
      )}
      <FieldRow label={USER_ID_FIELD.label} state={lineInput(base.userId)} focused={false} width={width} readOnly />
      {USER_EDIT_FIELDS.map((f, i) => (
        <FieldRow key={f.name} label={f.label} state={inputs[f.name]!} focused={editing && i === edit.focus} width={width} error={errors[f.name]} hint={f.hint} />
      ))}
      <Text> </Text>
      {lines.map((line, i) => (
        <Text key={i} color={line.tone ? tone(line.tone) : undefined} bold={line.bold} dimColor={line.dim} wrap="truncate-end">
          {truncate(line.text, width)}
        </Text>
      ))}
      <Text color={footer.color} bold={!editing && !error} dimColor={editing && !error && !busy} wrap="truncate-end">
        {truncate(sanitizeLine(footer.text), width)}
      </Text>
    </Box>
  );
}
