import { Text } from 'ink';
import type { SiteRecord } from '../../../services/types.ts';
import { sanitizeLine } from '../../../lib/sanitize.ts';
import { tone } from '../../theme.ts';
import { ConflictMode } from './edit/modes/conflict-mode.tsx';
import { DiscardMode } from './edit/modes/discard-mode.tsx';
import { EditingMode } from './edit/modes/editing-mode.tsx';
import { GoneMode } from './edit/modes/gone-mode.tsx';
import { NoteMode } from './edit/modes/note-mode.tsx';
import { ReviewMode } from './edit/modes/review-mode.tsx';
import { SavingMode } from './edit/modes/saving-mode.tsx';
import { useSiteEdit } from './edit/use-site-edit.ts';
import { useSiteEditStart, type EditStart } from './use-site-edit-start.ts';
import { PresenceGate } from '../../presence/presence-gate.tsx';

/**
 * `e`: loads the site and any draft of it (a dropped session's, or one kept for later), then hands both to
 * the form, which keeps its draft however long the person takes.
 */
type SiteEditProps = { siteId: string; prompt?: string | undefined; base?: SiteRecord | undefined; endedBy?: string | undefined };

export function SiteEditScreen(props: SiteEditProps) {
  // Warns first when someone else is editing this site, and announces this edit while the form is open.
  return (
    <PresenceGate kind="site" id={props.siteId} warn={props.prompt === undefined}>
      <SiteEditOpen {...props} />
    </PresenceGate>
  );
}

function SiteEditOpen({ siteId, prompt, base, endedBy }: SiteEditProps) {
  const start = useSiteEditStart(siteId, prompt, base, endedBy);
  if (start.status === 'error') return <Text color={tone('error')}>{sanitizeLine(start.message)}</Text>;
  if (start.status === 'loading') return <Text dimColor>loading {sanitizeLine(siteId)}…</Text>;
  if (start.status === 'missing') return <Text color={tone('warn')}>No site with id {sanitizeLine(siteId)} (deleted?). Esc goes back.</Text>;
  return <SiteEditForm start={start.start} />;
}

/**
 * The edit form: every field, validated as you type with the services' validators; Tab/Shift-Tab between
 * fields; the prompt in the built-in editor; Ctrl-S to the review (changed fields and the prompt's diff,
 * and an optional note); y saves through the service with the version the edit is based on. A save that
 * meets someone else's change shows base / theirs / mine and lets the person choose; a deleted site can be
 * re-created from the edit. Every change is in a draft on disk until the save commits.
 *
 * The state lives in one controller (edit/use-site-edit.ts); each mode is its own component with its own
 * keymap (edit/modes/), so a new mode is a new file and one line here.
 */
export function SiteEditForm({ start }: { start: EditStart }) {
  const edit = useSiteEdit(start);
  switch (edit.form.mode) {
    case 'review':
      return <ReviewMode edit={edit} />;
    case 'note':
      return <NoteMode edit={edit} />;
    case 'saving':
      return <SavingMode edit={edit} />;
    case 'conflict':
      if (edit.conflict) return <ConflictMode edit={edit} conflict={edit.conflict} />;
      break;
    case 'gone':
      if (edit.gone) return <GoneMode edit={edit} gone={edit.gone} />;
      break;
    case 'discard':
      return <DiscardMode edit={edit} />;
  }
  return <EditingMode edit={edit} />;
}
