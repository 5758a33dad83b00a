import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'vitest';
import { stopEmbeddedServer } from '../../src/db/embedded.ts';
import { cleanEnv, runCabinet, type RunResult } from '../helpers/cli.ts';
import { scratchDir } from '../helpers/scratch.ts';

/**
 * What the command tests share: the real binary in a scratch directory (no .env, and an embedded server
 * that no test should start lives there), pointed at one test database.
 */
export function scratchCli(prefix: string) {
  const scratch = scratchDir(prefix, 0o755);
  const env = (extra: Record<string, string | undefined> = {}) => cleanEnv({ CABINET_EMBEDDED_DIR: path.join(scratch, 'embedded'), ...extra });
  return {
    scratch,
    env,
    /** Runs `bin/cabinet args` with DATABASE_URL=url (when given) and stdin from `input`. */
    run(args: string[], options: { url?: string; input?: string | Buffer; env?: Record<string, string | undefined>; cwd?: string } = {}): Promise<RunResult> {
      return runCabinet(args, {
        env: env({ ...(options.url ? { DATABASE_URL: options.url } : {}), ...options.env }),
        cwd: options.cwd ?? scratch,
        ...(options.input === undefined ? {} : { input: options.input }),
      });
    },
    file(name: string, content: string | Buffer): string {
      const p = path.join(scratch, name);
      fs.writeFileSync(p, content);
      return p;
    },
    async cleanup() {
      await stopEmbeddedServer(path.join(scratch, 'embedded')).catch(() => {});
      fs.rmSync(scratch, { recursive: true, force: true });
    },
  };
}

/** The text is exactly one line (errors are one line on stderr). */
export function oneLine(text: string): string {
  const lines = text.split('\n').filter(Boolean);
  expect(lines, text).toHaveLength(1);
  return lines[0]!;
}
