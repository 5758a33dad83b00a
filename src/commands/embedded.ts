import { stopEmbeddedServer, ensureEmbeddedServer } from '../db/embedded.ts';
import { defaultEmbeddedRoot, embeddedLayout } from '../db/embedded-layout.ts';
import { runningPid } from '../db/embedded-pid.ts';
import { usageError, ExitCode } from '../lib/errors.ts';
import type { Command } from './command.ts';

const help = `
Usage
  $ cabinet embedded status   where the embedded PostgreSQL lives and whether it runs
  $ cabinet embedded start    create it if needed and start it
  $ cabinet embedded stop     stop it (cabinet starts it again on demand)

With no DATABASE_URL (or PG* variables) cabinet uses this per-user server. It listens only on a
Unix socket in a 0700 directory and keeps running after cabinet exits, so the next start is instant.
Its data lives in $XDG_DATA_HOME/cabinet/postgres (as root: /var/lib/cabinet/postgres), or in
CABINET_EMBEDDED_DIR when set.

Examples
  $ cabinet embedded status
  $ CABINET_EMBEDDED_DIR=/srv/cabinet-pg cabinet
`;

export const embeddedCommand: Command = {
  name: 'embedded',
  help,
  async run(ctx) {
    const action = ctx.args[0] ?? 'status';
    const root = defaultEmbeddedRoot();
    const out = ctx.io.stdout;
    switch (action) {
      case 'status': {
        const layout = embeddedLayout(root);
        const pid = runningPid(layout.dataDir);
        out.write(`embedded PostgreSQL at ${root}: ${pid ? `running (pid ${pid}, socket ${layout.socketDir})` : 'not running'}\n`);
        return ExitCode.ok;
      }
      case 'start': {
        const server = await ensureEmbeddedServer({ root, log: (l) => ctx.io.stderr.write(l + '\n') });
        out.write(`embedded PostgreSQL ${server.started ? 'started' : 'already running'} (socket ${server.socketDir})\n`);
        return ExitCode.ok;
      }
      case 'stop': {
        const stopped = await stopEmbeddedServer(root);
        out.write(stopped ? 'embedded PostgreSQL stopped\n' : 'embedded PostgreSQL was not running\n');
        return ExitCode.ok;
      }
      default:
        throw usageError(`unknown embedded action "${action}"`, 'one of: status, start, stop');
    }
  },
};
