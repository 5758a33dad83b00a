import { createContext, useContext, useLayoutEffect, useRef } from 'react';
import type { Key } from 'ink';
import type { Keymap } from '../keys/keymap.ts';
import type { Tone } from '../theme.ts';
import type { Route } from './routes.ts';

/**
 * What a screen hands the shell: its keymap for the current mode and what to do with a key. The shell's
 * screen subscriber (to the one keypress provider) hands a key to the top of the stack only, so exactly one
 * screen hears it, and the footer and the `?` help are drawn from the same table that handles it.
 */
export interface ScreenKeys<A extends string = string> {
  keymap: Keymap<A>;
  onAction(action: A): void;
  /** Keys the keymap does not bind (typing into a field). Return true when used. */
  onText?(input: string, key: Key): boolean;
  /** A bracketed paste, delivered as one string. */
  onPaste?(text: string): void;
  /** A text field has focus: `:`, `?` and `q` are typed into it instead of acting globally. */
  capturesText?: boolean;
}

export interface Shell {
  push(route: Route): void;
  pop(): void;
  replace(route: Route): void;
  reset(route: Route): void;
  /** One line in the status bar until the next key or a few seconds pass. */
  notify(message: string, tone?: Tone): void;
  quit(): void;
  /** Hands the terminal to a child process ($EDITOR) and takes it back. */
  suspend<T>(fn: () => Promise<T>): Promise<T>;
  /** The room a screen has between the header and the footer. */
  body: { width: number; height: number };
  /** The stack has something below this screen (Esc goes back rather than nowhere). */
  depth: number;
}

export const ShellContext = createContext<Shell | null>(null);

export function useShell(): Shell {
  const shell = useContext(ShellContext);
  if (!shell) throw new Error('useShell() outside the console shell');
  return shell;
}

interface ScreenSlot {
  /** This screen is the top of the stack (it receives keys when no overlay is open). */
  active: boolean;
  register(keys: { current: ScreenKeys }): () => void;
  publish(keymap: Keymap, capturesText: boolean): void;
}

export const ScreenSlotContext = createContext<ScreenSlot | null>(null);

/** True while this screen is the one on top (it gets keys and should keep its data fresh). */
/**
 * Whether a screen's input may place the terminal's cursor now (no help or palette over it, a terminal big
 * enough), and a value that changes on every render of the shell, so the cursor re-measures its place
 * when the frame around the screens moved (the health banner, a resize).
 */
export const CursorGateContext = createContext<{ allowed: boolean; frame: number }>({ allowed: true, frame: 0 });

export function useScreenActive(): boolean {
  return useContext(ScreenSlotContext)?.active ?? true;
}

/**
 * Registers this screen's keys with the shell. Call on every render: the shell always calls the latest
 * handlers, and re-draws the footer when the keymap (the screen's mode) changes.
 */
export function useScreenKeys<A extends string>(keys: ScreenKeys<A>): void {
  const slot = useContext(ScreenSlotContext);
  const ref = useRef(keys as unknown as ScreenKeys);
  ref.current = keys as unknown as ScreenKeys;
  // Layout effects: registered within the commit that draws the screen, so a key typed right after the
  // frame appears already reaches it (a passive effect could still be pending).
  useLayoutEffect(() => slot?.register(ref), [slot]);
  const active = slot?.active ?? false;
  const capturesText = Boolean(keys.capturesText);
  useLayoutEffect(() => {
    if (active) slot?.publish(keys.keymap, capturesText);
  }, [slot, active, keys.keymap, capturesText]);
}
