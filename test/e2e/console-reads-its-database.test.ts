import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createMigratedDatabase } from '../helpers/db.ts';
import { binCabinet, ensureBuilt, startTmux, terminalEnv, type TmuxSession } from '../helpers/tmux.ts';

/**
 * Two databases on one server: the one the console writes to (DATABASE_URL) and another named by
 * CABINET_DATABASE_URL_RO, which the read-only commands use. The console must list what it edits: a list read
 * from the other database would put that database's rows under forms that save into this one.
 */
let written: Awaited<ReturnType<typeof createMigratedDatabase>>;
let other: Awaited<ReturnType<typeof createMigratedDatabase>>;
let tmux: TmuxSession | undefined;

beforeAll(async () => {
  ensureBuilt();
  written = await createMigratedDatabase('e2e_reads_written');
  other = await createMigratedDatabase('e2e_reads_other');
  await written.query(`insert into sites (site_id, domain, brand_name) values ('acme-de', 'acme.de', 'ACME')`);
  await other.query(`insert into sites (site_id, domain, brand_name) values ('staging-de', 'staging.de', 'Staging'), ('beta-de', 'beta.de', 'Beta')`);
});
afterAll(async () => {
  await written?.close();
  await other?.close();
});
afterEach(() => {
  tmux?.kill();
  tmux = undefined;
});

describe('the console with CABINET_DATABASE_URL_RO naming another database', () => {
  it('lists the database it saves to', async () => {
    tmux = startTmux([binCabinet], { env: terminalEnv({ DATABASE_URL: written.url, CABINET_DATABASE_URL_RO: other.url }) });
    // Before: "Sites (2)" with staging-de and beta-de, the other database's rows.
    const screen = await tmux.waitFor('Sites (');
    expect(screen).toContain('Sites (1)');
    expect(screen).toContain('acme.de');
    expect(screen).not.toContain('staging.de');
  });

  it('while `sites list` still reads through CABINET_DATABASE_URL_RO, as documented', async () => {
    tmux = startTmux([binCabinet, 'sites', 'list'], { env: terminalEnv({ DATABASE_URL: written.url, CABINET_DATABASE_URL_RO: other.url }) });
    const screen = await tmux.waitFor('staging.de');
    expect(screen).not.toContain('acme.de');
  });
});
