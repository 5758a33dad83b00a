import { useRef, type Dispatch } from 'react';
import { handleLineInputKey } from '../components/line-input.tsx';
import { KEY_PRIORITY } from '../input/keypress-provider.tsx';
import { useKeypress } from '../input/use-keypress.ts';
import { actionFor } from '../keys/keymap.ts';
import { paletteKeymap } from './global-keymap.ts';
import { paletteChoice, paletteReducer, type PaletteAction, type PaletteCommand, type PaletteState } from './palette-state.ts';

/** The `:` palette's keys while it is open: it takes text, and everything typed or pasted goes to it. */
export function usePaletteKeys(
  palette: PaletteState,
  dispatchPalette: Dispatch<PaletteAction>,
  { isActive, close, run }: { isActive: boolean; close(): void; run(choice: PaletteCommand): void },
): void {
  // The palette as the keys so far left it: keys come one per turn of the event loop, and React may not
  // have drawn the last one's change yet (":users⏎" typed as the console opens ran :sites, the text not
  // yet in the rendered state), so each key reads and updates this, and the render follows.
  const latest = useRef(palette);
  const rendered = useRef(palette);
  if (rendered.current !== palette) latest.current = rendered.current = palette;
  const apply = (action: PaletteAction) => {
    latest.current = paletteReducer(latest.current, action);
    dispatchPalette(action);
  };
  const closePalette = () => {
    close();
    apply({ type: 'reset' });
  };
  useKeypress(
    (event) => {
      if (event.kind === 'paste') apply({ type: 'type', text: event.text });
      if (event.kind !== 'key') return true;
      const { input, key } = event;
      switch (actionFor(paletteKeymap, input, key)) {
        case 'close':
          closePalette();
          return true;
        case 'erase':
          if (latest.current.text === '') closePalette();
          else apply({ type: 'backspace' });
          return true;
        case 'complete':
          apply({ type: 'complete' });
          return true;
        case 'next':
          apply({ type: 'next' });
          return true;
        case 'previous':
          apply({ type: 'previous' });
          return true;
        case 'run': {
          const choice = paletteChoice(latest.current);
          if (!choice) {
            apply({ type: 'error', message: `unknown command :${latest.current.text.trim()}` });
            return true;
          }
          closePalette();
          run(choice);
          return true;
        }
        default:
          handleLineInputKey(input, key, (edit) => apply({ type: 'edit', action: edit }));
          return true;
      }
    },
    { isActive, priority: KEY_PRIORITY.overlay, takesText: true },
  );
}
