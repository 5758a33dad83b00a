import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

// Before Ink loads: a React DevTools hook that counts which components render (render-counter.ts).
const counter = await vi.hoisted(async () => (await import('./render-counter.ts')).installRenderCounter());

const { openReader } = await import('../../src/db/open-reader.ts');
const { openSession } = await import('../../src/db/session.ts');
const { openConsoleServices } = await import('../../src/services/console-services.ts');
const { createMigratedDatabase } = await import('../helpers/db.ts');
const { KEY, renderConsole } = await import('./render-console.tsx');
import type { OpenedConsoleServices } from '../../src/services/console-services.ts';

/**
 * Typing in the prompt editor renders the editor and nothing else: not the shell, the header, the footer or
 * the rest of the edit form, whose work (validating and diffing up to 100,000 characters) would otherwise
 * run before every key reached the screen (issue #13.3). On the real services and a real database.
 */
const PROMPT = Array.from({ length: 160 }, (_, i) => `Absatz ${i}: Du bist der Assistent von ACME und antwortest freundlich auf Fragen zu Terminen und Preisen. Ты помогаешь клиентам. 👋 `.repeat(4).trimEnd()).join('\n\n');

let db: Awaited<ReturnType<typeof createMigratedDatabase>>;
let opened: OpenedConsoleServices;
let current: { unmount(): void } | undefined;
let stateHome: string;
const savedState = process.env.XDG_STATE_HOME;

beforeAll(async () => {
  db = await createMigratedDatabase('ui_keys');
  await db.query(`insert into sites (site_id, domain, brand_name, ai_prompt) values ('acme-de', 'acme.de', 'ACME', $1)`, [PROMPT]);
  opened = await openConsoleServices({ openReader: () => openReader({ databaseUrl: db.url }), openDb: (o) => openSession({ databaseUrl: db.url, ...o }) }, () => {});
});
afterAll(async () => {
  await opened?.close();
  await db?.close();
});
beforeEach(() => {
  stateHome = fs.mkdtempSync(path.join(os.tmpdir(), 'cabinet-ui-keys-'));
  process.env.XDG_STATE_HOME = stateHome;
});
afterEach(() => {
  current?.unmount();
  process.env.XDG_STATE_HOME = savedState;
  fs.rmSync(stateHome, { recursive: true, force: true });
});

/** The edit form of acme-de with the prompt focused, the cursor some pages into its ~90,000 characters. */
async function promptFocused() {
  const c = renderConsole(opened.services, { columns: 100, rows: 30 });
  current = c;
  await c.waitFor('acme-de');
  await c.press('e');
  await c.waitFor('Edit site acme-de');
  await c.press(KEY.shiftTab, KEY.pageDown, KEY.pageDown, KEY.pageDown);
  await c.waitFor((f) => Number(/Ln (\d+), Col/.exec(f)?.[1]) > 5);
  return c;
}

/** A commit a key caused: the editor drew the key (a memo, it renders for little else). */
const byKeys = (rendered: ReadonlySet<string>) => rendered.has('PromptEditor');
/**
 * Renders of the rest of the screen the keys' commits may carry for other reasons: a key clearing a status
 * line the console's own timers set (presence retrying its announcement, the connection's health on a busy
 * machine), or such an update batched with a key. On an idle machine it is 0; a key that renders the form,
 * as before, renders it once per key.
 */
const OTHER_CAUSES = 2;

const col = (frame: string) => Number(/Ln \d+, Col (\d+) · /.exec(frame)?.[1]);

describe('a keystroke in the prompt editor', () => {
  it('renders only the editor: N keys, the form, shell, header and footer render no more for them', async () => {
    expect(PROMPT.length).toBeGreaterThan(80_000);
    const c = await promptFocused();
    // The first key changes the form's title (the edit now has a change): that renders the form, once.
    await c.type('x');
    await c.waitFor('● 1 change');
    await new Promise((resolve) => setTimeout(resolve, 300));
    counter.reset();
    const start = col(c.frame());
    for (let i = 1; i <= 20; i++) {
      await c.type('y');
      await c.waitFor(`Col ${start + i} · `);
    }
    // Let the form's look at the settled text (after the echo) happen, too.
    await new Promise((resolve) => setTimeout(resolve, 300));
    // The commits the keys caused (each draws the editor); the console's own timers (presence, the
    // connection's health, a status line fading) may render other parts meanwhile.
    const counts = counter.counts(byKeys);
    expect(counts.PromptEditor, JSON.stringify(counts)).toBeGreaterThanOrEqual(20);
    for (const outside of ['App', 'Shell', 'Header', 'KeyHints', 'SiteEditScreen', 'SiteEditForm', 'EditingMode', 'SiteFormView', 'FieldRow', 'DraftStateText']) {
      expect(counts[outside] ?? 0, `${outside} rendered: ${JSON.stringify(counts)}`).toBeLessThanOrEqual(OTHER_CAUSES);
    }
    // Within the editor, a key renders the rows it changed (the cursor's, one the wrap moved) and the status
    // line, not every row on screen: the old view rendered each of its 28 rows' Texts again (700 Texts for 20 keys; now ≈ 120).
    expect(counts.Text ?? 0, JSON.stringify(counts)).toBeLessThanOrEqual(20 * 8);
    // Nor does the form render after the keys (its look at the settled text finds nothing new to show):
    // what renders it at all meanwhile is the odd timer, not 20 keys.
    expect(counter.counts().SiteFormView ?? 0, JSON.stringify(counter.counts())).toBeLessThan(4);
    expect(c.frame()).toContain('xyyyyyyyyyyyyyyyyyyyy');
  });

  it('Esc right after a key (before the form looked at the text) asks before discarding the edit', async () => {
    const c = await promptFocused();
    c.ui.stdin.write('z');
    c.ui.stdin.write(KEY.esc);
    await c.waitFor('Discard your changes to acme-de?');
  });

  it('Ctrl-S right after a key reviews that key: the diff has it', async () => {
    const c = await promptFocused();
    c.ui.stdin.write('Q');
    c.ui.stdin.write(KEY.ctrlS);
    const frame = await c.waitFor((f) => f.includes('Review changes to acme-de') || f.includes('nothing changed'));
    expect(frame).toContain('Review changes to acme-de');
    expect(frame).toMatch(/prompt +\+1 −1 lines \(([\d,]+) → ([\d,]+) chars\)/);
    const [, before, after] = /\(([\d,]+) → ([\d,]+) chars\)/.exec(frame)!;
    expect(Number(after!.replace(/,/g, '')) - Number(before!.replace(/,/g, ''))).toBe(1);
  });

  it('in the new-site wizard renders only the editor too, and the summary has every key', async () => {
    const c = renderConsole(opened.services, { columns: 100, rows: 30 });
    current = c;
    await c.waitFor('acme-de');
    await c.press('n');
    await c.waitFor('New site  step 1 of 9: domain');
    await c.type('beta.de');
    await c.press(KEY.enter);
    await c.waitFor('step 2 of 9');
    await c.press(KEY.enter);
    await c.waitFor('step 3 of 9');
    await c.type('Beta');
    await c.press(KEY.enter, KEY.enter, KEY.enter, KEY.enter, KEY.enter);
    await c.waitFor('step 8 of 9: prompt');
    await c.press(KEY.paste(PROMPT));
    await c.waitFor(/Ln \d+, Col \d+ · 8\d,\d{3} chars/);
    await new Promise((resolve) => setTimeout(resolve, 300));
    counter.reset();
    const start = col(c.frame());
    for (let i = 1; i <= 10; i++) {
      await c.type('w');
      await c.waitFor(`Col ${start + i} · `);
    }
    await new Promise((resolve) => setTimeout(resolve, 300));
    const counts = counter.counts(byKeys);
    expect(counts.PromptEditor, JSON.stringify(counts)).toBeGreaterThanOrEqual(10);
    for (const outside of ['App', 'Shell', 'Header', 'KeyHints', 'SiteWizardScreen', 'Wizard', 'FieldRow', 'DraftStateText']) {
      expect(counts[outside] ?? 0, `${outside} rendered: ${JSON.stringify(counts)}`).toBeLessThanOrEqual(OTHER_CAUSES);
    }
    // Tab's summary counts every key.
    await c.press(KEY.tab);
    const frame = await c.waitFor('step 9 of 9: summary');
    expect(frame).toContain(`${([...PROMPT].length + 10).toLocaleString('en')} chars`);
  });
});
