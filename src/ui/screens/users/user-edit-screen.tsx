import { useEffect, useMemo, useState } from 'react';
import { Box, Text } from 'ink';
import type { Draft } from '../../../lib/drafts.ts';
import { sanitizeLine } from '../../../lib/sanitize.ts';
import { isGoneError, isStaleEditError } from '../../../services/edit-errors.ts';
import { threeWay } from '../../../services/three-way.ts';
import type { UserRecord } from '../../../services/types.ts';
import { validateUserField } from '../../../services/validation/user-input.ts';
import { FieldRow } from '../../components/field-row.tsx';
import { handleLineInputKey, lineInput, lineInputCommand, lineInputKeymap, lineInputReducer, type LineInputKey, type LineInputState } from '../../components/line-input.tsx';
import { userDraftId, useDrafts } from '../../drafts-context.tsx';
import { useEditController } from '../../edit/use-edit-controller.ts';
import { startFromRowOrDraft, useEditStart, type EditStartState } from '../../edit/use-edit-start.ts';
import { DraftStateText } from '../../components/draft-state-text.tsx';
import { discardKeymap, type DiscardKey } from '../../keys/discard-keymap.ts';
import { combineKeymaps, type Keymap } from '../../keys/keymap.ts';
import { useServices } from '../../services-context.tsx';
import { PresenceGate } from '../../presence/presence-gate.tsx';
import { useScreenKeys, useShell } from '../../shell/shell-context.tsx';
import { formatDateTime } from '../../text/format.ts';
import { truncate } from '../../text/graphemes.ts';
import { tone } from '../../theme.ts';
import { useUserMoved } from './use-user-moved.ts';
import { USER_EDIT_FIELD } from './user-fields.ts';
import {
  userConflictKeymap,
  userEditKeymap,
  userGoneKeymap,
  userReviewKeymap,
  type UserConflictAction,
  type UserReviewAction,
  type UserEditAction,
  type UserGoneAction,
} from './users-keymap.ts';

/** The user as the edit began: the version and email a save is checked against. */
type Base = Pick<UserRecord, 'userId' | 'email' | 'version' | 'firstSeen'>;

type Start = { base: Base; email: string; notice?: string; gone: boolean };

/** The user and any draft of its edit; a draft wins (it is what was typed), checked against its own base. */
function useUserEditStart(userId: string): EditStartState<Start> {
  const { users } = useServices();
  const drafts = useDrafts();
  return useEditStart(
    async () => {
      const current = await users.get(userId);
      drafts.flushSync();
      const stored = drafts.get(userDraftId(userId));
      // A draft without an email is not a user edit's: the edit starts from the row.
      const draft = stored && typeof stored.fields.email === 'string' ? stored : null;
      return startFromRowOrDraft<UserRecord, Start>(current, draft, {
        row: (row) => ({ base: row, email: row.email, gone: false }),
        draft: (draft, row) => ({
          base: { userId, email: draft.base.email ?? row?.email ?? '', version: draft.baseVersion ?? row?.version ?? 1, firstSeen: row?.firstSeen ?? new Date() },
          email: draft.fields.email as string,
          notice: `resumed your unsaved draft from ${formatDateTime(draft.savedAt)}`,
          gone: row === null,
        }),
      });
    },
    (e) => (e instanceof Error ? ((e as { line?: string }).line ?? e.message) : String(e)),
    [users, drafts, userId],
  );
}

/** `e` on a user: the email is the one thing an admin changes (the id is the IdP's). */
export function UserEditScreen({ userId }: { userId: string }) {
  // Warns first when someone else is editing this user, and announces this edit while the form is open.
  return (
    <PresenceGate kind="user" id={userId}>
      <UserEditOpen userId={userId} />
    </PresenceGate>
  );
}

function UserEditOpen({ userId }: { userId: string }) {
  const start = useUserEditStart(userId);
  if (start.status === 'loading') return <Text dimColor>loading…</Text>;
  if (start.status === 'error') return <Text color={tone('error')}>{sanitizeLine(start.message)}</Text>;
  if (start.status === 'missing') return <Text color={tone('warn')}>No user with id {sanitizeLine(userId)}. Esc goes back.</Text>;
  return <UserEditForm base={start.start.base} initialEmail={start.start.email} notice={start.start.notice} gone={start.start.gone} />;
}

type Mode = { kind: 'edit' } | { kind: 'review' } | { kind: 'discard' } | { kind: 'conflict'; theirs: UserRecord } | { kind: 'gone' };

/**
 * The edit itself. What is typed is kept in a draft on disk while it differs from the stored email. A save
 * carries the version the edit began from: if only other columns moved on since (a sign-in bumps
 * `last_seen` and the version), it is applied onto the row as it is now; if the email itself was changed,
 * base / theirs / mine are shown and the person chooses; if the user was deleted, they may re-create it.
 */
function UserEditForm({ base, initialEmail, notice, gone }: { base: Base; initialEmail: string; notice: string | undefined; gone: boolean }) {
  const { users } = useServices();
  const shell = useShell();
  const [input, setInput] = useState<LineInputState>(() => lineInput(initialEmail));
  const [mode, setMode] = useState<Mode>(gone ? { kind: 'gone' } : { kind: 'edit' });
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const width = shell.body.width;
  const mine = input.value;
  const dirty = mine.trim() !== base.email;
  const moved = useUserMoved(base); // someone else saved or deleted the user meanwhile (issue #14.2)
  const check = validateUserField('email', mine);

  useEffect(() => {
    if (notice) shell.notify(notice);
  }, []);

  // The draft follows every change; an edit back to the stored email leaves none (not even a resumed one).
  const draft = useMemo(
    (): Draft => ({ id: userDraftId(base.userId), entity: 'user', recordId: base.userId, baseVersion: base.version, base: { email: base.email }, fields: { email: mine } }),
    [base, mine],
  );
  const controller = useEditController(draft, dirty, { label: base.userId, resumed: notice !== undefined });
  const done = controller.finish;

  const save = async (expectedVersion: number, attempt = 0): Promise<void> => {
    setBusy(true);
    setError(null);
    try {
      await users.update(base.userId, { email: mine }, { expectedVersion });
      done(`saved user ${base.userId}: email`);
    } catch (e) {
      if (isStaleEditError<UserRecord>(e)) {
        const theirs = e.details.theirs;
        // The one rule (services/three-way.ts): only other columns moved on (a sign-in bumps last_seen), so
        // the email is mine alone and goes onto their row; both changed it: base / theirs / mine, and a choice.
        const rule = threeWay(['email'] as const, { email: base.email }, theirs, { email: check.ok ? check.value : mine });
        if (rule.agreed.length > 0) return done(`user ${base.userId} already has this email (someone made the same change)`);
        if (rule.conflicts.length === 0 && attempt < 3) return save(theirs.version, attempt + 1);
        setMode({ kind: 'conflict', theirs });
      } else if (isGoneError(e)) {
        setMode({ kind: 'gone' });
      } else {
        setError(e instanceof Error ? ((e as { line?: string }).line ?? e.message) : String(e));
      }
    } finally {
      setBusy(false);
    }
  };

  const recreate = async () => {
    setBusy(true);
    setError(null);
    try {
      await users.create({ userId: base.userId, email: mine, firstSeen: base.firstSeen.toISOString() });
      done(`re-created user ${base.userId} with your email`);
    } catch (e) {
      setError(e instanceof Error ? ((e as { line?: string }).line ?? e.message) : String(e));
    } finally {
      setBusy(false);
    }
  };

  const keymap: Keymap<string> =
    mode.kind === 'conflict'
      ? userConflictKeymap
      : mode.kind === 'gone'
        ? userGoneKeymap
        : mode.kind === 'discard'
          ? discardKeymap
          : mode.kind === 'review'
            ? userReviewKeymap
            : combineKeymaps<string>(userEditKeymap, lineInputKeymap);

  useScreenKeys<string>({
    keymap,
    capturesText: mode.kind === 'edit',
    onAction(action) {
      if (busy) return;
      if (mode.kind === 'conflict') {
        switch (action as UserConflictAction) {
          case 'overwrite':
            return void save(mode.theirs.version);
          case 'theirs':
            controller.draft.discard();
            shell.notify(`kept ${base.userId}'s email as it is now; your change was dropped`);
            return shell.pop();
          case 'keep':
            return setMode({ kind: 'edit' });
        }
      }
      if (mode.kind === 'gone') {
        switch (action as UserGoneAction) {
          case 'recreate':
            return void recreate();
          case 'drop':
            return controller.dropDraft();
          case 'keep':
            return setMode({ kind: 'edit' });
        }
      }
      if (mode.kind === 'review') {
        if ((action as UserReviewAction) === 'confirm') return void save(base.version).then(() => setMode((m) => (m.kind === 'review' ? { kind: 'edit' } : m)));
        return setMode({ kind: 'edit' });
      }
      if (mode.kind === 'discard') {
        if ((action as DiscardKey) === 'discard') return controller.discardAndLeave();
        return setMode({ kind: 'edit' });
      }
      switch (action as UserEditAction) {
        case 'save':
          if (!check.ok) return setError(`fix this first: ${check.error}`);
          if (!dirty) {
            shell.notify('nothing changed');
            return shell.pop();
          }
          // Known to meet a conflict (or a deletion): the save is refused and shows it.
          if (moved?.conflict) return void save(base.version);
          return setMode({ kind: 'review' });
        case 'cancel':
          return controller.cancel(() => setMode({ kind: 'discard' }));
      }
      setInput((s) => lineInputReducer(s, lineInputCommand(action as LineInputKey)));
      setError(null);
    },
    onText(text, key) {
      if (busy || mode.kind !== 'edit') return mode.kind === 'edit';
      return handleLineInputKey(text, key, (a) => {
        setInput((s) => lineInputReducer(s, a));
        setError(null);
      });
    },
    onPaste(text) {
      if (mode.kind === 'edit') setInput((s) => lineInputReducer(s, { type: 'insert', text: text.replace(/\r?\n$/, '') }));
    },
  });

  const line = (label: string, value: string, strong = false) => (
    <Text bold={strong} wrap="truncate-end">
      {truncate(`    ${label.padEnd(8)}${sanitizeLine(value)}`, width)}
    </Text>
  );
  const footer = (() => {
    if (busy) return { text: 'saving…', color: undefined };
    if (error) return { text: error, color: tone('error') };
    switch (mode.kind) {
      case 'conflict':
        return { text: 'o save mine over theirs · t take theirs · Esc keep editing', color: tone('warn') };
      case 'gone':
        return { text: 'c re-create the user with my email · x discard my draft · Esc keep editing', color: tone('warn') };
      case 'discard':
        return { text: `Discard your change to ${base.userId}? y discard (the draft too) · n keep editing`, color: tone('warn') };
      case 'review':
        return { text: 'y / Ctrl-S save · Esc back to editing', color: undefined };
      default:
        return { text: 'Ctrl-S or Enter saves · Esc cancels', color: undefined };
    }
  })();

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
      <FieldRow label="user id" state={lineInput(base.userId)} focused={false} width={width} readOnly />
      <FieldRow label={USER_EDIT_FIELD.label} state={input} focused={mode.kind === 'edit'} width={width} error={check.ok ? undefined : check.error} hint={USER_EDIT_FIELD.hint} />
      <Text> </Text>
      {mode.kind === 'conflict' && (
        <>
          <Text bold color={tone('warn')} wrap="truncate-end">
            {truncate(`Someone changed this user's email since you began (v${base.version} → v${mode.theirs.version}); nothing was saved.`, width)}
          </Text>
          {line('base', base.email)}
          {line('theirs', mode.theirs.email)}
          {line('mine', mine, true)}
          <Text> </Text>
        </>
      )}
      {mode.kind === 'review' && (
        <>
          <Text bold wrap="truncate-end">
            {truncate(`Save this change to user ${sanitizeLine(base.userId)}? (recorded in its history)`, width)}
          </Text>
          <Text wrap="truncate-end">{truncate(`    email   ${sanitizeLine(base.email)} → ${sanitizeLine(mine.trim())}`, width)}</Text>
          <Text> </Text>
        </>
      )}
      {mode.kind === 'gone' && (
        <>
          <Text bold color={tone('warn')} wrap="truncate-end">
            {truncate(`User ${sanitizeLine(base.userId)} was deleted while you were editing it; nothing was saved. Your email is kept.`, width)}
          </Text>
          {line('mine', mine, true)}
          <Text> </Text>
        </>
      )}
      <Text color={footer.color} bold={mode.kind !== 'edit' && !error} dimColor={mode.kind === 'edit' && !error && !busy} wrap="truncate-end">
        {truncate(sanitizeLine(footer.text), width)}
      </Text>
    </Box>
  );
}
