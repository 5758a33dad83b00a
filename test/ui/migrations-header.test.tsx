import { afterEach, describe, expect, it } from 'vitest';
import { consoleMigrations } from '../../src/services/console-services.ts';
import type { MigrationStatus } from '../../src/services/migration-status.ts';
import { fakeServices } from './fake-services.ts';
import { KEY, renderConsole } from './render-console.tsx';

let current: { unmount(): void } | undefined;
afterEach(() => current?.unmount());

const PENDING = ['Migration20260101000000_initial', 'Migration20260102000000_more'];
const statusOf = (pending: string[]): MigrationStatus => ({
  applied: PENDING.filter((n) => !pending.includes(n)).map((name) => ({ name, executedAt: new Date(Date.UTC(2026, 0, 2)) })),
  pending,
  unknown: [],
  edited: [],
  unrecorded: [],
});

/**
 * The header's "⚠ N pending migrations" line follows the migrations service (services/console-services.ts
 * consoleMigrations), whatever read brought the news: here the status read right after applying fails once
 * (as it did on a database whose first-screen prefetch had failed), and the screen's own read a moment later
 * is the one that says nothing is pending. The header must drop its warning then, without waiting for some
 * other render: no frame may say both.
 */
describe('the header and :migrate', () => {
  it('drops the pending-migrations warning when a later status read says nothing is pending', async () => {
    const services = fakeServices({ connection: { pendingMigrations: PENDING.length } });
    let applied = false;
    let failNext = false;
    const status = async () => {
      if (failNext) {
        failNext = false;
        throw new Error('relation "mikro_orm_migrations" does not exist');
      }
      return statusOf(applied ? [] : PENDING);
    };
    services.migrations = consoleMigrations(status, services.connection, {}, async () => {
      applied = true;
      failNext = true;
      return PENDING;
    });
    const c = renderConsole(services, { columns: 120, rows: 30 });
    current = c;
    await c.waitFor('⚠ 2 pending migrations');
    await c.press(':');
    await c.type('migrate');
    await c.press(KEY.enter);
    await c.waitFor('2 pending: a applies them');
    await c.press('a');
    await c.waitFor('This changes the schema');
    await c.press('y');
    const frame = await c.waitFor('Up to date: every migration of this cabinet is applied.');
    expect(frame).toContain('applied 2 migrations');
    // Not one frame said "up to date" under a header still warning about pending migrations.
    const contradictions = c.ui.frames.filter((f) => f.includes('Up to date') && f.includes('pending migrations'));
    expect(contradictions).toEqual([]);
  });
});
