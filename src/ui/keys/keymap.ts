import type { Key } from 'ink';

/**
 * A key binding is data: the same table handles input and draws the footer and the `?` help, so a key
 * cannot exist without its description.
 */
export interface Binding<A extends string = string> {
  action: A;
  /** Keys as shown to people and matched: 'j', 'down', 'enter', 'esc', 'ctrl+s', 'pageup', 'G', '/'. */
  keys: string[];
  description: string;
  /** Shown in the footer (others only in the `?` help). */
  footer?: boolean;
}

export type Keymap<A extends string = string> = readonly Binding<A>[];

const NAMED: Record<string, (input: string, key: Key) => boolean> = {
  up: (_i, k) => k.upArrow,
  down: (_i, k) => k.downArrow,
  left: (_i, k) => k.leftArrow,
  right: (_i, k) => k.rightArrow,
  enter: (_i, k) => k.return,
  esc: (_i, k) => k.escape,
  tab: (_i, k) => k.tab && !k.shift,
  'shift+tab': (_i, k) => k.tab && k.shift,
  backspace: (_i, k) => k.backspace,
  delete: (_i, k) => k.delete,
  pageup: (_i, k) => k.pageUp,
  pagedown: (_i, k) => k.pageDown,
  home: (_i, k) => k.home,
  end: (_i, k) => k.end,
};

export function matchesKey(spec: string, input: string, key: Key): boolean {
  const named = NAMED[spec];
  if (named) return named(input, key);
  const ctrl = /^ctrl\+(.)$/.exec(spec);
  if (ctrl) return key.ctrl && input.toLowerCase() === ctrl[1];
  return !key.ctrl && !key.meta && input === spec;
}

/** The action bound to this keypress, if any. */
export function actionFor<A extends string>(keymap: Keymap<A>, input: string, key: Key): A | undefined {
  return keymap.find((b) => b.keys.some((k) => matchesKey(k, input, key)))?.action;
}
