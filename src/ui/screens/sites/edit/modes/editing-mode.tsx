import { useMemo } from 'react';
import { Text } from 'ink';
import { SITE_FIELD_LABELS } from '../../../../../schema/site-schema.ts';
import { sanitizeLine } from '../../../../../lib/sanitize.ts';
import { handleLineInputKey, lineInputCommand, lineInputKeymap, type LineInputKey } from '../../../../components/line-input.tsx';
import { editorCommand, typedText } from '../../../../editor/editor-command.ts';
import { promptEditorKeymap, type PromptEditorAction } from '../../../../editor/prompt-editor-keymap.ts';
import { combineKeymaps } from '../../../../keys/keymap.ts';
import { useScreenKeys } from '../../../../shell/shell-context.tsx';
import { truncate } from '../../../../text/graphemes.ts';
import { tone } from '../../../../theme.ts';
import { lineFieldKeymap, siteFormKeymap, type LineFieldKey, type SiteFormKey } from '../site-form-keymap.ts';
import { formLayout, SiteFormView } from '../site-form-view.tsx';
import type { SiteEdit } from '../use-site-edit.ts';

type EditingKey = SiteFormKey | LineFieldKey | LineInputKey | PromptEditorAction;

/** Typing in the fields: Tab/Shift-Tab between them, the prompt in the built-in editor, Ctrl-S to the review. */
export function EditingMode({ edit }: { edit: SiteEdit }) {
  const { form, focus, dispatch, prompt, checks, serviceErrors } = edit;
  const inPrompt = focus === 'aiPrompt';
  const keymap = useMemo(
    () => combineKeymaps<EditingKey>(siteFormKeymap, inPrompt ? promptEditorKeymap : combineKeymaps<LineFieldKey | LineInputKey>(lineFieldKeymap, lineInputKeymap)),
    [inPrompt],
  );
  const { editorView } = formLayout(edit);

  useScreenKeys<EditingKey>({
    keymap,
    capturesText: true,
    onAction(action) {
      switch (action) {
        case 'review':
          // After a conflict or a gone site, Ctrl-S shows that again instead of a save bound to fail.
          if (edit.conflict) return dispatch({ type: 'mode', mode: 'conflict' });
          if (edit.gone) return dispatch({ type: 'mode', mode: 'gone' });
          return edit.toReview();
        case 'next':
        case 'nextField':
          return dispatch({ type: 'focus', delta: 1 });
        case 'previous':
        case 'previousField':
          return dispatch({ type: 'focus', delta: -1 });
        case 'external':
          return void edit.openExternal();
        case 'cancel':
          // The edit as it is now: a key may have reached the prompt since this render.
          if (edit.now().dirty) return dispatch({ type: 'mode', mode: 'discard' });
          return edit.controller.cancel(() => dispatch({ type: 'mode', mode: 'discard' }));
      }
      if (focus === 'aiPrompt') prompt.dispatch(editorCommand(action as PromptEditorAction, editorView));
      else dispatch({ type: 'input', field: focus, action: lineInputCommand(action as LineInputKey) });
    },
    onText(input, key) {
      // Keys a field does not take (Ctrl-G…) fall through to the shell's global keys.
      if (focus === 'aiPrompt') {
        const text = typedText(input, key);
        if (text !== null) prompt.dispatch({ type: 'insert', text });
        return text !== null;
      }
      return handleLineInputKey(input, key, (action) => dispatch({ type: 'input', field: focus, action }));
    },
    onPaste(text) {
      if (focus === 'aiPrompt') prompt.dispatch({ type: 'paste', text });
      // A copied line often ends in a newline; any other line break is left for validation to point out.
      else dispatch({ type: 'input', field: focus, action: { type: 'insert', text: text.replace(/\r?\n$/, '') } });
    },
  });

  // The last line: a service error, else the focused field's whole validation message (the one next to
  // the field may be cut short), else what to do next.
  const focusedError = focus !== 'aiPrompt' ? (checks[focus].ok ? serviceErrors[focus] : checks[focus].error) : undefined;
  const bottomLine: { text: string; tone?: 'error' } = form.error
    ? { text: sanitizeLine(form.error), tone: 'error' }
    : focusedError
      ? { text: `${SITE_FIELD_LABELS[focus]}: ${sanitizeLine(focusedError)}`, tone: 'error' }
      : { text: edit.notice ?? 'Ctrl-S review the changes before saving' };

  return (
    <SiteFormView
      edit={edit}
      bottom={
        <Text color={bottomLine.tone ? tone(bottomLine.tone) : undefined} dimColor={!bottomLine.tone} wrap="truncate-end">
          {truncate(bottomLine.text, edit.shell.body.width)}
        </Text>
      }
    />
  );
}
