import { Text } from 'ink';
import { render } from 'ink-testing-library';
import { afterEach, describe, expect, it } from 'vitest';
import { KeypressProvider } from '../../src/ui/input/keypress-provider.tsx';
import { emptyPalette, type PaletteAction, type PaletteCommand } from '../../src/ui/shell/palette-state.ts';
import { usePaletteKeys } from '../../src/ui/shell/use-palette-keys.ts';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The palette as it is while React has not drawn the keys' changes yet: the state it renders with stays the
 * one it opened with. That is how ":users⏎", typed the moment a console with drafts opened, ran :sites (the
 * first match of an empty text): the Enter read the text from the last render, before "users" was in it.
 */
function StalePalette({ ran, dispatched }: { ran: PaletteCommand[]; dispatched: PaletteAction[] }) {
  usePaletteKeys(emptyPalette, (action) => dispatched.push(action), { isActive: true, close: () => {}, run: (choice) => ran.push(choice) });
  return <Text>:</Text>;
}

let unmount: (() => void) | undefined;
afterEach(() => {
  unmount?.();
  unmount = undefined;
});

/** A stale palette under the keypress provider, ready for keys; what it ran and dispatched. */
async function openStalePalette() {
  const ran: PaletteCommand[] = [];
  const dispatched: PaletteAction[] = [];
  const ui = render(
    <KeypressProvider>
      <StalePalette ran={ran} dispatched={dispatched} />
    </KeypressProvider>,
  );
  unmount = ui.unmount;
  await sleep(20);
  return { ui, ran, dispatched };
}

async function untilRan(ran: PaletteCommand[]): Promise<void> {
  for (const deadline = Date.now() + 2000; ran.length === 0 && Date.now() < deadline; ) await sleep(5);
}

describe('the : palette, typed faster than it is drawn', () => {
  it('runs what was typed, not what the last render showed', async () => {
    const { ui, ran, dispatched } = await openStalePalette();
    ui.stdin.write('users\r');
    await untilRan(ran);
    expect(ran.map((c) => c.name)).toEqual(['users']);
    // The state React draws from still gets every change, in order.
    expect(dispatched.filter((a) => a.type === 'edit')).not.toEqual([]);
  });

  it('Backspace on what was typed erases it instead of closing the palette', async () => {
    const { ui, ran, dispatched } = await openStalePalette();
    ui.stdin.write('usersx');
    await sleep(50);
    ui.stdin.write('\u007f');
    await sleep(50);
    ui.stdin.write('\r');
    await untilRan(ran);
    expect(ran.map((c) => c.name)).toEqual(['users']);
    // The one reset is the run's closing the palette, not the Backspace's.
    expect(dispatched.map((a) => a.type)).toEqual(['edit', 'backspace', 'reset']);
  });
});
