/**
 * The console's first frame, drawn before Ink, React or the ORM are loaded: one line on the terminal that
 * says cabinet is starting. Ink then takes over the alternate screen; when cabinet exits, the line is erased
 * from the normal screen (the cursor is back on it: leaving the alternate screen restores the cursor).
 */
const VALUE_FLAGS = new Set(['--database-url', '--actor']);
const SWITCHES = new Set(['--allow-non-tailnet', '--read-only', '--debug']);

/** True for `cabinet` with only console flags: no command, no --help/--version, nothing unknown. */
export function opensConsole(argv: string[]): boolean {
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const name = arg.split('=')[0]!;
    if (VALUE_FLAGS.has(name)) {
      if (!arg.includes('=')) i++;
      continue;
    }
    if (!SWITCHES.has(arg)) return false;
  }
  return true;
}

let drawnOn: NodeJS.WriteStream | undefined;

export function drawSplash(out: NodeJS.WriteStream = process.stdout): void {
  // Then back to the line's start: the alternate screen keeps the cursor's column, and Ink's first frame is
  // drawn from there; a frame as wide as the terminal would wrap and push its first line off the top.
  out.write('cabinet · starting…\r');
  drawnOn = out;
  process.once('exit', () => clearSplash());
}

/**
 * Erases the splash line (once): before the console prints what the person must still read once it has
 * closed (why it could not start, a warning), so that does not run on from "starting…".
 */
export function clearSplash(): void {
  drawnOn?.write('\r\x1b[2K');
  drawnOn = undefined;
}
