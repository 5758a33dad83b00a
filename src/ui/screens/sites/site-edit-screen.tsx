import { useMemo, useReducer, useState } from 'react';
import { Box, Text } from 'ink';
import type { SiteInput, SiteRecord } from '../../../services/types.ts';
import type { GoneDetails, StaleDetails } from '../../../services/edit-errors.ts';
import { SITE_FIELD_LABELS, type SiteField } from '../../../services/validation/site-input.ts';
import { sanitizeLine } from '../../../lib/sanitize.ts';
import { combineKeymaps, type Keymap } from '../../keys/keymap.ts';
import { DraftStateText } from '../../components/draft-state-text.tsx';
import { FieldRow } from '../../components/field-row.tsx';
import { siteDraftId } from '../../drafts-context.tsx';
import { handleLineInputKey, lineInputCommand, lineInputKeymap, type LineInputKey } from '../../components/line-input.tsx';
import { scrollBy, scrollKeymap, type ScrollAction, type ViewLine } from '../../components/scroll-view.tsx';
import { useConnectionHealth } from '../../connection/connection-health.tsx';
import { createEditorState, editorReducer, editorText } from '../../editor/editor-state.ts';
import { editorCommand, typedText } from '../../editor/editor-command.ts';
import { editInExternalEditor } from '../../editor/external-editor.ts';
import { EditorStatus, PromptEditor } from '../../editor/prompt-editor.tsx';
import { promptEditorKeymap, type PromptEditorAction } from '../../editor/prompt-editor-keymap.ts';
import { useServices } from '../../services-context.tsx';
import { useScreenKeys, useShell } from '../../shell/shell-context.tsx';
import { truncate } from '../../text/graphemes.ts';
import { wrapText } from '../../text/wrap.ts';
import { tone } from '../../theme.ts';
import { SITE_FIELD_HINTS, SITE_LINE_FIELDS, checkFields, patchOf, siteChanges, type SiteLineField } from './site-changes.ts';
import { EDIT_FOCUS, initialSiteForm, siteFormReducer } from './site-form-state.ts';
import {
  conflictKeymap,
  discardKeymap,
  goneKeymap,
  lineFieldKeymap,
  noteKeymap,
  reviewKeymap,
  mixedScriptReviewKeymap,
  siteFormKeymap,
  type ConflictKey,
  type DiscardKey,
  type GoneKey,
  type LineFieldKey,
  type NoteKey,
  type ReviewKey,
  type SiteFormKey,
} from './site-form-keymap.ts';
import { changedDomainWarning, reviewLines, SiteReview } from './site-review.tsx';
import { mixedScriptWarning } from '../../text/domain.ts';
import { errorCode, errorLine, isUnreachable, saveSite } from './save-site.ts';
import { conflictLines, goneSummary } from './conflict-lines.ts';
import { SaveOutcomeView } from './site-conflict-view.tsx';
import { rebaseOnto, siteRule, type ConflictChoice } from './site-rebase.ts';
import { useSiteDraft } from './use-site-draft.ts';
import { useSiteEditStart, type EditStart } from './use-site-edit-start.ts';
import { PresenceGate } from '../../presence/presence-gate.tsx';

/**
 * `e`: loads the site and any draft of it (a dropped session's, or one kept for later), then hands both to
 * the form, which keeps its draft however long the person takes.
 */
/** The fewest prompt lines the edit form shows while the prompt is edited. */
const MIN_EDITOR_ROWS = 5;

export function SiteEditScreen(props: { siteId: string; prompt?: string | undefined; base?: SiteRecord | undefined }) {
  // Warns first when someone else is editing this site, and announces this edit while the form is open.
  return (
    <PresenceGate kind="site" id={props.siteId} warn={props.prompt === undefined}>
      <SiteEditOpen {...props} />
    </PresenceGate>
  );
}

function SiteEditOpen({ siteId, prompt, base }: { siteId: string; prompt?: string | undefined; base?: SiteRecord | undefined }) {
  const start = useSiteEditStart(siteId, prompt, base);
  if (start.status === 'error') return <Text color={tone('error')}>{sanitizeLine(start.message)}</Text>;
  if (start.status === 'loading') return <Text dimColor>loading {sanitizeLine(siteId)}…</Text>;
  if (start.status === 'missing') return <Text color={tone('warn')}>No site with id {sanitizeLine(siteId)} (deleted?). Esc goes back.</Text>;
  return <SiteEditForm start={start.start} />;
}

type FormKey = SiteFormKey | LineFieldKey | LineInputKey | PromptEditorAction;

/**
 * The edit form: every field, validated as you type with the services' validators; Tab/Shift-Tab between
 * fields; the prompt in the built-in editor; Ctrl-S to the review (changed fields and the prompt's diff,
 * and an optional note); y saves through the service with the version the edit is based on. A save that
 * meets someone else's change shows base / theirs / mine and lets the person choose; a deleted site can be
 * re-created from the edit. Every change is in a draft on disk until the save commits.
 */
export function SiteEditForm({ start }: { start: EditStart }) {
  const { sites } = useServices();
  const shell = useShell();
  const health = useConnectionHealth();
  // The row the edit is based on: its version goes with the save. Re-applying onto theirs moves it on.
  const [base, setBase] = useState<SiteRecord>(start.original);
  const [form, dispatch] = useReducer(siteFormReducer, undefined, () => ({
    ...initialSiteForm(start.original, start.values),
    ...(start.gone ? { mode: 'gone' as const } : start.conflict ? { mode: 'conflict' as const } : {}),
  }));
  const [editor, dispatchEditor] = useReducer(editorReducer, start.values.aiPrompt, (text) => createEditorState(text));
  const [serviceErrors, setServiceErrors] = useState<Partial<Record<SiteField, string>>>({});
  // A conflict met on save, or found on opening (a draft or $EDITOR's prompt based on an older version).
  const [conflict, setConflict] = useState<{ message: string; details: StaleDetails<SiteRecord>; atStart?: boolean } | null>(
    start.conflict ? { ...start.conflict, atStart: true } : null,
  );
  const [gone, setGone] = useState<GoneDetails | null>(start.gone ?? null);
  const [busy, setBusy] = useState<string | null>(null);

  const focus = EDIT_FOCUS[form.focus]!;
  const promptText = useMemo(() => editorText(editor), [editor.lines]);
  const values = useMemo(
    () => ({ ...(Object.fromEntries(SITE_LINE_FIELDS.map((f) => [f, form.inputs[f].value])) as Record<SiteLineField, string>), aiPrompt: promptText }),
    [form.inputs, promptText],
  );
  // Fields left as stored are not re-validated (a value written outside cabinet is shown with a warning).
  const checks = useMemo(() => checkFields(values, base), [values, base]);
  const changes = useMemo(() => siteChanges(base, checks), [base, checks]);
  const invalid = (Object.keys(checks) as SiteField[]).filter((f) => f !== 'siteId' && !checks[f].ok);
  const dirty = changes.length > 0 || invalid.length > 0;
  const draft = useSiteDraft(base, values, dirty);

  const width = shell.body.width;
  const height = shell.body.height;
  // Title, the fields, the prompt's label, its status and the bottom line; on a short terminal (a phone's
  // 60×15) the fields fold into one line while the prompt is edited, so it keeps at least five lines.
  const unfolded = height - 1 - SITE_LINE_FIELDS.length - 1 - 1 - 1;
  const folded = focus === 'aiPrompt' && unfolded < MIN_EDITOR_ROWS;
  const editorHeight = Math.max(1, folded ? height - 1 - 1 - 1 - 1 - 1 : unfolded);
  const view = { width, height: editorHeight };
  const review = useMemo(() => (form.mode === 'review' || form.mode === 'saving' ? reviewLines(changes, width, promptText) : []), [form.mode, changes, width, promptText]);
  // A domain being set whose label mixes scripts is saved only with M on the review (UTS 39).
  const mixedDomain = useMemo(() => changedDomainWarning(changes), [changes]);
  const rule = useMemo(() => (conflict ? siteRule(conflict.details.base ?? base, values, conflict.details.theirs) : null), [conflict, base, values]);
  const outcome = useMemo((): ViewLine[] => {
    if (form.mode === 'conflict' && conflict) {
      return [
        ...wrapText(conflict.message, width).map((text) => ({ text })),
        { text: '' },
        ...conflictLines(conflict.details, base, values, width, rule?.mergedPrompt ?? null),
      ];
    }
    if (form.mode === 'gone' && gone) {
      return [
        ...wrapText(goneSummary(base.siteId, gone), width).map((text) => ({ text })),
        ...(gone.rev ? [{ text: `Its history keeps it: restoring revision ${gone.rev} (h on the list) brings back the deleted version.`, dim: true }] : []),
        { text: '' },
        { text: 'c re-creates the site with your values (a new site with the same id); x discards your draft; Esc keeps editing.', dim: true },
      ];
    }
    return [];
  }, [form.mode, conflict, gone, base, values, width]);

  const loadValues = (next: Record<SiteField, string>) => {
    dispatch({ type: 'load', values: next });
    if (next.aiPrompt !== promptText) dispatchEditor({ type: 'replaceAll', text: next.aiPrompt });
  };

  const openExternal = async () => {
    try {
      const result = await shell.suspend(() => editInExternalEditor(promptText, { name: base.siteId, draft: draft.editorHandle() }));
      if (!result.changed) {
        if (!dirty) draft.discard();
        shell.notify('prompt unchanged in the editor');
      } else {
        dispatchEditor({ type: 'replaceAll', text: result.text });
        dispatch({ type: 'focusField', field: 'aiPrompt' });
        shell.notify(
          result.endedBy ? `the editor was ended by ${result.endedBy}: took what it had saved (Ctrl-Z undoes it)` : 'prompt taken from the editor (Ctrl-Z undoes it)',
          'accent',
        );
      }
    } catch (error) {
      shell.notify(errorLine(error), 'error');
    }
  };

  const toReview = () => {
    if (invalid.length > 0) {
      const first = invalid[0]!;
      dispatch({ type: 'focusField', field: first as (typeof EDIT_FOCUS)[number] });
      dispatch({ type: 'error', message: `fix ${invalid.length === 1 ? 'this field' : `${invalid.length} fields`} first: ${checks[first].error}` });
      return;
    }
    if (changes.length === 0) {
      shell.notify('nothing changed');
      return;
    }
    dispatch({ type: 'error', message: null });
    dispatch({ type: 'mode', mode: 'review' });
  };

  const save = async (options: { force?: boolean; allowMixedScript?: boolean } = {}) => {
    if (changes.length === 0) {
      dispatch({ type: 'mode', mode: 'form' });
      shell.notify('nothing left to change');
      return;
    }
    dispatch({ type: 'mode', mode: 'saving' });
    try {
      const result = await saveSite(sites, { original: base, patch: patchOf(changes), note: form.note.value, ...options });
      // Only now, with the write committed, is the draft no longer needed.
      draft.discard();
      const names = result.changed.length > 0 ? result.changed.map((f) => SITE_FIELD_LABELS[f as SiteField] ?? f).join(', ') : 'nothing (already so)';
      shell.notify(`saved ${base.siteId}${options.force ? ' (overwrote the newer version)' : ''}: ${names}${result.rev ? ` · revision ${result.rev}` : ''}`, 'ok');
      shell.pop();
    } catch (error) {
      const code = errorCode(error);
      dispatch({ type: 'error', message: null });
      const details = (error as { details?: unknown }).details;
      if (code === 'stale' && (details as StaleDetails<SiteRecord> | undefined)?.theirs) {
        setConflict({ message: (error as Error).message, details: details as StaleDetails<SiteRecord> });
        dispatch({ type: 'mode', mode: 'conflict' });
        return;
      }
      if (code === 'gone') {
        setGone((details as GoneDetails | undefined) ?? { entity: 'site', id: base.siteId });
        dispatch({ type: 'mode', mode: 'gone' });
        return;
      }
      const e = error as { fields?: Record<string, string> };
      if (code === 'validation' && e.fields) {
        setServiceErrors(e.fields as Partial<Record<SiteField, string>>);
        dispatch({ type: 'mode', mode: 'form' });
      } else dispatch({ type: 'mode', mode: 'review' });
      const message = isUnreachable(error)
        ? `not saved: the database is unreachable · your edit is kept; Ctrl-S or y tries again · ${(error as Error).message}`
        : `not saved: ${errorLine(error)}`;
      dispatch({ type: 'error', message });
    }
  };

  /**
   * r / t / g on the conflict: theirs becomes the base, my changes go on top, and the fields both changed
   * take what the person chose (mine, theirs, or the offered prompt merge); the review shows the result.
   */
  const reapplyOntoTheirs = (choice: ConflictChoice) => {
    if (!conflict || !rule) return;
    if (choice === 'merged' && rule.mergedPrompt === null) return;
    const theirs = conflict.details.theirs;
    const next = rebaseOnto(conflict.details.base ?? base, values, theirs, choice, rule);
    setBase(theirs);
    loadValues(next);
    setConflict(null);
    const both = rule.conflicts.map((f) => SITE_FIELD_LABELS[f]).join(', ');
    const took = choice === 'theirs' ? 'theirs taken' : choice === 'merged' ? 'prompt merged line by line' : 'yours kept';
    shell.notify(`re-applied your changes onto version ${theirs.version}${both ? `; changed on both sides: ${both} (${took})` : ''}`, 'accent');
    // The review (against theirs) is drawn from the next render's changes.
    dispatch({ type: 'mode', mode: 'review' });
  };

  const recreate = async () => {
    setBusy('re-creating…');
    try {
      const input = Object.fromEntries((Object.keys(checks) as SiteField[]).map((f) => [f, values[f]])) as unknown as SiteInput;
      const note = form.note.value.trim();
      const created = await sites.create({ ...input, siteId: base.siteId }, note ? { note } : {});
      draft.discard();
      shell.notify(`re-created site ${created.siteId} with your values`, 'ok');
      shell.replace({ name: 'site', siteId: created.siteId });
    } catch (error) {
      setBusy(null);
      const e = error as { fields?: Record<string, string> };
      if (errorCode(error) === 'validation' && e.fields) {
        setServiceErrors(e.fields as Partial<Record<SiteField, string>>);
        dispatch({ type: 'mode', mode: 'form' });
      }
      dispatch({ type: 'error', message: `not re-created: ${errorLine(error)}` });
    }
  };

  let keymap: Keymap<string>;
  if (form.mode === 'review')
    keymap = form.noteFocused
      ? combineKeymaps<string>(mixedDomain ? noteKeymap.filter((b) => b.action !== 'save') : noteKeymap, lineInputKeymap)
      : combineKeymaps<string>(mixedDomain ? mixedScriptReviewKeymap : reviewKeymap, scrollKeymap);
  else if (form.mode === 'conflict') keymap = combineKeymaps<string>(conflictKeymap, scrollKeymap);
  else if (form.mode === 'gone') keymap = busy ? [] : combineKeymaps<string>(goneKeymap, scrollKeymap);
  else if (form.mode === 'discard') keymap = discardKeymap;
  else if (form.mode === 'saving') keymap = [];
  else keymap = combineKeymaps<string>(siteFormKeymap, focus === 'aiPrompt' ? promptEditorKeymap : combineKeymaps<string>(lineFieldKeymap, lineInputKeymap));
  const stableKeymap = useMemo(() => keymap, [form.mode, form.noteFocused, focus === 'aiPrompt', Boolean(busy), Boolean(mixedDomain)]);
  const outcomeHeight = height - 2;

  useScreenKeys<string>({
    keymap: stableKeymap,
    capturesText: form.mode === 'form' || (form.mode === 'review' && form.noteFocused),
    onAction(action) {
      if (form.mode === 'saving' || busy) return;
      if (form.mode === 'discard') {
        if ((action as DiscardKey) === 'discard') {
          draft.discard();
          shell.pop();
        } else dispatch({ type: 'mode', mode: 'form' });
        return;
      }
      if (form.mode === 'conflict') {
        const a = action as ConflictKey;
        if (a === 'reapply') reapplyOntoTheirs('mine');
        else if (a === 'theirs') reapplyOntoTheirs('theirs');
        else if (a === 'merge') reapplyOntoTheirs('merged');
        else if (a === 'overwrite') void save({ force: true });
        else if (a === 'keep') {
          dispatch({ type: 'mode', mode: 'form' });
          dispatch({ type: 'error', message: 'not saved: the site changed underneath; Ctrl-S shows the choices again' });
        } else dispatch({ type: 'scroll', offset: scrollBy(a as ScrollAction, form.reviewScroll, outcome.length, outcomeHeight) });
        return;
      }
      if (form.mode === 'gone') {
        const a = action as GoneKey;
        if (a === 'recreate') void recreate();
        else if (a === 'discard') {
          draft.discard();
          shell.notify(`discarded your draft of ${base.siteId}`);
          shell.pop();
        } else if (a === 'keep') dispatch({ type: 'mode', mode: 'form' });
        else dispatch({ type: 'scroll', offset: scrollBy(a as ScrollAction, form.reviewScroll, outcome.length, outcomeHeight) });
        return;
      }
      if (form.mode === 'review') {
        if (form.noteFocused) {
          const a = action as NoteKey | LineInputKey;
          if (a === 'save') void save();
          else if (a === 'leave') dispatch({ type: 'focusNote', focused: false });
          else dispatch({ type: 'note', action: lineInputCommand(a) });
          return;
        }
        const a = action as ReviewKey;
        if (a === 'save') {
          health.retryNow();
          void save(mixedDomain ? { allowMixedScript: true } : {});
        } else if (a === 'refuse') dispatch({ type: 'error', message: 'not saved: the domain mixes scripts; M saves it if the look-alike is meant, n goes back to change it' });
        else if (a === 'note') dispatch({ type: 'focusNote', focused: true });
        else if (a === 'back') dispatch({ type: 'mode', mode: 'form' });
        else dispatch({ type: 'scroll', offset: scrollBy(a as ScrollAction, form.reviewScroll, review.length, height - 3) });
        return;
      }
      const a = action as FormKey;
      switch (a) {
        case 'review':
          // After a conflict or a gone site, Ctrl-S shows that again instead of a save bound to fail.
          if (conflict) return dispatch({ type: 'mode', mode: 'conflict' });
          if (gone) return dispatch({ type: 'mode', mode: 'gone' });
          return toReview();
        case 'next':
        case 'nextField':
          return dispatch({ type: 'focus', delta: 1 });
        case 'previous':
        case 'previousField':
          return dispatch({ type: 'focus', delta: -1 });
        case 'external':
          return void openExternal();
        case 'cancel':
          if (dirty) dispatch({ type: 'mode', mode: 'discard' });
          else shell.pop();
          return;
      }
      if (focus === 'aiPrompt') dispatchEditor(editorCommand(a as PromptEditorAction, view));
      else dispatch({ type: 'input', field: focus, action: lineInputCommand(a as LineInputKey) });
    },
    onText(input, key) {
      if (form.mode === 'review' && form.noteFocused) return handleLineInputKey(input, key, (action) => dispatch({ type: 'note', action }));
      if (form.mode !== 'form') return false;
      // Keys a field does not take (Ctrl-G…) fall through to the shell's global keys.
      if (focus === 'aiPrompt') {
        const text = typedText(input, key);
        if (text !== null) dispatchEditor({ type: 'insert', text });
        return text !== null;
      }
      return handleLineInputKey(input, key, (action) => dispatch({ type: 'input', field: focus, action }));
    },
    onPaste(text) {
      if (form.mode === 'review' && form.noteFocused) return dispatch({ type: 'note', action: { type: 'insert', text } });
      if (form.mode !== 'form') return;
      if (focus === 'aiPrompt') dispatchEditor({ type: 'paste', text });
      // A copied line often ends in a newline; any other line break is left for validation to point out.
      else dispatch({ type: 'input', field: focus, action: { type: 'insert', text: text.replace(/\r?\n$/, '') } });
    },
  });

  if (form.mode === 'review' || form.mode === 'saving') {
    return (
      <SiteReview
        original={base}
        lines={review}
        offset={form.reviewScroll}
        width={width}
        height={height}
        saving={form.mode === 'saving'}
        error={form.error}
        note={form.note}
        noteFocused={form.noteFocused}
        confirmMixedScript={Boolean(mixedDomain)}
      />
    );
  }
  if (form.mode === 'conflict' && conflict) {
    return (
      <SaveOutcomeView
        title={`${conflict.atStart ? 'Your edit is based on an older version' : 'Not saved'}: ${base.siteId} changed underneath (version ${conflict.details.expectedVersion} → ${conflict.details.theirs.version})`}
        lines={outcome}
        offset={form.reviewScroll}
        width={width}
        height={height}
        choices={conflictChoices(rule)}
        error={form.error}
        busy={null}
      />
    );
  }
  if (form.mode === 'gone' && gone) {
    return (
      <SaveOutcomeView
        title={`Not saved: ${base.siteId} was deleted while you were editing it`}
        lines={outcome}
        offset={form.reviewScroll}
        width={width}
        height={height}
        choices="c re-create it with my values · x discard my draft · Esc keep editing"
        error={form.error}
        busy={busy}
      />
    );
  }

  // The last line: a service error, else the focused field's whole validation message (the one next to
  // the field may be cut short), else what to do next.
  const focusedError = focus !== 'aiPrompt' ? (checks[focus].ok ? serviceErrors[focus] : checks[focus].error) : undefined;
  const bottomLine: { text: string; tone?: 'error' } = form.error
    ? { text: sanitizeLine(form.error), tone: 'error' }
    : focusedError
      ? { text: `${SITE_FIELD_LABELS[focus]}: ${sanitizeLine(focusedError)}`, tone: 'error' }
      : { text: start.notice ?? 'Ctrl-S review the changes before saving' };

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
      <PromptEditor state={editor} width={width} height={editorHeight} focused={focus === 'aiPrompt'} />
      <EditorStatus state={editor} width={width} />
      {form.mode === 'discard' ? (
        <Text bold color={tone('warn')} wrap="truncate-end">
          Discard your changes to {sanitizeLine(base.siteId)}? y discard (the draft too) · n keep editing
        </Text>
      ) : (
        <Text color={bottomLine.tone ? tone(bottomLine.tone) : undefined} dimColor={!bottomLine.tone} wrap="truncate-end">
          {truncate(bottomLine.text, width)}
        </Text>
      )}
    </Box>
  );
}

/** The conflict's choices line; r/t/g appear only when there is something both sides changed. */
function conflictChoices(rule: { conflicts: readonly string[]; mergedPrompt: string | null } | null): string {
  const both = (rule?.conflicts.length ?? 0) > 0;
  return [
    both ? 'r mine where both changed' : 'r reload and re-apply my changes',
    ...(both ? ['t theirs there'] : []),
    ...(rule?.mergedPrompt != null ? ['g merged prompt'] : []),
    'o overwrite theirs knowingly',
    'Esc keep editing',
  ].join(' · ');
}
