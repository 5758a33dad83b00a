import { productionReactLoaded } from '../helpers/production-react.ts';
import { useState } from 'react';
import { Text, useApp } from 'ink';
import { render } from 'ink-testing-library';
import { describe, expect, it } from 'vitest';
import { sleep, unmountAfterEach, until } from '../helpers/keypress-kit.ts';
import { KeypressProvider, type Keypress } from '../../src/ui/input/keypress-provider.tsx';
import { useKeypress } from '../../src/ui/input/use-keypress.ts';

/**
 * The pump's contract: each key sees the state the key before it left. Under React's production build, as
 * the console runs (see production-react.ts): a key the pump hands over after the first of a terminal read
 * renders in a scheduler task of React's, which a pump moving on after one turn of the event loop overtook.
 */
const shown = (e: Keypress) => (e.kind === 'key' ? e.input : e.kind === 'paste' ? `paste:${e.text}` : `refused:${e.size}`);

const mounted = unmountAfterEach();


/** Types each key onto the text it last rendered, as a handler reading its render state does. */
function RenderedField() {
  const [text, setText] = useState('');
  useKeypress((event) => {
    if (event.kind === 'key') setText(text + event.input);
    return true;
  });
  return <Text>[{text}]</Text>;
}

/** A list whose `/` opens a filter field; other keys are list keys (logged) until then. */
function ListWithFilter({ log }: { log: string[] }) {
  const [filtering, setFiltering] = useState(false);
  useKeypress(
    (event) => {
      if (event.kind !== 'key') return true;
      if (filtering) log.push(`filter ${event.input}`);
      else if (event.input === '/') setFiltering(true);
      else log.push(`list ${event.input}`);
      return true;
    },
    { takesText: filtering },
  );
  return <Text>{filtering ? 'filter' : 'list'}</Text>;
}

describe('the keypress pump: each key sees the state the key before it left', () => {
  it('runs under the production React reconciler, as the console does', () => {
    render(<Text>x</Text>).unmount();
    expect(productionReactLoaded()).toBe(true);
  });

  it('a burst typed into a field that types from its rendered text loses no key', async () => {
    const ui = render(
      <KeypressProvider>
        <RenderedField />
      </KeypressProvider>,
    );
    mounted(ui.unmount);
    await sleep(20);
    ui.stdin.write('abcdef');
    // The last key is f, old pump or new: once it is in, every key has been handled.
    await until(() => ui.lastFrame()?.includes('f') ?? false);
    // The old pump: "[acef]", every second key typed onto a render that had not caught up.
    expect(ui.lastFrame()).toBe('[abcdef]');
  });

  it('the rest of a chunk goes to the field a key in it opened, in one piece', async () => {
    const log: string[] = [];
    const ui = render(
      <KeypressProvider>
        <ListWithFilter log={log} />
      </KeypressProvider>,
    );
    mounted(ui.unmount);
    await sleep(20);
    ui.stdin.write('j/beta');
    await until(() => log.length >= 2);
    await sleep(50);
    // The old pump: "list b" (the b read the list's keys from before the / was drawn), then "filter eta".
    expect(log).toEqual(['list j', 'filter beta']);
  });

  it('moves on after a key that changes nothing, and a paste keeps its place among the keys', async () => {
    const log: string[] = [];
    function Silent() {
      useKeypress((event) => (log.push(shown(event)), true), { pastes: true });
      return <Text>silent</Text>;
    }
    const ui = render(
      <KeypressProvider>
        <Silent />
      </KeypressProvider>,
    );
    mounted(ui.unmount);
    await sleep(20);
    ui.stdin.write('ab\u001b[200~zwei\u001b[201~c\t');
    await until(() => log.length >= 5);
    await sleep(50);
    expect(log).toEqual(['a', 'b', 'paste:zwei', 'c', '\t']);
  });

  it('stops handing keys over once a key has closed the console', async () => {
    const log: string[] = [];
    function Quits() {
      const { exit } = useApp();
      useKeypress((event) => {
        log.push(shown(event));
        if (event.kind === 'key' && event.input === 'q') exit();
        return true;
      });
      return <Text>q quits</Text>;
    }
    const ui = render(
      <KeypressProvider>
        <Quits />
      </KeypressProvider>,
    );
    await sleep(20);
    ui.stdin.write('aqbc');
    await until(() => log.includes('q'));
    await sleep(100);
    expect(log).toEqual(['a', 'q']);
  });
});
