import { useEffect, useMemo, useReducer, useState } from 'react';
import { Box, Text } from 'ink';
import type { SiteRecord } from '../../../services/types.ts';
import { SITE_FIELD_LABELS, type SiteField } from '../../../services/validation/site-input.ts';
import { sanitizeLine } from '../../../lib/sanitize.ts';
import { combineKeymaps, type Keymap } from '../../keys/keymap.ts';
import { FieldRow } from '../../components/field-row.tsx';
import { handleLineInputKey, lineInputCommand, lineInputKeymap, type LineInputKey } from '../../components/line-input.tsx';
import { scrollBy, scrollKeymap, type ScrollAction } from '../../components/scroll-view.tsx';
import { createEditorState, editorReducer, editorText } from '../../editor/editor-state.ts';
import { editorCommand, typedText } from '../../editor/editor-command.ts';
import { editInExternalEditor } from '../../editor/external-editor.ts';
import { EditorStatus, PromptEditor } from '../../editor/prompt-editor.tsx';
import { promptEditorKeymap, type PromptEditorAction } from '../../editor/prompt-editor-keymap.ts';
import { useServices } from '../../services-context.tsx';
import { useScreenKeys, useShell } from '../../shell/shell-context.tsx';
import { truncate } from '../../text/graphemes.ts';
import { tone } from '../../theme.ts';
import { SITE_FIELD_HINTS, SITE_LINE_FIELDS, checkFields, patchOf, siteChanges, type SiteLineField } from './site-changes.ts';
import { EDIT_FOCUS, initialSiteForm, siteFormReducer } from './site-form-state.ts';
import { discardKeymap, lineFieldKeymap, reviewKeymap, siteFormKeymap, type DiscardKey, type LineFieldKey, type ReviewKey, type SiteFormKey } from './site-form-keymap.ts';
import { reviewLines, SiteReview } from './site-review.tsx';
import { isConflict, saveSite } from './save-site.ts';

/** `e`: loads the site, then hands it to the form (which keeps its draft however long the person takes). */
export function SiteEditScreen({ siteId, prompt }: { siteId: string; prompt?: string | undefined }) {
  const { sites } = useServices();
  const [site, setSite] = useState<SiteRecord | null | undefined>(undefined);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    let live = true;
    sites.get(siteId).then(
      (s) => live && setSite(s),
      (e: unknown) => live && setError(e instanceof Error ? e.message : String(e)),
    );
    return () => {
      live = false;
    };
  }, [sites, siteId]);
  if (error) return <Text color={tone('error')}>{sanitizeLine(error)}</Text>;
  if (site === undefined) return <Text dimColor>loading {sanitizeLine(siteId)}…</Text>;
  if (site === null) return <Text color={tone('warn')}>No site with id {sanitizeLine(siteId)} (deleted?). Esc goes back.</Text>;
  return <SiteEditForm original={site} {...(prompt === undefined ? {} : { initialPrompt: prompt })} />;
}

type FormKey = SiteFormKey | LineFieldKey | LineInputKey | PromptEditorAction;

/**
 * The edit form: every field, validated as you type with the services' validators; Tab/Shift-Tab between
 * fields; the prompt in the built-in editor; Ctrl-S to the review (changed fields and the prompt's diff);
 * y saves through the service. Whatever the service says goes on one line and the draft stays.
 */
export function SiteEditForm({ original, initialPrompt }: { original: SiteRecord; initialPrompt?: string }) {
  const { sites } = useServices();
  const shell = useShell();
  const [form, dispatch] = useReducer(siteFormReducer, original, initialSiteForm);
  const [editor, dispatchEditor] = useReducer(editorReducer, initialPrompt ?? original.aiPrompt, (text) => createEditorState(text));
  const [serviceErrors, setServiceErrors] = useState<Partial<Record<SiteField, string>>>({});

  const focus = EDIT_FOCUS[form.focus]!;
  const promptText = useMemo(() => editorText(editor), [editor.lines]);
  const values = useMemo(
    () => ({ ...(Object.fromEntries(SITE_LINE_FIELDS.map((f) => [f, form.inputs[f].value])) as Record<SiteLineField, string>), aiPrompt: promptText }),
    [form.inputs, promptText],
  );
  const checks = useMemo(() => checkFields(values), [values]);
  const changes = useMemo(() => siteChanges(original, checks), [original, checks]);
  const invalid = (Object.keys(checks) as SiteField[]).filter((f) => f !== 'siteId' && !checks[f].ok);
  const dirty = changes.length > 0 || invalid.length > 0;

  const width = shell.body.width;
  const height = shell.body.height;
  const editorHeight = Math.max(1, height - 1 - SITE_LINE_FIELDS.length - 1 - 1 - 1);
  const view = { width, height: editorHeight };
  const review = useMemo(() => (form.mode === 'review' || form.mode === 'saving' ? reviewLines(changes, width) : []), [form.mode, changes, width]);

  const openExternal = async () => {
    try {
      const result = await shell.suspend(() => editInExternalEditor(promptText, { name: original.siteId }));
      if (!result.changed) shell.notify('prompt unchanged in the editor');
      else {
        dispatchEditor({ type: 'replaceAll', text: result.text });
        dispatch({ type: 'focusField', field: 'aiPrompt' });
        shell.notify('prompt taken from the editor (Ctrl-Z undoes it)', 'accent');
      }
    } catch (error) {
      shell.notify(error instanceof Error ? error.message : String(error), 'error');
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

  const save = async () => {
    dispatch({ type: 'mode', mode: 'saving' });
    try {
      const result = await saveSite(sites, { original, patch: patchOf(changes) });
      const names = result.changed.length > 0 ? result.changed.map((f) => SITE_FIELD_LABELS[f as SiteField] ?? f).join(', ') : 'nothing (already so)';
      shell.notify(`saved ${original.siteId}: ${names}`, 'ok');
      shell.pop();
    } catch (error) {
      const e = error as { message?: string; line?: string; code?: string; fields?: Record<string, string> };
      const message = e.line ?? e.message ?? String(error);
      if (e.code === 'validation' && e.fields) {
        setServiceErrors(e.fields as Partial<Record<SiteField, string>>);
        dispatch({ type: 'mode', mode: 'form' });
      } else dispatch({ type: 'mode', mode: 'review' });
      // A conflict (someone else saved, or deleted the site) keeps the draft: the message says what happened.
      dispatch({ type: 'error', message: isConflict(error) ? `not saved: ${message}` : message });
    }
  };

  let keymap: Keymap<string>;
  if (form.mode === 'review') keymap = combineKeymaps<string>(reviewKeymap, scrollKeymap);
  else if (form.mode === 'discard') keymap = discardKeymap;
  else if (form.mode === 'saving') keymap = [];
  else keymap = combineKeymaps<string>(siteFormKeymap, focus === 'aiPrompt' ? promptEditorKeymap : combineKeymaps<string>(lineFieldKeymap, lineInputKeymap));
  const stableKeymap = useMemo(() => keymap, [form.mode, focus === 'aiPrompt']);

  useScreenKeys<string>({
    keymap: stableKeymap,
    capturesText: form.mode === 'form',
    onAction(action) {
      if (form.mode === 'saving') return;
      if (form.mode === 'discard') {
        if ((action as DiscardKey) === 'discard') shell.pop();
        else dispatch({ type: 'mode', mode: 'form' });
        return;
      }
      if (form.mode === 'review') {
        const a = action as ReviewKey;
        if (a === 'save') void save();
        else if (a === 'back') dispatch({ type: 'mode', mode: 'form' });
        else dispatch({ type: 'scroll', offset: scrollBy(a as ScrollAction, form.reviewScroll, review.length, height - 2) });
        return;
      }
      const a = action as FormKey;
      switch (a) {
        case 'review':
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
      if (form.mode !== 'form') return;
      if (focus === 'aiPrompt') dispatchEditor({ type: 'paste', text });
      // A copied line often ends in a newline; any other line break is left for validation to point out.
      else dispatch({ type: 'input', field: focus, action: { type: 'insert', text: text.replace(/\r?\n$/, '') } });
    },
  });

  if (form.mode === 'review' || form.mode === 'saving') {
    return <SiteReview original={original} lines={review} offset={form.reviewScroll} width={width} height={height} saving={form.mode === 'saving'} error={form.error} />;
  }

  // The last line: a service error, else the focused field's whole validation message (the one next to
  // the field may be cut short), else what to do next.
  const focusedError = focus !== 'aiPrompt' ? (checks[focus].ok ? serviceErrors[focus] : checks[focus].error) : undefined;
  const bottomLine: { text: string; tone?: 'error' } = form.error
    ? { text: sanitizeLine(form.error), tone: 'error' }
    : focusedError
      ? { text: `${SITE_FIELD_LABELS[focus]}: ${sanitizeLine(focusedError)}`, tone: 'error' }
      : { text: 'Ctrl-S review the changes before saving' };

  const noteFor = (f: SiteLineField): string | undefined => {
    const c = checks[f];
    if (!c.ok || c.value === null) return undefined;
    return c.value !== form.inputs[f].value.trim() ? `stored as ${sanitizeLine(c.value)}` : undefined;
  };

  return (
    <Box flexDirection="column" width={width} height={height}>
      <Text wrap="truncate-end">
        <Text bold>Edit site {sanitizeLine(original.siteId)}</Text>
        <Text color={dirty ? tone('warn') : undefined} dimColor={!dirty}>
          {dirty ? `  ● ${changes.length} change${changes.length === 1 ? '' : 's'}${invalid.length ? `, ${invalid.length} invalid` : ''}` : '  unchanged'}
        </Text>
      </Text>
      {SITE_LINE_FIELDS.map((f) => (
        <FieldRow
          key={f}
          label={SITE_FIELD_LABELS[f]}
          state={form.inputs[f]}
          focused={focus === f}
          width={width}
          readOnly={f === 'siteId'}
          error={checks[f].ok ? serviceErrors[f] : checks[f].error}
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
          Discard your changes to {sanitizeLine(original.siteId)}? y discard · n keep editing
        </Text>
      ) : (
        <Text color={bottomLine.tone ? tone(bottomLine.tone) : undefined} dimColor={!bottomLine.tone} wrap="truncate-end">
          {truncate(bottomLine.text, width)}
        </Text>
      )}
    </Box>
  );
}
