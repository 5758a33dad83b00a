import type { Dispatch } from 'react';
import { handleLineInputKey } from '../components/line-input.tsx';
import { KEY_PRIORITY } from '../input/keypress-provider.tsx';
import { useKeypress } from '../input/use-keypress.ts';
import { actionFor } from '../keys/keymap.ts';
import { paletteKeymap } from './global-keymap.ts';
import { paletteChoice, type PaletteAction, type PaletteCommand, type PaletteState } from './palette-state.ts';

/**
 * The `:` palette's keys while it is open: it takes text, and everything typed or pasted goes to it. Each key
 * reads the palette as the key before it left it: the keypress pump hands over the next key only after React
 * committed the last one's changes (":users⏎" typed at the first frame runs :users).
 */
export function usePaletteKeys(
  palette: PaletteState,
  dispatchPalette: Dispatch<PaletteAction>,
  { isActive, close, run }: { isActive: boolean; close(): void; run(choice: PaletteCommand): void },
): void {
  const closePalette = () => {
    close();
    dispatchPalette({ type: 'reset' });
  };
  useKeypress(
    (event) => {
      if (event.kind === 'paste') dispatchPalette({ type: 'type', text: event.text });
      if (event.kind !== 'key') return true;
      const { input, key } = event;
      switch (actionFor(paletteKeymap, input, key)) {
        case 'close':
          closePalette();
          return true;
        case 'erase':
          if (palette.text === '') closePalette();
          else dispatchPalette({ type: 'backspace' });
          return true;
        case 'complete':
          dispatchPalette({ type: 'complete' });
          return true;
        case 'next':
          dispatchPalette({ type: 'next' });
          return true;
        case 'previous':
          dispatchPalette({ type: 'previous' });
          return true;
        case 'run': {
          const choice = paletteChoice(palette);
          if (!choice) {
            dispatchPalette({ type: 'error', message: `unknown command :${palette.text.trim()}` });
            return true;
          }
          closePalette();
          run(choice);
          return true;
        }
        default:
          handleLineInputKey(input, key, (edit) => dispatchPalette({ type: 'edit', action: edit }));
          return true;
      }
    },
    { isActive, priority: KEY_PRIORITY.overlay, takesText: true },
  );
}
