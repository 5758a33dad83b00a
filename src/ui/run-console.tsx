import { render } from 'ink';
import type { CommandContext } from '../commands/command.ts';
import type { EarlyReader } from '../services/console-start.ts';
import { DraftStore, draftName, flushDraftsOnSignals } from '../lib/drafts.ts';
import { CabinetError, ExitCode } from '../lib/errors.ts';
import { sanitizeLine } from '../lib/sanitize.ts';
import { clearSplash } from '../lib/splash.ts';
import { App, type LoadState } from './app.tsx';
import { endEditorForExit } from './editor/editor-process.ts';
import { warmWhileWaiting } from './warm-up-render.tsx';

/** After a signal, how long the console may take to close the database before it exits regardless ($EDITOR may still hold the terminal). */
const SIGNAL_EXIT_GRACE_MS = 1500;
/** After the console closed, how long anything left running may hold the process. */
const EXIT_GRACE_MS = 1000;
/**
 * How long Ink's first frame waits for the services (the first screen's answers) before it says
 * "connecting…". Over a far link the answers are often one round trip away when the UI has loaded, and a
 * "connecting…" frame drawn meanwhile costs the CPU of a first frame, so the rows came after it, later than
 * they would have come with the wait (the splash line is on the screen until then).
 */
const READY_WAIT_MS = 100;

/**
 * Opens the full-screen console. The first frame is drawn before the ORM is imported; the database
 * session and services load behind it and replace the loading line when ready.
 *
 * Every way out restores the terminal (main screen, cursor, cooked mode, no bracketed paste): `q` and
 * `:quit` exit through Ink, Ctrl-C through Ink's exitOnCtrlC, SIGTERM/SIGHUP unmount, and an uncaught
 * error unmounts first and then prints one line on the restored screen.
 *
 * Drafts: every edit is in a DraftStore on disk. SIGHUP (the SSH link dropped) and SIGTERM write the
 * pending drafts synchronously first, then give the terminal back; any other exit writes them too, and
 * the next start offers to recover them.
 */
export async function runConsole(ctx: CommandContext, early?: EarlyReader): Promise<number> {
  const drafts = new DraftStore();
  let state: LoadState = { status: 'loading', message: 'connecting…' };
  let shown: ReturnType<typeof render> | undefined;
  const update = (next: LoadState) => {
    state = next;
    shown?.rerender(<App state={state} drafts={drafts} />);
  };
  let opened: { close(): Promise<void> } | undefined;
  // Setup lines (creating the embedded cluster, a .pgpass or guard warning) must not be written to the
  // terminal under Ink's frame: progress shows as the loading line, and warnings are printed again on the
  // restored screen, where they stay readable.
  const warnings = new Set<string>();
  const progress = (line: string) => {
    if (/^warning: /.test(line)) warnings.add(line.replace(/^warning: /, ''));
    // Only while nothing is shown yet: the ORM may finish loading behind a ready screen.
    if (opened === undefined) update({ status: 'loading', message: line });
  };
  const warn = (line: string) => void warnings.add(line);
  /** Why the console could not start; `q` then exits 1 and the line is printed after the alternate screen. */
  let fatal: string | undefined;
  const load = (async () => {
    try {
      // Reads answer on a light pool at once; the ORM loads behind them for writes (services/console-services.ts).
      const { openConsoleServices } = await import('../services/console-services.ts');
      const consoleServices = await openConsoleServices(
        {
          // Opened before Ink loaded (cli.ts), when it was: its setup lines come to the loading line now.
          openReader: () => (early ? early.take(progress, warn) : ctx.openReader({ log: progress, warn, maxConnections: 1 })),
          openDb: (options = {}) => ctx.openDb({ log: progress, warn, ...options }),
        },
        (line) => update({ status: 'loading', message: line }),
        {
          ...(ctx.flags.readOnly ? { readOnly: true } : {}),
          ...(ctx.flags.actor ? { actor: ctx.flags.actor } : {}),
        },
      );
      opened = consoleServices;
      update({ status: 'ready', services: consoleServices.services });
    } catch (error) {
      fatal = error instanceof CabinetError ? error.line : error instanceof Error ? error.message : String(error);
      update({ status: 'error', message: `${fatal} — press q to quit` });
    }
  })();

  // When the reader's answers are already in (they travelled while Ink loaded), the services are ready in a
  // few milliseconds: Ink's first frame then has the rows, without a "connecting…" frame drawn just before.
  // But while the handshake is still under way (a far link, and the UI loaded fast: the startup snapshot), the rows
  // are round trips away: the first frame is drawn now, during them, and the rows' frame after it costs less.
  // A handshake whose answer is in but not yet read (the thread was busy loading the UI: a local server on a busy
  // machine) is not under way: one turn of the event loop reads it first. Else the "connecting…" frame went out, and
  // the rows a few milliseconds later waited for Ink's frame throttle (up to 33 ms), behind a warm-up (below).
  if (early?.handshaking()) await new Promise((resolve) => setImmediate(resolve));
  const wait = early?.handshaking() ? 0 : READY_WAIT_MS;
  await Promise.race([load, new Promise((resolve) => setTimeout(resolve, wait))]);
  // Raw before the first frame: Ink turns it on in an effect after that frame is written, and an Enter typed at
  // the rows meanwhile came cooked ("\r" as "\n", read as Ctrl-J): nothing opened. Ink keeps it on from here.
  if (process.stdin.isTTY) process.stdin.setRawMode(true);
  const instance = render(<App state={state} drafts={drafts} />, {
    alternateScreen: true,
    // Ink turns itself non-interactive under CI=true; the console only runs on a TTY, so say so.
    interactive: true,
    exitOnCtrlC: true,
    patchConsole: false,
  });
  shown = instance;
  // Drawn during the handshake, so the rows are round trips away. Once the first screen's queries are out (the turn
  // after the handshake), their round trip is spent drawing the console once into a sink: the rows' frame that
  // follows then runs warm, in less than half the CPU (ui/warm-up-render.tsx). CABINET_NO_WARM_UP=1 leaves it out.
  if (wait === 0 && !process.env.CABINET_NO_WARM_UP) {
    void early?.handshaken
      .then(() => new Promise((resolve) => setImmediate(resolve)))
      .then(() => {
        if (state.status === 'loading') warmWhileWaiting(process.stdout.columns || 80, process.stdout.rows || 24);
      })
      .catch(() => {}); // only a head start: the real frame draws the same way regardless
  }

  let code: number = ExitCode.ok;
  let crash: unknown;
  // The drafts are on disk before anything else happens (flushDraftsOnSignals); a running $EDITOR is ended
  // and its text taken into its draft (no orphan keeps the terminal); then the console unmounts.
  let settling: Promise<void> | undefined;
  const uninstall = flushDraftsOnSignals(drafts, {
    settle: (signal) => (settling = endEditorForExit(signal)),
    exit: (signalCode) => {
      code = signalCode;
      instance.unmount();
      setTimeout(() => process.exit(signalCode), SIGNAL_EXIT_GRACE_MS).unref();
    },
  });
  const onCrash = (error: unknown) => {
    crash = error;
    code = ExitCode.failure;
    instance.unmount();
  };
  process.on('uncaughtException', onCrash);
  process.on('unhandledRejection', onCrash);
  try {
    await instance.waitUntilExit();
  } catch (error) {
    // A component threw while rendering: Ink has unmounted and restored the terminal already.
    crash = error;
    code = ExitCode.failure;
  } finally {
    // Unmounted some other way (a crash on the hung-up terminal) while the editor is being ended: wait for it.
    await settling;
    try {
      drafts.close();
    } catch {
      // A draft that cannot be written (full disk) must not hide the exit.
    }
    uninstall();
    process.off('uncaughtException', onCrash);
    process.off('unhandledRejection', onCrash);
    await load.catch(() => {});
    await opened?.close().catch(() => {});
  }
  // Closed is closed: a handle something opened in the background while the console was closing (a
  // pool, a timer) must not keep the process, and the person's shell, waiting.
  // A console that never opened is a failed run, as the same error is for any command.
  if (fatal !== undefined && code === ExitCode.ok) code = ExitCode.failure;
  // On the restored screen, what became of unsaved edits, and only what is true (after a hang-up nobody reads
  // it); a draft that could not be written fails the run.
  const left = code < 128 ? drafts.report() : { kept: [], failed: [] };
  if (left.failed.length > 0 && code === ExitCode.ok) code = ExitCode.failure;
  const exitCode = code;
  setTimeout(() => process.exit(exitCode), EXIT_GRACE_MS).unref();
  if (warnings.size > 0 || fatal !== undefined || crash !== undefined || left.kept.length + left.failed.length > 0) clearSplash();
  for (const line of warnings) ctx.io.stderr.write(`cabinet: warning: ${sanitizeLine(line)}\n`);
  if (fatal !== undefined) ctx.io.stderr.write(`cabinet: ${sanitizeLine(fatal)}\n`);
  if (crash !== undefined) {
    const message = crash instanceof Error ? crash.message : String(crash);
    ctx.io.stderr.write(`cabinet: the console stopped on an unexpected error: ${sanitizeLine(message.split('\n')[0])}\n`);
    if (ctx.flags.debug && crash instanceof Error) ctx.io.stderr.write(`${crash.stack ?? ''}\n`);
  }
  for (const id of left.kept) {
    ctx.io.stderr.write(`cabinet: draft kept: your unsaved edit of ${sanitizeLine(draftName(id))}; the next start offers it: run cabinet to get it back (${drafts.dir})\n`);
  }
  for (const { id, reason, olderKept } of left.failed) {
    const lost = olderKept ? 'its latest changes are lost (an older draft of it is kept)' : 'it is lost';
    ctx.io.stderr.write(`cabinet: draft NOT saved: your unsaved edit of ${sanitizeLine(draftName(id))}: ${reason} (${drafts.dir}); ${lost}\n`);
  }
  return code;
}
