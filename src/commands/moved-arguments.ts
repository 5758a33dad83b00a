/**
 * bin/cabinet moves a `--database-url` value (it may hold a password) out of the process arguments, where
 * every user can read it (ps, /proc/PID/cmdline), into this variable, readable by the same user only, and
 * starts again without it. The CLI puts it back as the option it was, and takes it out of the environment
 * so that no child process (an $EDITOR, psql) inherits it.
 */
export const MOVED_DATABASE_URL = 'CABINET_ARGV_DATABASE_URL';

export function restoreMovedArguments(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): string[] {
  const url = env[MOVED_DATABASE_URL];
  if (url === undefined) return [...argv];
  delete env[MOVED_DATABASE_URL];
  return [`--database-url=${url}`, ...argv];
}
