import fs from 'node:fs';
import path from 'node:path';
import { stateHome } from './paths.ts';
import { sanitizeLine } from './sanitize.ts';

/**
 * Where `--debug` writes what it logs (the ORM's queries): a file under the state directory, never the
 * terminal, which the console owns full screen. Opened on the first line; each line is stamped and escaped
 * like everything else cabinet shows (queries carry stored values).
 */
export const debugLogFile = (): string => path.join(stateHome(), 'debug.log');

let fd: number | undefined;

/** Whether this run wrote to the log (the CLI then says where it is). */
export const debugLogUsed = (): boolean => fd !== undefined;

export function writeDebugLog(message: string): void {
  if (fd === undefined) {
    fs.mkdirSync(stateHome(), { recursive: true, mode: 0o700 });
    fd = fs.openSync(debugLogFile(), 'a', 0o600);
  }
  for (const line of message.split('\n')) fs.writeSync(fd, `${new Date().toISOString()} ${sanitizeLine(line)}\n`);
}
