import { lineInput, lineInputReducer, type LineInputAction, type LineInputState } from '../components/line-input.tsx';
import type { Route } from './routes.ts';

/** A `:` command: a name people type, what it does, and either a place to go or quitting. */
export interface PaletteCommand {
  name: string;
  aliases?: string[];
  description: string;
  run: { go: Route } | { quit: true };
}

export const PALETTE_COMMANDS: readonly PaletteCommand[] = [
  { name: 'sites', aliases: ['site', 's'], description: 'list the sites', run: { go: { name: 'sites' } } },
  { name: 'users', aliases: ['user', 'u'], description: 'list the users', run: { go: { name: 'users' } } },
  { name: 'migrate', aliases: ['migrations', 'm'], description: 'migration status', run: { go: { name: 'migrations' } } },
  { name: 'quit', aliases: ['q', 'exit'], description: 'leave cabinet', run: { quit: true } },
];

export interface PaletteState {
  /** What is typed: `input.value`. */
  text: string;
  /** The command line as a one-line field (cursor, Ctrl-U, Ctrl-W, Ctrl-A/E, undo). */
  input: LineInputState;
  /** Index into the current matches. */
  selected: number;
  error?: string;
}

export type PaletteAction =
  | { type: 'type'; text: string }
  | { type: 'backspace' }
  | { type: 'edit'; action: LineInputAction }
  | { type: 'next' }
  | { type: 'previous' }
  | { type: 'complete' }
  | { type: 'error'; message: string }
  | { type: 'reset' };

export const emptyPalette: PaletteState = { text: '', input: lineInput(''), selected: 0 };

/** Commands whose name or alias starts with what was typed; exact alias matches first. */
export function paletteMatches(text: string, commands: readonly PaletteCommand[] = PALETTE_COMMANDS): PaletteCommand[] {
  const t = text.trim().toLowerCase();
  if (t === '') return [...commands];
  const exact = commands.filter((c) => c.name === t || c.aliases?.includes(t));
  const prefix = commands.filter((c) => !exact.includes(c) && [c.name, ...(c.aliases ?? [])].some((n) => n.startsWith(t)));
  return [...exact, ...prefix];
}

export function paletteReducer(state: PaletteState, action: PaletteAction): PaletteState {
  const matches = paletteMatches(state.text);
  switch (action.type) {
    case 'type':
      return paletteReducer(state, { type: 'edit', action: { type: 'insert', text: action.text.replace(/[\r\n\t]/g, '') } });
    case 'backspace':
      return paletteReducer(state, { type: 'edit', action: { type: 'backspace' } });
    case 'edit': {
      const input = lineInputReducer(state.input, action.action);
      return input.value === state.text ? { ...state, input } : { text: input.value, input, selected: 0 };
    }
    case 'next':
      return { ...state, selected: matches.length ? (state.selected + 1) % matches.length : 0, error: undefined };
    case 'previous':
      return { ...state, selected: matches.length ? (state.selected - 1 + matches.length) % matches.length : 0, error: undefined };
    case 'complete': {
      const pick = matches[state.selected];
      return pick ? { text: pick.name, input: lineInputReducer(state.input, { type: 'set', value: pick.name }), selected: 0 } : state;
    }
    case 'error':
      return { ...state, error: action.message };
    case 'reset':
      return emptyPalette;
  }
}

/** What Enter runs: the selected match, if anything matches. */
export function paletteChoice(state: PaletteState): PaletteCommand | undefined {
  return paletteMatches(state.text)[state.selected];
}
