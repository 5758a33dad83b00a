import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { render } from 'ink-testing-library';
import { afterEach, describe, expect, it } from 'vitest';
import { DraftStore } from '../../src/lib/drafts.ts';
import { App } from '../../src/ui/app.tsx';
import type { ListOptions, Page, Services, SiteRecord, SiteSortKey, SiteSummary, UserRecord } from '../../src/services/types.ts';

const TITLE_ATTACK = 'Evil\u001b]0;pwned\u0007 Corp';

/** A stored site; written loosely (cast) so the test does not break each time a bookkeeping field is added. */
const site = (fields: Pick<SiteRecord, 'siteId' | 'domain' | 'brandName' | 'language' | 'aiPrompt'>, day: number): SiteRecord =>
  ({ aiScriptId: null, hubspotPipeline: null, hubspotStage: null, createdAt: new Date(Date.UTC(2026, 0, day)), updatedAt: new Date(Date.UTC(2026, 0, day)), version: 1, ...fields }) as SiteRecord;

const SITES: SiteRecord[] = [
  site({ siteId: 'beta-fr', domain: 'beta.fr', brandName: 'Beta', language: 'fr', aiPrompt: 'Tu es …' }, 2),
  site({ siteId: 'acme-de', domain: 'acme.de', brandName: 'ACME', language: 'de', aiPrompt: 'Du bist …' }, 1),
  site({ siteId: 'evil-en', domain: 'evil.example', brandName: TITLE_ATTACK, language: 'en', aiPrompt: 'You are …' }, 3),
];

/** An empty draft store of its own (the default one is the real home's). */
const noDrafts = () => new DraftStore({ dir: path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'cabinet-ui-')), 'drafts') });

/** A service whose other methods fail loudly: the first screen must not call them. */
function only<T extends object>(name: string, used: Partial<T>): T {
  return new Proxy(used, {
    get(target, prop, receiver) {
      if (prop in target || typeof prop === 'symbol' || prop === 'then') return Reflect.get(target, prop, receiver);
      // An optional capability these fakes do not have (a first page held before the list asks).
      if (prop === 'firstPage') return undefined;
      return async () => {
        throw new Error(`${name}.${String(prop)} is not part of the first screen`);
      };
    },
  }) as T;
}

/** In-memory services: what the console sees of the database, with every call recorded. */
function fakeServices(): Services & { calls: string[] } {
  const calls: string[] = [];
  const summary = ({ aiPrompt, ...rest }: SiteRecord): SiteSummary => ({ ...rest, promptChars: aiPrompt.length });
  const services = {
    calls,
    sites: only<Services['sites']>('sites', {
      async list(options?: ListOptions<SiteSortKey>): Promise<Page<SiteSummary>> {
        calls.push(`sites.list ${JSON.stringify(options ?? {})}`);
        const rows = [...SITES].sort((a, b) => a.siteId.localeCompare(b.siteId)).map(summary);
        return { rows, total: rows.length, hasMore: false };
      },
      async get(siteId: string) {
        calls.push(`sites.get ${siteId}`);
        return SITES.find((s) => s.siteId === siteId) ?? null;
      },
    }),
    users: only<Services['users']>('users', {
      async list(): Promise<Page<UserRecord>> {
        calls.push('users.list');
        return { rows: [], hasMore: false };
      },
      async get() {
        return null;
      },
    }),
    connection: { label: 'cabinet@socket /run/test/cabinet', short: 'cabinet@socket/cabinet', embedded: false, role: 'cabinet', readOnly: false, pendingMigrations: 0 },
  };
  // Any other service (added by later issues) is there, and fails loudly if the first screen used it.
  return only<Services & { calls: string[] }>('services', services as Partial<Services & { calls: string[] }>);
}

async function waitFor(check: () => void, timeoutMs = 3000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      check();
      return;
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }
}

/** The row of the frame that carries the cursor marker. */
function highlighted(frame: string): string | undefined {
  return frame.split('\n').find((line) => line.includes('›'));
}

let cleanup: (() => void) | undefined;
afterEach(() => {
  cleanup?.();
  cleanup = undefined;
});

describe('first screen: the sites list', () => {
  it('lists the sites from the service, moves the highlight with j, and shows control characters escaped', async () => {
    const services = fakeServices();
    const ui = render(<App state={{ status: 'ready', services }} drafts={noDrafts()} />);
    cleanup = () => ui.unmount();
    const frame = () => ui.lastFrame() ?? '';

    await waitFor(() => expect(frame()).toContain('beta.fr'));
    expect(services.calls[0]).toMatch(/^sites\.list/);
    for (const site of SITES) {
      expect(frame()).toContain(site.siteId);
      expect(frame()).toContain(site.domain);
    }
    expect(frame()).toContain('cabinet  cabinet@socket/cabinet');

    // The cursor starts on the first row; `j` moves it down, `k` back up.
    expect(highlighted(frame())).toContain('acme-de');
    ui.stdin.write('j');
    await waitFor(() => expect(highlighted(frame())).toContain('beta-fr'));
    ui.stdin.write('j');
    await waitFor(() => expect(highlighted(frame())).toContain('evil-en'));
    ui.stdin.write('j'); // already on the last row: stays there
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(highlighted(frame())).toContain('evil-en');
    ui.stdin.write('k');
    await waitFor(() => expect(highlighted(frame())).toContain('beta-fr'));

    // A brand name that would set the terminal's title is shown escaped; no raw ESC or BEL reaches the screen.
    expect(frame()).toContain('Evil\\x1b]0;pwned\\x07 Corp');
    for (const f of ui.frames) {
      expect(f).not.toContain('\u001b]0;');
      expect(f).not.toContain('\u0007');
    }
    expect(frame()).not.toContain('\u001b');
  });

  it('says so when there are no sites yet', async () => {
    const services = fakeServices();
    services.sites.list = async () => ({ rows: [], total: 0, hasMore: false });
    const ui = render(<App state={{ status: 'ready', services }} drafts={noDrafts()} />);
    cleanup = () => ui.unmount();
    await waitFor(() => expect(ui.lastFrame()).toMatch(/No sites yet/));
  });

  it('shows a failing service as one line instead of crashing', async () => {
    const services = fakeServices();
    services.sites.list = async () => {
      throw new Error('cannot connect to cabinet@socket /run/x/cabinet: connection refused');
    };
    const ui = render(<App state={{ status: 'ready', services }} drafts={noDrafts()} />);
    cleanup = () => ui.unmount();
    await waitFor(() => expect(ui.lastFrame()).toMatch(/connection refused/));
  });
});
