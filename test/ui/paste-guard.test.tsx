import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createPasteGuard, pasteRefusal, PASTE_END, PASTE_START } from '../../src/ui/input/paste-guard.ts';
import { fakeServices, site } from './fake-services.ts';
import { KEY, renderConsole } from './render-console.tsx';

describe('the paste guard in front of Ink', () => {
  it('passes keys straight through, a lone Esc included', () => {
    const guard = createPasteGuard(100);
    expect(guard('abc')).toBe('abc');
    expect(guard('\u001b')).toBe('\u001b');
    expect(guard('\u001b[A\r')).toBe('\u001b[A\r');
  });

  it('hands a paste split over many chunks to Ink in one piece, whatever the split (end marker included)', () => {
    const guard = createPasteGuard(1000);
    const whole = `x${PASTE_START}hello\nworld${PASTE_END}y`;
    for (let size = 1; size <= 7; size++) {
      let out = '';
      for (let i = 0; i < whole.length; i += size) out += guard(whole.slice(i, i + size));
      expect(out).toBe(whole);
    }
  });

  it('replaces a paste over the limit by a refusal marker that carries its size, in linear time', () => {
    const guard = createPasteGuard(1_000_000);
    const chunk = 'x'.repeat(4096);
    const started = Date.now();
    let out = guard(`${PASTE_START}`);
    for (let i = 0; i < 12_800; i++) out += guard(chunk);
    out += guard(`${PASTE_END}ok`);
    expect(Date.now() - started).toBeLessThan(3000);
    expect(out.startsWith(PASTE_START)).toBe(true);
    expect(out.endsWith(`${PASTE_END}ok`)).toBe(true);
    const text = out.slice(PASTE_START.length, -(PASTE_END.length + 2));
    expect(pasteRefusal(text)).toBe(12_800 * 4096);
    expect(out.length).toBeLessThan(100);
  });
});

describe('a huge paste into the console', () => {
  let current: { unmount(): void } | undefined;
  let stateHome: string;
  const savedEnv = { ...process.env };
  beforeEach(() => {
    stateHome = fs.mkdtempSync(path.join(os.tmpdir(), 'cabinet-ui-'));
    process.env.XDG_STATE_HOME = stateHome;
  });
  afterEach(() => {
    current?.unmount();
    process.env = { ...savedEnv };
    fs.rmSync(stateHome, { recursive: true, force: true });
  });

  it('a 5 MB paste into the prompt is refused with a message and the editor keeps responding', async () => {
    const c = renderConsole(fakeServices({ sites: [site({ siteId: 'acme-de', domain: 'acme.de', aiPrompt: 'Hallo.' })] }));
    current = c;
    await c.waitFor('acme-de');
    await c.press('e');
    await c.waitFor('Edit site acme-de');
    await c.focusField('Prompt');
    await c.press(KEY.paste('y'.repeat(5_000_000)));
    await c.waitFor('paste refused: 5.0 million characters, more than any field holds (prompt: at most 100,000)');
    await c.type('ok');
    const frame = await c.waitFor('okHallo.');
    expect(frame).not.toContain('yyyy');
  });
});
