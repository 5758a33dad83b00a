import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { render } from 'ink-testing-library';
import { DraftStore } from '../../src/lib/drafts.ts';
import { App } from '../../src/ui/app.tsx';
import type { Route } from '../../src/ui/shell/routes.ts';
import type { ConsoleServices } from '../../src/ui/services-context.tsx';
import { focusField } from '../helpers/focus-field.ts';

/** Raw key sequences as a terminal sends them. */
export const KEY = {
  enter: '\r',
  esc: '\u001b',
  tab: '\t',
  shiftTab: '\u001b[Z',
  up: '\u001b[A',
  down: '\u001b[B',
  right: '\u001b[C',
  left: '\u001b[D',
  home: '\u001b[H',
  end: '\u001b[F',
  pageUp: '\u001b[5~',
  pageDown: '\u001b[6~',
  backspace: '\u007f',
  delete: '\u001b[3~',
  ctrlLeft: '\u001b[1;5D',
  ctrlRight: '\u001b[1;5C',
  ctrlS: '\u0013',
  ctrlZ: '\u001a',
  ctrlY: '\u0019',
  ctrlO: '\u000f',
  ctrlG: '\u0007',
  paste: (text: string) => `\u001b[200~${text}\u001b[201~`,
} as const;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Renders the whole console (shell and screens) with the given services (real or fake) in a terminal of a given size, the
 * way ink-testing-library does, plus resizing. `press` writes raw sequences one at a time, letting Ink
 * settle in between (a lone Esc waits 20 ms in Ink's parser for a sequence that might follow).
 */
export function renderConsole(services: ConsoleServices, options: { columns?: number; rows?: number; route?: Route; drafts?: DraftStore } = {}) {
  // Drafts go to the test's XDG_STATE_HOME, or a temp directory: never the real home.
  const stateHome = process.env.XDG_STATE_HOME ?? fs.mkdtempSync(path.join(os.tmpdir(), 'cabinet-ui-state-'));
  const drafts = options.drafts ?? new DraftStore({ dir: path.join(stateHome, 'cabinet', 'drafts') });
  const ui = render(<App state={{ status: 'ready', services }} drafts={drafts} {...(options.route ? { initialRoute: options.route } : {})} />);
  const resize = (columns: number, rows: number) => {
    Object.defineProperty(ui.stdout, 'columns', { value: columns, configurable: true });
    Object.defineProperty(ui.stdout, 'rows', { value: rows, configurable: true });
    ui.stdout.emit('resize');
  };
  resize(options.columns ?? 100, options.rows ?? 30);
  const frame = () => ui.lastFrame() ?? '';
  const press = async (...keys: string[]) => {
    for (const key of keys) {
      ui.stdin.write(key);
      await sleep(key === KEY.esc ? 40 : 5);
    }
  };
  const waitFor = async (expected: string | RegExp | ((frame: string) => boolean), timeoutMs = 3000): Promise<string> => {
    const deadline = Date.now() + timeoutMs;
    const ok = (f: string) => (typeof expected === 'string' ? f.includes(expected) : expected instanceof RegExp ? expected.test(f) : expected(f));
    for (;;) {
      const f = frame();
      if (ok(f)) return f;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${String(expected)}; the frame was:\n${f}`);
      await sleep(10);
    }
  };
  return {
    ui,
    drafts,
    frame,
    resize,
    press,
    /** Types text one character at a time, as a person does. */
    async type(text: string) {
      for (const ch of text) {
        ui.stdin.write(ch);
        await sleep(2);
      }
    },
    waitFor,
    /** Tabs to the form field labelled `label` ('brand name', 'Prompt'); returns the frame. */
    focusField: (label: string) => focusField({ screen: frame, tab: () => press(KEY.tab), waitFor }, label),
    unmount: () => ui.unmount(),
  };
}

/** The frame's line carrying the selection marker. */
export function selectedRow(frame: string): string | undefined {
  return frame.split('\n').find((line) => line.startsWith('› '));
}
