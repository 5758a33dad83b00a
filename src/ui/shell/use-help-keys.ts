import type { Dispatch, SetStateAction } from 'react';
import { KEY_PRIORITY } from '../input/keypress-provider.tsx';
import { useKeypress } from '../input/use-keypress.ts';
import { actionFor } from '../keys/keymap.ts';
import { helpKeymap } from './global-keymap.ts';

/** The `?` help's keys while it is open: scroll and close; nothing typed or pasted reaches the screen under it. */
export function useHelpKeys({
  isActive,
  rows,
  height,
  close,
  setScroll,
}: {
  isActive: boolean;
  /** How many rows the help has, and how many the body shows. */
  rows: number;
  height: number;
  close(): void;
  setScroll: Dispatch<SetStateAction<number>>;
}): void {
  useKeypress(
    (event) => {
      if (event.kind !== 'key') return true;
      const { input, key } = event;
      const action = actionFor(helpKeymap, input, key);
      if (action === 'close') close();
      else if (action === 'down') setScroll((s) => Math.min(Math.max(0, rows - height + 1), s + (key.pageDown ? height - 2 : 1)));
      else if (action === 'up') setScroll((s) => Math.max(0, s - (key.pageUp ? height - 2 : 1)));
      return true;
    },
    { isActive, priority: KEY_PRIORITY.overlay },
  );
}
