import { render } from 'ink';
import type { CommandContext } from '../commands/command.ts';
import type { DbSession } from '../db/session.ts';
import { ExitCode } from '../lib/errors.ts';
import { App, type LoadState } from './app.tsx';

/**
 * Opens the full-screen console. The first frame is drawn before the ORM is imported; the database
 * session and services load behind it and replace the loading line when ready.
 */
export async function runConsole(ctx: CommandContext): Promise<number> {
  let state: LoadState = { status: 'loading', message: 'connecting…' };
  const instance = render(<App state={state} />, {
    alternateScreen: true,
    // Ink turns itself non-interactive under CI=true; the console only runs on a TTY, so say so.
    interactive: true,
    exitOnCtrlC: true,
    patchConsole: false,
  });
  const update = (next: LoadState) => {
    state = next;
    instance.rerender(<App state={state} />);
  };
  let db: DbSession | undefined;
  const load = (async () => {
    try {
      db = await ctx.openDb({ log: (line) => update({ status: 'loading', message: line }) });
      const { createServices } = await import('../services/create-services.ts');
      update({ status: 'ready', services: await createServices(db, (line) => update({ status: 'loading', message: line })) });
    } catch (error) {
      update({ status: 'error', message: `${error instanceof Error ? error.message : String(error)} — press q or Ctrl-C to quit` });
    }
  })();
  const onSignal = () => instance.unmount();
  process.once('SIGTERM', onSignal);
  process.once('SIGHUP', onSignal);
  try {
    await instance.waitUntilExit();
  } finally {
    process.off('SIGTERM', onSignal);
    process.off('SIGHUP', onSignal);
    await load.catch(() => {});
    await db?.close().catch(() => {});
  }
  return ExitCode.ok;
}
