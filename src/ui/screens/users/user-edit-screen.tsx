import { useEffect, useRef, useState } from 'react';
import { Box, Text } from 'ink';
import type { Draft } from '../../../lib/drafts.ts';
import { sanitizeLine } from '../../../lib/sanitize.ts';
import type { StaleDetails } from '../../../services/edit-errors.ts';
import { threeWay } from '../../../services/three-way.ts';
import type { UserRecord } from '../../../services/types.ts';
import { validateUserField } from '../../../services/validation/user-input.ts';
import { FieldRow } from '../../components/field-row.tsx';
import { handleLineInputKey, lineInput, lineInputCommand, lineInputKeymap, lineInputReducer, type LineInputKey, type LineInputState } from '../../components/line-input.tsx';
import { userDraftId, useDrafts } from '../../drafts-context.tsx';
import { DraftStateText } from '../../components/draft-state-text.tsx';
import { discardKeymap, type DiscardKey } from '../../keys/discard-keymap.ts';
import { combineKeymaps, type Keymap } from '../../keys/keymap.ts';
import { useServices } from '../../services-context.tsx';
import { PresenceGate } from '../../presence/presence-gate.tsx';
import { useScreenKeys, useShell } from '../../shell/shell-context.tsx';
import { formatDateTime } from '../../text/format.ts';
import { truncate } from '../../text/graphemes.ts';
import { tone } from '../../theme.ts';
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

type Start =
  | { status: 'loading' }
  | { status: 'error'; message: string }
  | { status: 'missing' }
  | { status: 'ready'; base: Base; email: string; notice?: string; gone: boolean };

/** The user and any draft of its edit; a draft wins (it is what was typed), checked against its own base. */
function useUserEditStart(userId: string): Start {
  const { users } = useServices();
  const drafts = useDrafts();
  const [start, setStart] = useState<Start>({ status: 'loading' });
  useEffect(() => {
    let live = true;
    (async (): Promise<Start> => {
      const current = await users.get(userId);
      drafts.flushSync();
      const draft = drafts.get(userDraftId(userId));
      if (!draft || typeof draft.fields.email !== 'string') {
        return current ? { status: 'ready', base: current, email: current.email, gone: false } : { status: 'missing' };
      }
      const base: Base = {
        userId,
        email: draft.base.email ?? current?.email ?? '',
        version: draft.baseVersion ?? current?.version ?? 1,
        firstSeen: current?.firstSeen ?? new Date(),
      };
      return { status: 'ready', base, email: draft.fields.email, notice: `resumed your unsaved draft from ${formatDateTime(draft.savedAt)}`, gone: current === null };
    })().then(
      (s) => live && setStart(s),
      (e: unknown) => live && setStart({ status: 'error', message: e instanceof Error ? ((e as { line?: string }).line ?? e.message) : String(e) }),
    );
    return () => {
      live = false;
    };
  }, [users, drafts, userId]);
  return start;
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
  return <UserEditForm base={start.base} initialEmail={start.email} notice={start.notice} gone={start.gone} />;
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
  const drafts = useDrafts();
  const [input, setInput] = useState<LineInputState>(() => lineInput(initialEmail));
  const [mode, setMode] = useState<Mode>(gone ? { kind: 'gone' } : { kind: 'edit' });
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const width = shell.body.width;
  const mine = input.value;
  const dirty = mine.trim() !== base.email;
  const check = validateUserField('email', mine);
  const id = userDraftId(base.userId);

  useEffect(() => {
    if (notice) shell.notify(notice);
  }, []);

  // The draft follows every change; an edit back to the stored email leaves none.
  const saved = useRef(notice !== undefined);
  useEffect(() => {
    if (dirty) {
      const draft: Draft = { id, entity: 'user', recordId: base.userId, baseVersion: base.version, base: { email: base.email }, fields: { email: mine } };
      drafts.save(draft);
      saved.current = true;
    } else if (saved.current) {
      drafts.discard(id);
      saved.current = false;
    }
  }, [drafts, mine, dirty]);

  const done = (message: string) => {
    saved.current = false;
    drafts.discard(id);
    shell.notify(message, 'ok');
    shell.pop();
  };

  const save = async (expectedVersion: number, attempt = 0): Promise<void> => {
    setBusy(true);
    setError(null);
    try {
      await users.update(base.userId, { email: mine }, { expectedVersion });
      done(`saved user ${base.userId}: email`);
    } catch (e) {
      const code = (e as { code?: string }).code;
      if (code === 'stale') {
        const theirs = (e as { details: StaleDetails<UserRecord> }).details.theirs;
        // The one rule (services/three-way.ts): only other columns moved on (a sign-in bumps last_seen), so
        // the email is mine alone and goes onto their row; both changed it: base / theirs / mine, and a choice.
        const rule = threeWay(['email'] as const, { email: base.email }, theirs, { email: check.ok ? check.value : mine });
        if (rule.agreed.length > 0) return done(`user ${base.userId} already has this email (someone made the same change)`);
        if (rule.conflicts.length === 0 && attempt < 3) return save(theirs.version, attempt + 1);
        setMode({ kind: 'conflict', theirs });
      } else if (code === 'gone') {
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
            saved.current = false;
            drafts.discard(id);
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
            saved.current = false;
            drafts.discard(id);
            shell.notify(`discarded your draft of ${base.userId}`);
            return shell.pop();
          case 'keep':
            return setMode({ kind: 'edit' });
        }
      }
      if (mode.kind === 'review') {
        if ((action as UserReviewAction) === 'confirm') return void save(base.version).then(() => setMode((m) => (m.kind === 'review' ? { kind: 'edit' } : m)));
        return setMode({ kind: 'edit' });
      }
      if (mode.kind === 'discard') {
        if ((action as DiscardKey) === 'discard') {
          saved.current = false;
          drafts.discard(id);
          return shell.pop();
        }
        return setMode({ kind: 'edit' });
      }
      switch (action as UserEditAction) {
        case 'save':
          if (!check.ok) return setError(`fix this first: ${check.error}`);
          if (!dirty) {
            shell.notify('nothing changed');
            return shell.pop();
          }
          return setMode({ kind: 'review' });
        case 'cancel':
          return dirty ? setMode({ kind: 'discard' }) : shell.pop();
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
      <FieldRow label="user id" state={lineInput(base.userId)} focused={false} width={width} readOnly />
      <FieldRow label="email" state={input} focused={mode.kind === 'edit'} width={width} error={check.ok ? undefined : check.error} hint="name@example.com" />
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
