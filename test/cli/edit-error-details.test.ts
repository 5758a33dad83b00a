import { PassThrough } from 'node:stream';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { main, reportError } from '../../src/cli.ts';
import type { CommandIO } from '../../src/commands/command.ts';
import { OrmRevisionService } from '../../src/services/revision-service.ts';
import { createMigratedDatabase } from '../helpers/db.ts';

/**
 * A refused write says who and when from the error the service built, once, in the write's own
 * transaction (#15.3): the command only formats it. The proof: the site history (RevisionService.history,
 * which the command used to ask again) fails for the whole run, and the message still names who.
 */
let db: Awaited<ReturnType<typeof createMigratedDatabase>>;

beforeAll(async () => {
  db = await createMigratedDatabase('errdetails');
});
afterAll(async () => {
  await db?.close();
  await db?.drop();
});
afterEach(() => {
  vi.restoreAllMocks();
});

/** `cabinet ARGS` in this process, on the test database; stderr and the exit code as a person sees them. */
async function cabinet(...args: string[]): Promise<{ code: number; stderr: string }> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const stdin = new PassThrough();
  let err = '';
  stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
  stdout.resume();
  const io: CommandIO = { stdout, stderr, stdin };
  const code = await main([...args, '--database-url', db.url], io).catch((error: unknown) => reportError(error, io, false));
  return { code, stderr: err };
}

/** From now on every site history read fails, as it would for a role that may not read site_revisions. */
function historyUnavailable() {
  return vi.spyOn(OrmRevisionService.prototype, 'history').mockRejectedValue(new Error('permission denied for table site_revisions'));
}

describe('stale and gone messages come from the error, not from a second look at the history', () => {
  it('sites set on a site changed since: names who changed it and when, with the history unreadable', async () => {
    expect((await cabinet('sites', 'create', 'who-stale', '--domain', 'who-stale.de', '--brand-name', 'Who', '--actor', 'bob')).code).toBe(0);
    expect((await cabinet('sites', 'set', 'who-stale', '--language', 'de', '--actor', 'alice')).code).toBe(0);
    const history = historyUnavailable();
    const r = await cabinet('sites', 'set', 'who-stale', '--brand-name', 'Mine', '--expect-version', '1', '--actor', 'carol');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^cabinet: site who-stale changed since version 1: it is now version 2, changed by alice(?: from \S+)? at \d{4}-\d\d-\d\dT\S+ \(language\); nothing was written/);
    expect(history).not.toHaveBeenCalled();
    expect((await db.query('select brand_name from sites where site_id = $1', ['who-stale'])).rows[0]?.brand_name).toBe('Who');
  });

  it('sites delete of a site psql deleted: "deleted outside cabinet", with the history unreadable', async () => {
    expect((await cabinet('sites', 'create', 'gone-psql2', '--domain', 'gone-psql2.de', '--brand-name', 'Gone')).code).toBe(0);
    await db.query('delete from sites where site_id = $1', ['gone-psql2']);
    const history = historyUnavailable();
    const r = await cabinet('sites', 'delete', 'gone-psql2', '--expect-version', '1', '--yes');
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('cabinet: site gone-psql2 was deleted outside cabinet; nothing was written\n');
    expect(history).not.toHaveBeenCalled();
  });

  it('sites set of a site that never existed: "no site with id", exit 1, with the history unreadable', async () => {
    const history = historyUnavailable();
    const r = await cabinet('sites', 'set', 'never-there', '--brand-name', 'X', '--expect-version', '3');
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('cabinet: no site with id never-there; nothing was written\n');
    expect(history).not.toHaveBeenCalled();
  });

  it('sites set of a site deleted in cabinet: who, when and the restore command, with the history unreadable', async () => {
    expect((await cabinet('sites', 'create', 'gone-bob', '--domain', 'gone-bob.de', '--brand-name', 'Gone')).code).toBe(0);
    expect((await cabinet('sites', 'delete', 'gone-bob', '--yes', '--actor', 'bob')).code).toBe(0);
    const history = historyUnavailable();
    const r = await cabinet('sites', 'set', 'gone-bob', '--brand-name', 'X', '--expect-version', '1');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^cabinet: site gone-bob was deleted by bob(?: from \S+)? at \S+; nothing was written \(cabinet sites restore gone-bob --to 2 brings it back\)\n$/);
    expect(history).not.toHaveBeenCalled();
  });
});
