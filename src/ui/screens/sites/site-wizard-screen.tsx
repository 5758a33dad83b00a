import { useEffect, useMemo, useReducer, useRef, useState } from 'react';
import { Box, Text } from 'ink';
import type { SiteInput } from '../../../services/types.ts';
import { validateSiteField } from '../../../services/validation/site-input.ts';
import { SITE_FIELD_LABELS, type SiteField } from '../../../schema/site-schema.ts';
import { sanitizeLine } from '../../../lib/sanitize.ts';
import { combineKeymaps, type Keymap } from '../../keys/keymap.ts';
import { FieldRow, LABEL_WIDTH } from '../../components/field-row.tsx';
import { handleLineInputKey, lineInputCommand, lineInputKeymap, type LineInputKey } from '../../components/line-input.tsx';
import { ScrollView, scrollBy, scrollKeymap, type ScrollAction } from '../../components/scroll-view.tsx';
import { useEditorChanges, useEditorStore } from '../../editor/editor-store.ts';
import { editorCommand, typedText } from '../../editor/editor-command.ts';
import { PromptEditorPane } from '../../editor/prompt-editor.tsx';
import { promptEditorKeymap, type PromptEditorAction } from '../../editor/prompt-editor-keymap.ts';
import { useServices } from '../../services-context.tsx';
import { useScreenKeys, useShell } from '../../shell/shell-context.tsx';
import { truncate } from '../../text/graphemes.ts';
import { summaryLines } from './site-wizard-summary.ts';
import { lineStepKeymap, mixedScriptSummaryKeymap, promptStepKeymap, summaryKeymap, type WizardKey } from './site-wizard-keymap.ts';
import { mixedScriptWarning } from '../../text/domain.ts';
import { tone } from '../../theme.ts';
import { SITE_FIELD_HINTS, SITE_LINE_FIELDS, type SiteLineField } from './site-changes.ts';
import { NEW_SITE_DRAFT_ID, useDrafts } from '../../drafts-context.tsx';
import { DraftStateText } from '../../components/draft-state-text.tsx';
import { formatDateTime } from '../../text/format.ts';
import { discardKeymap, type DiscardKey } from '../../keys/discard-keymap.ts';
import { WIZARD_STEPS, initialWizard, wizardDraft, wizardFromDraft, wizardReducer, type WizardStep } from './site-wizard-state.ts';

const STEP_LABEL: Record<WizardStep, string> = { ...SITE_FIELD_LABELS, summary: 'summary' };

/**
 * `n`: seeding a new site, one field at a time with defaults (site id suggested from the domain,
 * language en); each step is validated before the next; a summary before anything is written. What is
 * typed is kept in a draft on disk as it is typed (a dropped SSH link loses nothing): opening the wizard
 * again, or recovering from the drafts screen at start, resumes it; it is removed once the site exists.
 */
export function SiteWizardScreen() {
  const drafts = useDrafts();
  // The draft is read once, after the first frame (no disk read while rendering).
  const [resumed, setResumed] = useState<Resumed | null | undefined>(undefined);
  useEffect(() => {
    drafts.flushSync();
    const draft = drafts.get(NEW_SITE_DRAFT_ID);
    setResumed(draft ? { ...wizardFromDraft(draft), savedAt: draft.savedAt } : null);
  }, [drafts]);
  if (resumed === undefined) return <Text dimColor>loading…</Text>;
  return <Wizard resumed={resumed} />;
}

type Resumed = ReturnType<typeof wizardFromDraft> & { savedAt: Date };

function Wizard({ resumed }: { resumed: Resumed | null }) {
  const { sites } = useServices();
  const shell = useShell();
  const drafts = useDrafts();
  const [state, dispatch] = useReducer(wizardReducer, undefined, () => resumed?.state ?? initialWizard());
  // The prompt in its own store: a key at the prompt step renders the editor, not the wizard.
  const editor = useEditorStore(resumed?.prompt ?? '');
  const [confirmDiscard, setConfirmDiscard] = useState(false);
  const step = WIZARD_STEPS[state.step]!;
  const width = shell.body.width;
  const height = shell.body.height;
  // As it is now (the wizard renders on its own changes; keys in the prompt render only the editor).
  const prompt = editor.text();
  const lineFields = WIZARD_STEPS.filter((s): s is SiteLineField => s !== 'aiPrompt' && s !== 'summary');
  const check = (field: SiteField) => validateSiteField(field, field === 'aiPrompt' ? editor.text() : state.inputs[field as SiteLineField].value);
  const input = (): SiteInput => ({ ...(Object.fromEntries(SITE_LINE_FIELDS.map((f) => [f, state.inputs[f].value])) as Record<SiteLineField, string>), aiPrompt: editor.text() });

  // The draft follows every change; back to nothing typed, there is nothing to keep.
  const saved = useRef(resumed !== null);
  const keepDraft = (text: string) => {
    const draft = wizardDraft(state, text);
    if (draft) {
      drafts.save(draft);
      saved.current = true;
    } else if (saved.current) {
      drafts.discard(NEW_SITE_DRAFT_ID);
      saved.current = false;
    }
  };
  useEffect(() => keepDraft(prompt), [drafts, state.inputs, state.step, state.siteIdTouched, prompt]);
  useEditorChanges(editor, keepDraft);
  useEffect(() => {
    if (resumed) shell.notify(`resumed your unsaved new site from ${formatDateTime(resumed.savedAt)}`);
  }, []);

  // On a short terminal (a phone's 60×15) the answered fields fold into one line at the prompt step, so the
  // prompt keeps at least five lines.
  const unfolded = height - 2 - lineFields.length - 2;
  const folded = step === 'aiPrompt' && unfolded < 5;
  const editorHeight = Math.max(1, folded ? height - 2 - 1 - 2 : unfolded);
  const summary = useMemo(() => (step === 'summary' ? summaryLines(state.inputs, prompt, width) : []), [step, state.inputs, prompt, width]);
  const mixedDomain = useMemo(() => {
    const r = validateSiteField('domain', state.inputs.domain.value);
    return r.ok && r.value ? mixedScriptWarning(r.value) : undefined;
  }, [state.inputs.domain.value]);

  const create = async () => {
    dispatch({ type: 'saving', saving: true });
    try {
      const created = await sites.create(input(), mixedDomain ? { allowMixedScript: true } : {});
      saved.current = false;
      drafts.discard(NEW_SITE_DRAFT_ID);
      shell.notify(`created site ${created.siteId}`, 'ok');
      shell.replace({ name: 'site', siteId: created.siteId });
    } catch (error) {
      dispatch({ type: 'saving', saving: false });
      const e = error as { message?: string; line?: string; fields?: Record<string, string> };
      const bad = e.fields ? WIZARD_STEPS.find((s) => e.fields![s]) : undefined;
      if (bad) dispatch({ type: 'goto', step: bad });
      dispatch({ type: 'error', message: e.line ?? e.message ?? String(error) });
    }
  };

  const advance = () => {
    if (step === 'summary') return;
    const r = check(step);
    if (!r.ok) {
      dispatch({ type: 'error', message: r.error });
      return;
    }
    dispatch({ type: 'next' });
  };

  const keymap = useMemo(() => {
    if (confirmDiscard) return discardKeymap as Keymap<string>;
    if (step === 'summary') return combineKeymaps<string>(mixedDomain ? mixedScriptSummaryKeymap : summaryKeymap, scrollKeymap);
    if (step === 'aiPrompt') return combineKeymaps<string>(promptStepKeymap, promptEditorKeymap);
    return combineKeymaps<string>(lineStepKeymap, lineInputKeymap);
  }, [step, confirmDiscard, Boolean(mixedDomain)]);

  useScreenKeys<string>({
    keymap,
    capturesText: step !== 'summary' && !confirmDiscard,
    onAction(action) {
      if (state.saving) return;
      if (confirmDiscard) {
        setConfirmDiscard(false);
        if ((action as DiscardKey) === 'discard') {
          saved.current = false;
          drafts.discard(NEW_SITE_DRAFT_ID);
          shell.pop();
        }
        return;
      }
      switch (action as WizardKey) {
        case 'next':
          return advance();
        case 'back':
          return dispatch({ type: 'back' });
        case 'cancel':
          if (state.step > 0) dispatch({ type: 'back' });
          else if (wizardDraft(state, editor.text())) setConfirmDiscard(true);
          else shell.pop();
          return;
        case 'create':
          return void create();
        case 'refuse':
          return dispatch({ type: 'error', message: 'not created: the domain mixes scripts; M creates it if the look-alike is meant, n goes back' });
      }
      if (step === 'summary') dispatch({ type: 'scroll', offset: scrollBy(action as ScrollAction, state.summaryScroll, summary.length, height - 3) });
      else if (step === 'aiPrompt') editor.dispatch(editorCommand(action as PromptEditorAction, { width, height: editorHeight }));
      else dispatch({ type: 'input', field: step, action: lineInputCommand(action as LineInputKey) });
    },
    onText(text, key) {
      if (step === 'summary' || confirmDiscard) return false;
      if (step === 'aiPrompt') {
        const typed = typedText(text, key);
        if (typed !== null) editor.dispatch({ type: 'insert', text: typed });
        return typed !== null;
      }
      return handleLineInputKey(text, key, (action) => dispatch({ type: 'input', field: step, action }));
    },
    onPaste(text) {
      if (confirmDiscard) return;
      if (step === 'aiPrompt') editor.dispatch({ type: 'paste', text });
      else if (step !== 'summary') dispatch({ type: 'input', field: step, action: { type: 'insert', text: text.replace(/\r?\n$/, '') } });
    },
  });

  const title = (
    <Text wrap="truncate-end">
      <Text bold>New site</Text>
      <Text dimColor>{`  step ${state.step + 1} of ${WIZARD_STEPS.length}: ${STEP_LABEL[step]}`}</Text>
      <DraftStateText id={NEW_SITE_DRAFT_ID} />
    </Text>
  );
  // The whole validation message of the current step (the one beside the field may be cut short).
  const liveError = (() => {
    if (step === 'summary' || step === 'aiPrompt' || state.inputs[step].value === '') return undefined;
    const r = check(step);
    return r.ok ? undefined : r.error;
  })();
  const shownError = state.error ?? liveError ?? null;
  const errorLine = (
    <Text color={confirmDiscard ? tone('warn') : shownError ? tone('error') : undefined} bold={confirmDiscard} dimColor={!shownError && !confirmDiscard} wrap="truncate-end">
      {truncate(
        confirmDiscard
          ? 'Discard this new site? What you typed is lost. y discard · n keep editing'
          : shownError
          ? sanitizeLine(shownError)
          : state.saving
            ? 'creating…'
            : step === 'summary'
              ? mixedDomain
                ? 'The domain mixes scripts: M creates it as meant · n/Esc back'
                : 'Create this site? y/Enter create · n/Esc back'
              : step === 'aiPrompt'
                ? 'Enter new line · Tab/Ctrl-S to the summary · the prompt may stay empty for now'
                : 'Enter next · Shift-Tab back · Esc cancel',
        width,
      )}
    </Text>
  );

  if (step === 'summary') {
    return (
      <Box flexDirection="column" width={width} height={height}>
        {title}
        <ScrollView lines={summary} offset={state.summaryScroll} width={width} height={Math.max(1, height - 2)} />
        {errorLine}
      </Box>
    );
  }

  return (
    <Box flexDirection="column" width={width} height={height}>
      {title}
      {folded && (
        <Text dimColor wrap="truncate-end">
          {truncate(`  ${lineFields.length} fields above (Shift-Tab): ${lineFields.map((f) => sanitizeLine(state.inputs[f].value) || '—').join(' · ')}`, width)}
        </Text>
      )}
      {!folded && lineFields.map((f, i) => {
        const index = WIZARD_STEPS.indexOf(f);
        const current = f === step;
        const r = check(f);
        const asStored = r.ok && r.value !== null && r.value !== state.inputs[f].value.trim() ? `stored as ${sanitizeLine(r.value)}` : undefined;
        const mixed = f === 'domain' && mixedDomain ? `⚠ ${sanitizeLine(mixedDomain)}` : undefined;
        const stored = asStored && mixed ? `${asStored} · ${mixed}` : (mixed ?? asStored);
        if (index > state.step) {
          return (
            <Text key={f} dimColor wrap="truncate-end">
              {'  '}
              {SITE_FIELD_LABELS[f].padEnd(LABEL_WIDTH)}
              {i === 3 ? '(default en)' : ''}
            </Text>
          );
        }
        return (
          <FieldRow
            key={f}
            label={SITE_FIELD_LABELS[f]}
            state={state.inputs[f]}
            focused={current}
            width={width}
            error={current && state.inputs[f].value === '' && !state.error ? undefined : r.ok ? undefined : r.error}
            note={f === 'siteId' && current && !state.siteIdTouched && state.inputs.siteId.value !== '' ? 'suggested from the domain; typing replaces it' : stored}
            hint={SITE_FIELD_HINTS[f]}
          />
        );
      })}
      <Text wrap="truncate-end">
        <Text bold={step === 'aiPrompt'} dimColor={state.step < WIZARD_STEPS.indexOf('aiPrompt')}>
          {step === 'aiPrompt' ? '› ' : '  '}Prompt
        </Text>
      </Text>
      {step === 'aiPrompt' ? (
        <>
          <PromptEditorPane store={editor} width={width} height={editorHeight} focused />
        </>
      ) : (
        <Box height={editorHeight + 1} />
      )}
      {errorLine}
    </Box>
  );
}
