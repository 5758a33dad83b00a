import { useCallback, useEffect, useMemo, useReducer, useRef, useState, type ReactNode } from 'react';
import { Box, Text, useApp, useWindowSize } from 'ink';
import type { Services } from '../../services/types.ts';
import { PROMPT_MAX_CHARS } from '../../schema/limits.ts';
import { sanitizeLine } from '../../lib/sanitize.ts';
import { Header, headerHeight } from '../components/header.tsx';
import { useConnectionHealth } from '../connection/connection-health.tsx';
import { HealthBanner } from '../connection/health-banner.tsx';
import { useDrafts } from '../drafts-context.tsx';
import { KEY_PRIORITY } from '../input/keypress-provider.tsx';
import { useKeypress, useKeypressApi } from '../input/use-keypress.ts';
import { KeyHints } from '../components/key-hints.tsx';
import { actionFor, bindingFor, keymapSignature, withoutShadowed, type Keymap } from '../keys/keymap.ts';
import { fit, truncate } from '../text/graphemes.ts';
import { tone, type Tone } from '../theme.ts';
import { helpKeymap, nestedKeymap, rootKeymap, typingKeymap, type GlobalAction } from './global-keymap.ts';
import { HelpOverlay, helpRows, SHELL_COMMANDS } from './help-overlay.tsx';
import { PaletteLine, PaletteMatches } from './palette-view.tsx';
import { emptyPalette, paletteReducer } from './palette-state.ts';
import { useHelpKeys } from './use-help-keys.ts';
import { usePaletteKeys } from './use-palette-keys.ts';
import { initialNav, navReducer, type Route } from './routes.ts';
import { CursorGateContext, ScreenSlotContext, ShellContext, type ScreenKeys, type Shell as ShellApi } from './shell-context.tsx';
import { screenFor, screenTitle } from './screen-registry.tsx';
import { usePendingMigrations } from './use-pending-migrations.ts';
import { groupedCount } from '../../lib/grouped-count.ts';

export const MIN_COLUMNS = 60;
export const MIN_ROWS = 15;
const PROMPT_LIMIT = `at most ${groupedCount(PROMPT_MAX_CHARS)}`;

type Overlay = 'none' | 'help' | 'palette';

/**
 * The frame around the screens: header, body, status line and key hints, sized to the terminal, and the
 * navigation between screens. Keys come from the keypress provider (input/keypress-provider.tsx) to the
 * shell's subscribers in priority order: the too-small notice, the overlays (help, palette), the screen on
 * top of the stack, then the global keys. Screens below the top stay mounted (hidden) so going back keeps
 * their cursor and filter.
 */
export function Shell({ services, initialRoute }: { services: Services; initialRoute?: Route }) {
  const { columns, rows } = useWindowSize();
  const { exit, suspendTerminal } = useApp();
  const keypress = useKeypressApi();
  const [nav, dispatchNav] = useReducer(navReducer, initialRoute, initialNav);
  const [overlay, setOverlay] = useState<Overlay>('none');
  const [helpScroll, setHelpScroll] = useState(0);
  const [palette, dispatchPalette] = useReducer(paletteReducer, emptyPalette);
  const [status, setStatus] = useState<{ message: string; tone?: Tone } | null>(null);
  const [published, setPublished] = useState<{ key: number; keymap: Keymap; capturesText: boolean }>({ key: -1, keymap: [], capturesText: false });
  const screens = useRef(new Map<number, { current: ScreenKeys }>());
  const health = useConnectionHealth();
  const drafts = useDrafts();
  const bannerHeight = health.state.status === 'down' ? 1 : 0;
  const pendingMigrations = usePendingMigrations(services.connection);

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
      notify: (message, t) => setStatus({ message, ...(t ? { tone: t } : {}) }),
      quit: () => exit(),
      suspend,
      body: { width: columns, height: Math.max(1, rows - headerHeight(services.connection) - bannerHeight - 2) },
      depth,
    }),
    // The header's height, not only its object: applying migrations on :migrate removes its warning line.
    [columns, rows, headerHeight(services.connection), pendingMigrations, bannerHeight, exit, suspend, depth],
  );

  const runGlobal = (action: GlobalAction) => {
    // The person moved on (the palette, help, back): keys typed at a loading screen are not theirs any more.
    keypress.forget();
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

  const helpSections = [{ title: screenTitle(top.route), keymap: screenKeymap }, { title: 'Everywhere', keymap: globalKeymap }, SHELL_COMMANDS];
  const helpLength = helpRows(helpSections).length;
  const bodyHeight = api.body.height;

  // Every key fades the status line, and nothing else does: it tells what the last action did ("saved …",
  // "not saved: …"), and a person who looked away reads it when back (it once faded after 6 s as well, and a
  // loaded CI's poll missed it like a person would). A message this key causes is set by a subscriber below
  // and stays until the key after; a paste too big for any field says so.
  useKeypress(
    (event) => {
      if (event.kind === 'key') setStatus(null);
      else if (event.kind === 'refusedPaste') {
        setStatus({ message: `paste refused: ${(event.size / 1_000_000).toFixed(1)} million characters, more than any field holds (prompt: ${PROMPT_LIMIT})`, tone: 'error' });
        return true;
      }
      return false;
    },
    { priority: KEY_PRIORITY.frame, pastes: true },
  );

  useKeypress((event) => {
    if (event.kind === 'key' && event.input === 'q' && !event.key.ctrl) exit();
    return true;
  }, { isActive: tooSmall, priority: KEY_PRIORITY.modal });

  useHelpKeys({ isActive: overlay === 'help', rows: helpLength, height: bodyHeight, close: () => setOverlay('none'), setScroll: setHelpScroll });

  usePaletteKeys(palette, dispatchPalette, {
    isActive: overlay === 'palette',
    close: () => setOverlay('none'),
    run: (choice) => ('quit' in choice.run ? exit() : dispatchNav({ type: 'reset', route: choice.run.go })),
  });

  // The screen on top of the stack: its keymap first, then what it types into a field.
  useKeypress(
    (event) => {
      const keys = screens.current.get(top.key)?.current;
      if (event.kind === 'paste') {
        keys?.onPaste?.(event.text);
        return true;
      }
      if (event.kind !== 'key' || !keys) return false;
      const binding = bindingFor(keys.keymap, event.input, event.key);
      if (binding?.disabledReason) {
        // The key exists but cannot act now (read-only): say why rather than ignore it.
        setStatus({ message: `${binding.description}: not available, ${binding.disabledReason}`, tone: 'warn' });
        return true;
      }
      if (binding) {
        keys.onAction(binding.action);
        return true;
      }
      return Boolean(keys.onText?.(event.input, event.key));
    },
    { priority: KEY_PRIORITY.screen, takesText: capturesText, pastes: true },
  );

  // The global keys, last; a key for a screen that has no keys yet (still loading on a slow link) is kept
  // for it and handed over once its keys are there, instead of being lost.
  useKeypress(
    (event) => {
      if (event.kind !== 'key') return false;
      const global = actionFor(globalKeymap, event.input, event.key);
      const keys = screens.current.get(top.key)?.current;
      if (global) runGlobal(global);
      else if (!keys || keys.keymap.length === 0) keypress.hold(top.key, event.input, event.key);
      return true;
    },
    { priority: KEY_PRIORITY.global },
  );

  useEffect(() => {
    if (published.key !== top.key || published.keymap.length === 0 || !keypress.holding() || overlay !== 'none') return;
    keypress.release(top.key);
  }, [published, top.key]);

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
