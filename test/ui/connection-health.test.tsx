import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { CabinetError } from '../../src/lib/errors.ts';
import { backoffSeconds, HEALTHY, healthReducer } from '../../src/ui/connection/health-state.ts';
import { openRealConsole } from './real-console.ts';
import { KEY, renderConsole } from './render-console.tsx';

/** The database going away, on the real services and a real database; the outage is injected (fault-injection.ts). */
const ACME = { siteId: 'acme-de', domain: 'acme.de', brandName: 'ACME', language: 'de', aiPrompt: 'Hallo.' };
const lost = () => new CabinetError('the connection to cabinet@socket /run/x was lost', { code: 'db-down', hint: 'the server restarted or the network dropped; try again' });

let rc: Awaited<ReturnType<typeof openRealConsole>>;
let current: { unmount(): void } | undefined;
let stateHome: string;
const savedEnv = { ...process.env };
beforeAll(async () => {
  rc = await openRealConsole('ui_health');
});
afterAll(async () => rc?.close());
beforeEach(async () => {
  await rc.reset({ sites: [ACME] });
  stateHome = fs.mkdtempSync(path.join(os.tmpdir(), 'cabinet-ui-'));
  process.env.XDG_STATE_HOME = stateHome;
});
afterEach(() => {
  current?.unmount();
  current = undefined;
  process.env = { ...savedEnv };
  fs.rmSync(stateHome, { recursive: true, force: true });
});

describe('the database going away', () => {
  it('backs off 1, 2, 4, 8 s and then probes every 15 s', () => {
    expect([0, 1, 2, 3, 4, 5, 9].map(backoffSeconds)).toEqual([1, 2, 4, 8, 15, 15, 15]);
    let s = healthReducer(HEALTHY, { type: 'failed', message: 'lost', now: 0 });
    expect(s).toMatchObject({ status: 'down', attempt: 0, nextRetryAt: 1000 });
    s = healthReducer(healthReducer(s, { type: 'probing', now: 1000 }), { type: 'failed', message: 'lost', now: 1000 });
    expect(s).toMatchObject({ status: 'down', attempt: 1, nextRetryAt: 3000, since: 0 });
    expect(healthReducer(s, { type: 'ok' })).toBe(HEALTHY);
  });

  it('shows "database unreachable — retrying in Ns", probes with one cheap call, and clears and reloads when it answers', async () => {
    const services = rc.services;
    services.fail.set('sites.list', lost());
    const c = renderConsole(services);
    current = c;
    let frame = await c.waitFor('database unreachable — retrying in 1s');
    expect(frame.split('\n')[1]).toMatch(/^⚠ database unreachable — retrying in 1s · your edits are kept · the connection to cabinet@socket/);
    // The probe is a one-row list, retried with backoff while it fails.
    await c.waitFor('retrying in 2s', 2500);
    expect(services.callsTo('sites.list').some((call) => (call.args[0] as { limit?: number }).limit === 1)).toBe(true);
    services.fail.delete('sites.list');
    frame = await c.waitFor((f) => f.includes('Sites (1)') && !f.includes('unreachable'), 4000);
    expect(frame).toContain('acme-de');
  });

  it('a save while the database is unreachable keeps the edit and says so; Ctrl-S once it is back saves it', async () => {
    const services = rc.services;
    const c = renderConsole(services);
    current = c;
    await c.waitFor('acme-de');
    await c.press('e');
    await c.waitFor('Edit site acme-de');
    await c.focusField('brand name');
    await c.press(KEY.end);
    await c.type(' GmbH');
    services.fail.set('sites.update', lost());
    services.fail.set('sites.list', lost());
    await c.press(KEY.ctrlS, 'y');
    const frame = await c.waitFor('not saved: the database is unreachable · your edit is kept; Ctrl-S or y tries again');
    expect(frame).toContain('database unreachable');
    // Still down: trying again fails the same way, nothing is lost.
    await c.press(KEY.ctrlS);
    await c.waitFor(() => services.callsTo('sites.update').length === 2);
    await c.waitFor('not saved: the database is unreachable');
    expect(services.callsTo('sites.update')).toHaveLength(2);
    expect((await rc.siteRow('acme-de'))?.brand_name).toBe('ACME');
    services.fail.delete('sites.update');
    services.fail.delete('sites.list');
    await c.waitFor((f) => !f.includes('⚠ database unreachable'), 5000);
    await c.press(KEY.ctrlS);
    await c.waitFor('saved acme-de: brand name');
    expect((await rc.siteRow('acme-de'))?.brand_name).toBe('ACME GmbH');
  });
});
