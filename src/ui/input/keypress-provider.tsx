import { createContext, useLayoutEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import { useInput, usePaste, useStdin, type Key } from 'ink';
import { guardPastes, pasteRefusal } from './paste-guard.ts';
import { splitBurst } from './split-burst.ts';

/** A key, a bracketed paste, or a paste the guard refused for its size (in UTF-16 code units). */
export type Keypress = { kind: 'key'; input: string; key: Key } | { kind: 'paste'; text: string } | { kind: 'refusedPaste'; size: number };

export interface KeypressOptions {
  /** Only active subscribers hear anything (the focused overlay, the screen on top). */
  isActive?: boolean;
  /** Higher hears first; the first that returns true keeps the key from the rest. */
  priority?: number;
  /** A text field has focus: printable text read in one chunk goes to it in one piece. */
  takesText?: boolean;
  /** Wants bracketed pastes (the terminal's paste mode is on while any subscriber does). */
  pastes?: boolean;
}

/** Returns true when it used the event (lower priorities then do not hear it). */
export type KeypressHandler = (event: Keypress) => boolean;

export interface Subscriber {
  current: { handler: KeypressHandler; options: KeypressOptions };
}

/** Keys typed at a screen that had no keys yet (still loading), kept for it this long, and this many. */
const TYPE_AHEAD_MS = 3000;
const TYPE_AHEAD_MAX = 16;

export interface KeypressApi {
  subscribe(subscriber: Subscriber): () => void;
  /** Keeps a key for `scope` (a screen still loading) instead of losing it. */
  hold(scope: number, input: string, key: Key): void;
  /** Replays the keys kept for `scope`, in order, if still fresh; forgets the others. */
  release(scope: number): void;
  /** The person moved on (the palette, help, back): keys typed ahead are not theirs any more. */
  forget(): void;
  /** Whether any keys are kept. */
  holding(): boolean;
}

export const KeypressContext = createContext<KeypressApi | null>(null);

type Item = { key: [string, Key] } | { paste: string };

/**
 * The one owner of stdin (gemini-cli's KeypressContext): it reads the terminal through Ink, guards huge
 * pastes, splits bursts into keys, hands one key at a time (the next once React committed the last) to the
 * active subscribers in priority order, and keeps keys typed ahead at a screen still loading. Nothing else
 * reads input.
 */
export function KeypressProvider({ children }: { children: ReactNode }) {
  const { stdin, isRawModeSupported } = useStdin();
  const subscribers = useRef<Subscriber[]>([]);
  const [pasteSubscribers, setPasteSubscribers] = useState(0);
  const typedAhead = useRef<{ scope: number; at: number; key: [string, Key] }[]>([]);

  // A 50 MB paste must not freeze the console (see paste-guard.ts).
  useLayoutEffect(() => guardPastes(stdin as unknown as { read(...args: unknown[]): unknown }), [stdin]);

  const active = () =>
    subscribers.current.filter((s) => s.current.options.isActive !== false).sort((a, b) => (b.current.options.priority ?? 0) - (a.current.options.priority ?? 0));
  const deliver = (event: Keypress) => {
    for (const s of active()) if (s.current.handler(event)) return;
  };

  // One key at a time, and the next only after React has committed what the last one changed, so each key
  // sees the state the one before it left: "Tab End x" read at once must not type x into the field Tab just
  // left, nor ":users⏎" typed at the first frame run :sites. Ink hands every key of one terminal read to
  // useInput within the same tick, and only the first inside its discrete (synchronous) priority: a key the
  // pump hands over later updates at the default priority, which React renders in a scheduler task of its
  // own, not before any given number of turns. So the delivery also bumps `delivered` (same call, same update
  // lane: it commits together with the handler's changes, and a handler that changed nothing still gets a
  // commit), and the layout effect on it, after that commit, schedules the next key on a turn of its own
  // (Ink draws and stdin is read between keys). A lone key is delivered at once, as before. What a handler
  // changes later (after a service call, or in a transition) is not waited for.
  // Ink splits escape sequences but not control bytes from each other or the text around them, so a fast
  // typist (or key repeat, or a terminal without bracketed paste) can deliver "name\r", "\t\t" or two
  // Ctrl-W as one input; splitBurst makes them keys. A bracketed paste takes its place in the same queue, so
  // "End, text, paste" lands in that order (Ink delivers pastes on their own channel, at once).
  const queue = useRef<Item[]>([]);
  const pumping = useRef(false);
  const [delivered, setDelivered] = useState(0);
  const pump = () => {
    const next = queue.current.shift();
    if (!next) {
      pumping.current = false;
      return;
    }
    try {
      if ('paste' in next) {
        const refused = pasteRefusal(next.paste);
        deliver(refused !== null ? { kind: 'refusedPaste', size: refused } : { kind: 'paste', text: next.paste });
      } else {
        let [input, key] = next.key;
        // Printable text arriving as one chunk ("/beta" typed while the event loop was busy) is keys, one by
        // one, until a field takes text (the `/` opened the filter): the rest goes to the field in one piece.
        const chars = Array.from(input);
        const takesText = active().some((s) => s.current.options.takesText);
        if (chars.length > 1 && !takesText && !key.ctrl && !key.meta && !input.startsWith('\u001b')) {
          queue.current.unshift({ key: [chars.slice(1).join(''), key] });
          input = chars[0]!;
        }
        deliver({ kind: 'key', input, key });
      }
    } finally {
      setDelivered((n) => n + 1);
    }
  };
  // Runs after the commit of each delivery (children's layout effects first: a screen the key opened has
  // subscribed by now). Unmounting drops the rest of the queue.
  useLayoutEffect(() => {
    if (!pumping.current) return;
    const turn = setImmediate(pump);
    return () => clearImmediate(turn);
  }, [delivered]);
  const enqueue = (...items: Item[]) => {
    queue.current.push(...items);
    if (!pumping.current) {
      pumping.current = true;
      pump();
    }
  };

  useInput((input, key) => enqueue(...splitBurst(input, key).map((part) => ({ key: part }))), { isActive: isRawModeSupported });
  usePaste((text) => enqueue({ paste: text }), { isActive: isRawModeSupported && pasteSubscribers > 0 });

  const api = useMemo(
    (): KeypressApi => ({
      subscribe(subscriber) {
        subscribers.current = [...subscribers.current, subscriber];
        const pastes = Boolean(subscriber.current.options.pastes);
        if (pastes) setPasteSubscribers((n) => n + 1);
        return () => {
          subscribers.current = subscribers.current.filter((s) => s !== subscriber);
          if (pastes) setPasteSubscribers((n) => n - 1);
        };
      },
      hold(scope, input, key) {
        const waiting = typedAhead.current.filter((k) => k.scope === scope);
        if (waiting.length < TYPE_AHEAD_MAX) typedAhead.current = [...waiting, { scope, at: Date.now(), key: [input, key] }];
      },
      release(scope) {
        const fresh = typedAhead.current.filter((k) => k.scope === scope && Date.now() - k.at < TYPE_AHEAD_MS);
        typedAhead.current = [];
        if (fresh.length > 0) enqueue(...fresh.map((k) => ({ key: k.key })));
      },
      forget() {
        typedAhead.current = [];
      },
      holding: () => typedAhead.current.length > 0,
    }),
    [],
  );

  return <KeypressContext.Provider value={api}>{children}</KeypressContext.Provider>;
}

/** Who hears a key first: the frame (status line), a modal notice, an overlay, the screen, the global keys. */
export const KEY_PRIORITY = { frame: 300, modal: 200, overlay: 100, screen: 0, global: -100 } as const;
