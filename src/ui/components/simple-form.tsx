import { useReducer, useState } from 'react';
import { Box, Text } from 'ink';
import { sanitizeLine } from '../../lib/sanitize.ts';
import { combineKeymaps, type Keymap } from '../keys/keymap.ts';
import { useScreenKeys, useShell } from '../shell/shell-context.tsx';
import { truncate } from '../text/graphemes.ts';
import { tone } from '../theme.ts';
import { FieldRow } from './field-row.tsx';
import { handleLineInputKey, lineInput, lineInputCommand, lineInputKeymap, lineInputReducer, type LineInputKey, type LineInputState } from './line-input.tsx';

export interface SimpleField {
  key: string;
  label: string;
  initial: string;
  hint?: string;
  readOnly?: boolean;
  /** An error message, or undefined when valid; called on every keystroke. */
  validate(value: string): string | undefined;
}

type FormKey = 'submit' | 'next' | 'previous' | 'cancel';

const formKeymap: Keymap<FormKey> = [
  { action: 'submit', keys: ['ctrl+s'], description: 'save', footer: true },
  { action: 'next', keys: ['tab', 'down'], description: 'next field', footer: true },
  { action: 'previous', keys: ['shift+tab', 'up'], description: 'previous field' },
  { action: 'cancel', keys: ['esc'], description: 'cancel', footer: true },
];

// Enter moves on, and on the last field submits.
const enterKeymap: Keymap<'enter'> = [{ action: 'enter', keys: ['enter'], description: 'next field / save on the last' }];

type State = { inputs: LineInputState[]; focus: number };

/**
 * A short form of one-line fields (the new-user form), validated as you type. `submit` gets the
 * values and returns the line to show afterwards; its error is shown as one line and the form stays.
 */
export function SimpleForm({ title, fields, submit }: { title: string; fields: SimpleField[]; submit(values: Record<string, string>): Promise<void> }) {
  const shell = useShell();
  const editable = fields.map((f, i) => (f.readOnly ? -1 : i)).filter((i) => i >= 0);
  const [state, setState] = useReducer(
    (s: State, update: (s: State) => State) => update(s),
    undefined,
    (): State => ({ inputs: fields.map((f) => lineInput(f.initial)), focus: editable[0] ?? 0 }),
  );
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const width = shell.body.width;
  const errors = fields.map((f, i) => (f.readOnly ? undefined : f.validate(state.inputs[i]!.value)));

  const move = (delta: number) =>
    setState((s) => {
      const at = editable.indexOf(s.focus);
      return { ...s, focus: editable[(at + delta + editable.length) % editable.length]! };
    });

  const doSubmit = () => {
    const bad = errors.findIndex((e) => e !== undefined);
    if (bad >= 0) {
      setState((s) => ({ ...s, focus: bad }));
      setError(`fix this first: ${errors[bad]}`);
      return;
    }
    setBusy(true);
    setError(null);
    submit(Object.fromEntries(fields.map((f, i) => [f.key, state.inputs[i]!.value]))).catch((e: unknown) => {
      setBusy(false);
      setError(e instanceof Error ? ((e as { line?: string }).line ?? e.message) : String(e));
    });
  };

  useScreenKeys<string>({
    keymap: combineKeymaps<string>(formKeymap, enterKeymap, lineInputKeymap),
    capturesText: true,
    onAction(action) {
      if (busy) return;
      switch (action) {
        case 'submit':
          return doSubmit();
        case 'next':
          return move(1);
        case 'previous':
          return move(-1);
        case 'enter':
          return editable.indexOf(state.focus) === editable.length - 1 ? doSubmit() : move(1);
        case 'cancel':
          return shell.pop();
      }
      const command = lineInputCommand(action as LineInputKey);
      setState((s) => ({ ...s, inputs: s.inputs.map((inp, i) => (i === s.focus ? lineInputReducer(inp, command) : inp)) }));
    },
    onText(input, key) {
      if (busy) return true;
      return handleLineInputKey(input, key, (a) => setState((s) => ({ ...s, inputs: s.inputs.map((inp, i) => (i === s.focus ? lineInputReducer(inp, a) : inp)) })));
    },
    onPaste(text) {
      const a = { type: 'insert' as const, text: text.replace(/\r?\n$/, '') };
      setState((s) => ({ ...s, inputs: s.inputs.map((inp, i) => (i === s.focus ? lineInputReducer(inp, a) : inp)) }));
    },
  });

  return (
    <Box flexDirection="column" width={width}>
      <Text bold wrap="truncate-end">
        {truncate(title, width)}
      </Text>
      {fields.map((f, i) => (
        <FieldRow
          key={f.key}
          label={f.label}
          state={state.inputs[i]!}
          focused={state.focus === i}
          width={width}
          readOnly={f.readOnly}
          error={errors[i]}
          hint={f.hint}
        />
      ))}
      <Text> </Text>
      <Text color={error ? tone('error') : undefined} dimColor={!error} wrap="truncate-end">
        {truncate(busy ? 'saving…' : error ? sanitizeLine(error) : 'Ctrl-S (or Enter on the last field) saves · Esc cancels', width)}
      </Text>
    </Box>
  );
}
