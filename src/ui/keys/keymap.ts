import type { Key } from 'ink';

/**
 * A key binding is data: the same table handles input and draws the footer and the `?` help, so a key
 * cannot exist without its description.
 */
export interface Binding<A extends string = string> {
  action: A;
  /**
   * Keys as matched and shown: a printable character ('j', 'G', '/', ':'), a named key ('down', 'enter',
   * 'esc', 'tab', 'shift+tab', 'pageup', 'home', 'backspace', 'delete', 'space'), or a modified one
   * ('ctrl+s', 'ctrl+left', 'alt+b', 'alt+left').
   */
  keys: readonly string[];
  description: string;
  /** Shown in the footer (the others only in the `?` help). */
  footer?: boolean;
  /**
   * Set when the action cannot run now (e.g. a read-only connection): the key stays in the `?` help, marked
   * disabled with this reason, is left out of the footer, and pressing it says why instead of acting.
   */
  disabledReason?: string;
}

export type Keymap<A extends string = string> = readonly Binding<A>[];

const plain = (k: Key) => !k.ctrl && !k.meta;

const NAMED: Record<string, (input: string, key: Key) => boolean> = {
  up: (_i, k) => k.upArrow && plain(k),
  down: (_i, k) => k.downArrow && plain(k),
  left: (_i, k) => k.leftArrow && plain(k),
  right: (_i, k) => k.rightArrow && plain(k),
  enter: (_i, k) => k.return && !k.meta,
  esc: (_i, k) => k.escape,
  tab: (_i, k) => k.tab && !k.shift,
  'shift+tab': (_i, k) => k.tab && k.shift,
  backspace: (_i, k) => k.backspace && plain(k),
  delete: (_i, k) => k.delete && plain(k),
  pageup: (_i, k) => k.pageUp,
  pagedown: (_i, k) => k.pageDown,
  home: (_i, k) => k.home && plain(k),
  end: (_i, k) => k.end && plain(k),
  space: (i, k) => i === ' ' && plain(k),
  'ctrl+left': (_i, k) => k.leftArrow && k.ctrl,
  'ctrl+right': (_i, k) => k.rightArrow && k.ctrl,
  'alt+left': (_i, k) => k.leftArrow && k.meta && !k.ctrl,
  'alt+right': (_i, k) => k.rightArrow && k.meta && !k.ctrl,
  'ctrl+home': (_i, k) => k.home && k.ctrl,
  'ctrl+end': (_i, k) => k.end && k.ctrl,
  'alt+backspace': (_i, k) => k.backspace && k.meta,
  'ctrl+backspace': (i, k) => (k.backspace && k.ctrl) || (k.ctrl && i === 'w'),
};

export function matchesKey(spec: string, input: string, key: Key): boolean {
  const named = NAMED[spec];
  if (named) return named(input, key);
  const ctrl = /^ctrl\+(.)$/.exec(spec);
  if (ctrl) return key.ctrl && !key.meta && input.toLowerCase() === ctrl[1];
  const alt = /^alt\+(.)$/.exec(spec);
  if (alt) return key.meta && !key.ctrl && input === alt[1];
  return plain(key) && input === spec;
}

/** The binding for this keypress, if any (the first binding in table order wins). */
export function bindingFor<A extends string>(keymap: Keymap<A>, input: string, key: Key): Binding<A> | undefined {
  return keymap.find((b) => b.keys.some((k) => matchesKey(k, input, key)));
}

/** The action bound to this keypress, if any (the first binding in table order wins). */
export function actionFor<A extends string>(keymap: Keymap<A>, input: string, key: Key): A | undefined {
  return bindingFor(keymap, input, key)?.action;
}

/** The same table with `actions` disabled for `reason` (no reason: unchanged). */
export function disableActions<A extends string>(keymap: Keymap<A>, actions: readonly A[], reason: string | undefined): Keymap<A> {
  if (!reason) return keymap;
  return keymap.map((b) => (actions.includes(b.action) ? { ...b, disabledReason: reason } : b));
}

const SHOWN: Record<string, string> = {
  up: '↑',
  down: '↓',
  left: '←',
  right: '→',
  enter: 'Enter',
  esc: 'Esc',
  tab: 'Tab',
  'shift+tab': 'Shift-Tab',
  backspace: 'Backspace',
  delete: 'Del',
  pageup: 'PgUp',
  pagedown: 'PgDn',
  home: 'Home',
  end: 'End',
  space: 'Space',
};

/** How a key is written for people: `Ctrl-S`, `Alt-b`, `PgDn`, `↓`. */
export function formatKey(spec: string): string {
  if (SHOWN[spec]) return SHOWN[spec];
  const mod = /^(ctrl|alt)\+(.+)$/.exec(spec);
  if (mod) {
    const rest = SHOWN[mod[2]!] ?? (mod[2]!.length === 1 && mod[1] === 'ctrl' ? mod[2]!.toUpperCase() : mod[2]!);
    return `${mod[1] === 'ctrl' ? 'Ctrl' : 'Alt'}-${rest}`;
  }
  return spec;
}

export function formatKeys(binding: Binding): string {
  return binding.keys.map(formatKey).join('/');
}

/** Concatenates tables; the first binding for an action wins, later duplicates are dropped. */
export function combineKeymaps<A extends string>(...maps: (Keymap<A> | false | undefined)[]): Keymap<A> {
  const seen = new Set<string>();
  const out: Binding<A>[] = [];
  for (const map of maps) {
    if (!map) continue;
    for (const b of map) {
      if (seen.has(b.action)) continue;
      seen.add(b.action);
      out.push(b);
    }
  }
  return out;
}

/** `global` without the keys `local` already binds (the screen's binding wins, so the global one is not shown). */
export function withoutShadowed<A extends string>(global: Keymap<A>, local: Keymap): Keymap<A> {
  const taken = new Set(local.flatMap((b) => b.keys));
  return global.flatMap((b) => {
    const keys = b.keys.filter((k) => !taken.has(k));
    return keys.length === 0 ? [] : [{ ...b, keys }];
  });
}

/** Identity of a keymap's content: two tables that handle and show the same keys are the same. */
export function keymapSignature(keymap: Keymap): string {
  return keymap.map((b) => `${b.action}:${b.keys.join(',')}:${b.footer ? 1 : 0}:${b.description}:${b.disabledReason ?? ''}`).join('|');
}
