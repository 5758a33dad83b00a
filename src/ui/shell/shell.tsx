import { useCallback, useEffect, useMemo, useReducer, useRef, useState, type ReactNode } from 'react';
import { Box, Text, useApp, useInput, usePaste, useStdin, useWindowSize, type Key } from 'ink';
import type { Services } from '../../services/types.ts';
import { PROMPT_MAX_CHARS } from '../../schema/limits.ts';
import { sanitizeLine } from '../../lib/sanitize.ts';
import { Header, headerHeight } from '../components/header.tsx';
import { useConnectionHealth } from '../connection/connection-health.tsx';
import { HealthBanner } from '../connection/health-banner.tsx';
import { useDrafts } from '../drafts-context.tsx';
import { pasteRefusal } from '../input/paste-guard.ts';
import { splitBurst } from '../input/split-burst.ts';
import { KeyHints } from '../components/key-hints.tsx';
import { handleLineInputKey } from '../components/line-input.tsx';
import { actionFor, bindingFor, keymapSignature, withoutShadowed, type Keymap } from '../keys/keymap.ts';
import { fit, truncate } from '../text/graphemes.ts';
import { tone, type Tone } from '../theme.ts';
import { helpKeymap, nestedKeymap, paletteKeymap, rootKeymap, typingKeymap, type GlobalAction } from './global-keymap.ts';
import { HelpOverlay, helpRows, SHELL_COMMANDS } from './help-overlay.tsx';
import { PaletteLine, PaletteMatches } from './palette-view.tsx';
import { emptyPalette, paletteChoice, paletteReducer } from './palette-state.ts';
import { initialNav, navReducer, type Route } from './routes.ts';
import { CursorGateContext, ScreenSlotContext, ShellContext, type ScreenKeys, type Shell as ShellApi } from './shell-context.tsx';
import { screenFor, screenTitle } from './screen-registry.tsx';

export const MIN_COLUMNS = 60;
export const MIN_ROWS = 15;
const STATUS_MS = 6000;
/** Keys typed at a loading screen are kept this long, and this many. */
const TYPE_AHEAD_MS = 3000;
const TYPE_AHEAD_MAX = 16;
const PROMPT_LIMIT = `at most ${PROMPT_MAX_CHARS.toLocaleString('en')}`;

type Overlay = 'none' | 'help' | 'palette';

/**
 * The frame around the screens: header, body, status line and key hints, sized to the terminal. Owns
 * the one input handler: overlays first (help, palette), then the screen on top of the stack, then the
 * global keys. Screens below the top stay mounted (hidden) so going back keeps their cursor and filter.
 */
export function Shell({ services, initialRoute }: { services: Services; initialRoute?: Route }) {
  const { columns, rows } = useWindowSize();
  const { exit, suspendTerminal } = useApp();
  const { isRawModeSupported } = useStdin();
  const [nav, dispatchNav] = useReducer(navReducer, initialRoute, initialNav);
  const [overlay, setOverlay] = useState<Overlay>('none');
  const [helpScroll, setHelpScroll] = useState(0);
  const [palette, dispatchPalette] = useReducer(paletteReducer, emptyPalette);
  const [status, setStatus] = useState<{ message: string; tone?: Tone; at: number } | null>(null);
  const [published, setPublished] = useState<{ key: number; keymap: Keymap; capturesText: boolean }>({ key: -1, keymap: [], capturesText: false });
  const screens = useRef(new Map<number, { current: ScreenKeys }>());
  const health = useConnectionHealth();
  const drafts = useDrafts();
  const bannerHeight = health.state.status === 'down' ? 1 : 0;

  // Drafts left by an earlier session (a dropped link, a crash): offered first, over the list.
  useEffect(() => {
    if (drafts.list().length > 0) dispatchNav({ type: 'push', route: { name: 'drafts' } });
  }, [drafts]);

  const top = nav.stack.at(-1)!;
  const depth = nav.stack.length;
  const tooSmall = columns < MIN_COLUMNS || rows < MIN_ROWS;
  const screenKeymap = published.key === top.key ? published.keymap : [];
  const capturesText = published.key === top.key && published.capturesText;
  const globalKeymap: Keymap<GlobalAction> = useMemo(
    () => withoutShadowed(capturesText ? typingKeymap : depth > 1 ? nestedKeymap : rootKeymap, screenKeymap),
    [capturesText, depth, screenKeymap],
  );

  useEffect(() => {
    if (!status) return;
    const timer = setTimeout(() => setStatus((s) => (s === status ? null : s)), STATUS_MS);
    return () => clearTimeout(timer);
  }, [status]);

  const suspend = useCallback(
    async <T,>(fn: () => Promise<T>): Promise<T> => {
      let result: T | undefined;
      await suspendTerminal(async () => {
        result = await fn();
      });
      return result as T;
    },
    [suspendTerminal],
  );

  const api: ShellApi = useMemo(
    () => ({
      push: (route) => dispatchNav({ type: 'push', route }),
      pop: () => dispatchNav({ type: 'pop' }),
      replace: (route) => dispatchNav({ type: 'replace', route }),
      reset: (route) => dispatchNav({ type: 'reset', route }),
      notify: (message, t) => setStatus({ message, ...(t ? { tone: t } : {}), at: Date.now() }),
      quit: () => exit(),
      suspend,
      body: { width: columns, height: Math.max(1, rows - headerHeight(services.connection) - bannerHeight - 2) },
      depth,
    }),
    // The header's height, not only its object: applying migrations on :migrate removes its warning line.
    [columns, rows, headerHeight(services.connection), bannerHeight, exit, suspend, depth],
  );

  const runGlobal = (action: GlobalAction) => {
    // The person moved on (the palette, help, back): keys typed at a loading screen are not theirs any more.
    typedAhead.current = [];
    switch (action) {
      case 'palette':
        dispatchPalette({ type: 'reset' });
        setOverlay('palette');
        break;
      case 'help':
        setHelpScroll(0);
        setOverlay('help');
        break;
      case 'back':
        dispatchNav({ type: 'pop' });
        break;
      case 'quit':
        exit();
        break;
    }
  };

  const closePalette = () => {
    setOverlay('none');
    dispatchPalette({ type: 'reset' });
  };

  const onPaletteKey = (input: string, key: Key) => {
    const action = actionFor(paletteKeymap, input, key);
    switch (action) {
      case 'close':
        closePalette();
        return;
      case 'erase':
        if (palette.text === '') closePalette();
        else dispatchPalette({ type: 'backspace' });
        return;
      case 'complete':
        dispatchPalette({ type: 'complete' });
        return;
      case 'next':
        dispatchPalette({ type: 'next' });
        return;
      case 'previous':
        dispatchPalette({ type: 'previous' });
        return;
      case 'run': {
        const choice = paletteChoice(palette);
        if (!choice) {
          dispatchPalette({ type: 'error', message: `unknown command :${palette.text.trim()}` });
          return;
        }
        closePalette();
        if ('quit' in choice.run) exit();
        else dispatchNav({ type: 'reset', route: choice.run.go });
        return;
      }
      default:
        handleLineInputKey(input, key, (edit) => dispatchPalette({ type: 'edit', action: edit }));
    }
  };

  const helpSections = [{ title: screenTitle(top.route), keymap: screenKeymap }, { title: 'Everywhere', keymap: globalKeymap }, SHELL_COMMANDS];
  const helpLength = helpRows(helpSections).length;
  const bodyHeight = api.body.height;

  // One key per turn of the event loop, so each key sees the state the one before it left. Ink hands every
  // key of one terminal read to useInput within the same tick, before React has rendered the first key's
  // update: "Tab End x" read at once would type x into the field Tab just left. And Ink splits escape
  // sequences but not control bytes from each other or the text around them, so a fast typist (or key
  // repeat, or a terminal without bracketed paste) can deliver "name\r", "\t\t" or two Ctrl-W as one
  // input; splitBurst makes them keys.
  // The first key is handled at once; keys arriving meanwhile queue behind it. A bracketed paste takes its
  // place in the same queue, so "End, text, paste" lands in that order (Ink delivers pastes on their own
  // channel, at once).
  const queue = useRef<({ key: [string, Key] } | { paste: string })[]>([]);
  const pumping = useRef(false);
  // Printable text arriving as one chunk ("/beta" typed while the event loop was busy) is keys, one by one,
  // until a field takes text (the `/` opened the filter): the rest goes to the field in one piece.
  const takesText = useRef(false);
  takesText.current = capturesText || overlay === 'palette';
  const pump = () => {
    const next = queue.current.shift();
    if (!next) {
      pumping.current = false;
      return;
    }
    try {
      if ('paste' in next) onPasteRef.current(next.paste);
      else {
        let [input, key] = next.key;
        const chars = Array.from(input);
        if (chars.length > 1 && !takesText.current && !key.ctrl && !key.meta && !input.startsWith('\u001b')) {
          queue.current.unshift({ key: [chars.slice(1).join(''), key] });
          input = chars[0]!;
        }
        onKeyRef.current(input, key);
      }
    } finally {
      setImmediate(pump);
    }
  };
  const enqueue = (...items: ({ key: [string, Key] } | { paste: string })[]) => {
    queue.current.push(...items);
    if (!pumping.current) {
      pumping.current = true;
      pump();
    }
  };
  useInput((input, key) => enqueue(...splitBurst(input, key).map((part) => ({ key: part }))), { isActive: isRawModeSupported });

  const onKeyRef = useRef(onKey);
  onKeyRef.current = onKey;
  function onKey(input: string, key: Key): void {
    // A status line tells what the last action did: the next key is a new action, so it fades (a message
    // this key causes is set below and stays until the key after).
    setStatus(null);
    if (tooSmall) {
      if (input === 'q' && !key.ctrl) exit();
      return;
    }
    if (overlay === 'help') {
      const action = actionFor(helpKeymap, input, key);
      if (action === 'close') setOverlay('none');
      else if (action === 'down') setHelpScroll((s) => Math.min(Math.max(0, helpLength - bodyHeight + 1), s + (key.pageDown ? bodyHeight - 2 : 1)));
      else if (action === 'up') setHelpScroll((s) => Math.max(0, s - (key.pageUp ? bodyHeight - 2 : 1)));
      return;
    }
    if (overlay === 'palette') {
      onPaletteKey(input, key);
      return;
    }
    const keys = screens.current.get(top.key)?.current;
    if (keys) {
      const binding = bindingFor(keys.keymap, input, key);
      if (binding?.disabledReason) {
        // The key exists but cannot act now (read-only): say why rather than ignore it.
        setStatus({ message: `${binding.description}: not available, ${binding.disabledReason}`, tone: 'warn', at: Date.now() });
        return;
      }
      if (binding) {
        keys.onAction(binding.action);
        return;
      }
      if (keys.onText?.(input, key)) return;
    }
    const global = actionFor(globalKeymap, input, key);
    if (global) runGlobal(global);
    else if (!keys || keys.keymap.length === 0) {
      // The screen has no keys yet: it is still loading (a slow link, a slow query). The key is kept for
      // it and handed over once its keys are there, instead of being lost.
      const waiting = typedAhead.current.filter((k) => k.screen === top.key);
      if (waiting.length < TYPE_AHEAD_MAX) typedAhead.current = [...waiting, { screen: top.key, at: Date.now(), key: [input, key] }];
    }
  }

  // Keys typed at a screen while it was loading, replayed (in order) when it publishes its keys.
  const typedAhead = useRef<{ screen: number; at: number; key: [string, Key] }[]>([]);
  useEffect(() => {
    if (published.key !== top.key || published.keymap.length === 0 || typedAhead.current.length === 0 || overlay !== 'none') return;
    const fresh = typedAhead.current.filter((k) => k.screen === top.key && Date.now() - k.at < TYPE_AHEAD_MS);
    typedAhead.current = [];
    if (fresh.length > 0) enqueue(...fresh.map((k) => ({ key: k.key })));
  }, [published, top.key]);

  usePaste((text) => enqueue({ paste: text }), { isActive: isRawModeSupported });

  const onPasteRef = useRef(onPaste);
  onPasteRef.current = onPaste;
  function onPaste(text: string): void {
    const refused = pasteRefusal(text);
    if (refused !== null) {
      setStatus({ message: `paste refused: ${(refused / 1_000_000).toFixed(1)} million characters, more than any field holds (prompt: ${PROMPT_LIMIT})`, tone: 'error', at: Date.now() });
      return;
    }
    if (tooSmall || overlay === 'help') return;
    if (overlay === 'palette') {
      dispatchPalette({ type: 'type', text });
      return;
    }
    screens.current.get(top.key)?.current.onPaste?.(text);
  }

  const slots = useMemo(
    () =>
      new Map(
        nav.stack.map((entry) => [
          entry.key,
          {
            // On top of the stack; an overlay (help, palette) does not count as leaving, so no reload on close.
            active: entry.key === top.key,
            register: (ref: { current: ScreenKeys }) => {
              screens.current.set(entry.key, ref);
              return () => {
                if (screens.current.get(entry.key) === ref) screens.current.delete(entry.key);
              };
            },
            // Bail out when nothing changed, so a screen that builds its keymap inline cannot loop renders.
            publish: (keymap: Keymap, captures: boolean) =>
              setPublished((prev) =>
                prev.key === entry.key && prev.capturesText === captures && keymapSignature(prev.keymap) === keymapSignature(keymap)
                  ? prev
                  : { key: entry.key, keymap, capturesText: captures },
              ),
          },
        ]),
      ),
    [nav.stack, top.key],
  );

  function renderStack(): ReactNode {
    return nav.stack.map((entry) => (
      <ScreenSlotContext.Provider key={entry.key} value={slots.get(entry.key)!}>
        <Box display={entry.key === top.key && overlay !== 'help' ? 'flex' : 'none'} flexDirection="column" width={columns} height={bodyHeight} overflow="hidden">
          {screenFor(entry.route)}
        </Box>
      </ScreenSlotContext.Provider>
    ));
  }

  const frame = useRef(0);
  frame.current += 1;

  // One tree whatever the size: the body stays at the same place in it, so a terminal that is briefly too
  // small hides the screens instead of unmounting them (an edit in progress survives the resize).
  return (
    <ShellContext.Provider value={api}>
      <CursorGateContext.Provider value={{ allowed: overlay === 'none' && !tooSmall, frame: frame.current }}>
        <Box flexDirection="column" width={columns} height={rows}>
          {tooSmall ? (
            <Box flexDirection="column">
              <Text>{truncate(`Terminal too small: ${columns}×${rows}.`, columns)}</Text>
              <Text>{truncate(`cabinet needs at least ${MIN_COLUMNS}×${MIN_ROWS}; enlarge the window (q quits).`, columns)}</Text>
            </Box>
          ) : (
            <Header connection={services.connection} width={columns} title={screenTitle(top.route)} />
          )}
          {!tooSmall && <HealthBanner state={health.state} width={columns} />}
          <Box display={tooSmall ? 'none' : 'flex'} flexDirection="column" width={columns} height={bodyHeight} overflow="hidden">
            {renderStack()}
            {overlay === 'help' && (
              <HelpOverlay
                sections={helpSections}
                width={columns}
                height={bodyHeight}
                scroll={helpScroll}
              />
            )}
          </Box>
          {!tooSmall && (
            <Box height={1} width={columns}>
              {overlay === 'palette' ? (
                <PaletteLine state={palette} width={columns} />
              ) : (
                <Text color={status?.tone ? tone(status.tone) : undefined} wrap="truncate-end">
                  {fit(sanitizeLine(status?.message ?? ''), columns)}
                </Text>
              )}
            </Box>
          )}
          {!tooSmall && (
            <Box height={1} width={columns}>
              {overlay === 'palette' ? (
                <PaletteMatches state={palette} width={columns} />
              ) : (
                <KeyHints keymaps={overlay === 'help' ? [helpKeymap] : [screenKeymap]} pinned={overlay === 'help' ? [] : globalKeymap} width={columns} />
              )}
            </Box>
          )}
        </Box>
      </CursorGateContext.Provider>
    </ShellContext.Provider>
  );
}
