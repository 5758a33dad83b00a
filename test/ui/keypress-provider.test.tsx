import fs from 'node:fs';
import path from 'node:path';
import { useEffect } from 'react';
import { Text } from 'ink';
import { render } from 'ink-testing-library';
import { describe, expect, it } from 'vitest';
import { sleep, unmountAfterEach, until } from '../helpers/keypress-kit.ts';
import { KeypressProvider, type Keypress, type KeypressOptions } from '../../src/ui/input/keypress-provider.tsx';
import { useKeypress, useKeypressApi } from '../../src/ui/input/use-keypress.ts';

const shown = (e: Keypress) => (e.kind === 'key' ? `key:${e.input}` : e.kind === 'paste' ? `paste:${e.text}` : `refused:${e.size}`);

/** A subscriber that writes what it hears into `log` and keeps it from the rest when `consume`. */
function Listener({ name, log, consume = true, ...options }: { name: string; log: string[]; consume?: boolean } & KeypressOptions) {
  useKeypress((event) => {
    log.push(`${name} ${shown(event)}`);
    return consume;
  }, options);
  return <Text>{name}</Text>;
}

const mounted = unmountAfterEach();


describe('the keypress provider, the one reader of the terminal', () => {
  it('hands a key to the active subscribers in priority order; the first that uses it keeps it from the rest', async () => {
    const log: string[] = [];
    const ui = render(
      <KeypressProvider>
        <Listener name="screen" log={log} priority={0} />
        <Listener name="frame" log={log} priority={300} consume={false} />
        <Listener name="help" log={log} priority={100} isActive={false} />
        <Listener name="palette" log={log} priority={100} />
      </KeypressProvider>,
    );
    mounted(ui.unmount);
    await sleep(20);
    ui.stdin.write('x');
    await until(() => log.length >= 2);
    await sleep(20);
    expect(log).toEqual(['frame key:x', 'palette key:x']);
  });

  it('splits printable text read at once into keys unless a subscriber takes text, and queues a paste in its place', async () => {
    const log: string[] = [];
    const ui = render(
      <KeypressProvider>
        <Listener name="list" log={log} pastes />
      </KeypressProvider>,
    );
    mounted(ui.unmount);
    await sleep(20);
    ui.stdin.write('ab');
    await until(() => log.length >= 2);
    ui.stdin.write('\u001b[200~zwei\nzeilen\u001b[201~');
    await until(() => log.length >= 3);
    expect(log).toEqual(['list key:a', 'list key:b', 'list paste:zwei\nzeilen']);

    const typing: string[] = [];
    const field = render(
      <KeypressProvider>
        <Listener name="field" log={typing} takesText />
      </KeypressProvider>,
    );
    await sleep(20);
    field.stdin.write('ab');
    await until(() => typing.length >= 1);
    await sleep(20);
    field.unmount();
    expect(typing).toEqual(['field key:ab']);
  });

  it('keeps keys typed ahead for a screen still loading and replays them, in order, when it is ready', async () => {
    const log: string[] = [];
    function Loading({ ready }: { ready: boolean }) {
      const keypress = useKeypressApi();
      useKeypress((event) => {
        if (event.kind !== 'key') return false;
        if (ready) log.push(event.input);
        else keypress.hold(1, event.input, event.key);
        return true;
      });
      useEffect(() => {
        if (ready) keypress.release(1);
      }, [ready]);
      return <Text>{ready ? 'ready' : 'loading'}</Text>;
    }
    const ui = render(
      <KeypressProvider>
        <Loading ready={false} />
      </KeypressProvider>,
    );
    mounted(ui.unmount);
    await sleep(20);
    ui.stdin.write('j');
    await sleep(10);
    ui.stdin.write('k');
    await sleep(20);
    expect(log).toEqual([]);
    ui.rerender(
      <KeypressProvider>
        <Loading ready />
      </KeypressProvider>,
    );
    await until(() => log.length >= 2);
    expect(log).toEqual(['j', 'k']);
  });

  it('is the only reader: nothing else in the console calls Ink\'s useInput, usePaste or useStdin, and no file there is over 300 lines', () => {
    const root = path.join(import.meta.dirname, '../../src/ui');
    const files = fs.readdirSync(root, { recursive: true, encoding: 'utf8' }).filter((f) => /\.tsx?$/.test(f));
    const readers = files.filter((f) => !f.startsWith(`input${path.sep}`) && /\b(useInput|usePaste|useStdin)\b/.test(fs.readFileSync(path.join(root, f), 'utf8')));
    expect(readers).toEqual([]);
    const long = files.filter((f) => fs.readFileSync(path.join(root, f), 'utf8').split('\n').length > 301);
    expect(long).toEqual([]);
  });
});
