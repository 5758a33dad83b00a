import fs from 'node:fs';
import path from 'node:path';
import { parseEnv } from 'node:util';

/** What a `.env` file did to the connection: one line for stderr and `doctor`. */
export interface DotEnvUse {
  file: string;
  /** True when its connection settings chose the database; false when the environment already named one. */
  used: boolean;
  /** The connection variables the file set (or would have set). */
  names: string[];
  line: string;
}

/**
 * Loads `.env` from the working directory into `env`, without overriding what is already set
 * (the shell wins over the file, as with dotenv). Uses Node's own parser. Connection settings
 * (`CABINET_DATABASE_URL`, `DATABASE_URL`, every `PG*`) are taken from it only when `connection` is
 * true: a `.env` must never change which database the shell's environment or `--database-url` named.
 * Returns the file's effect on the connection, or undefined when it has no connection settings.
 */
export function loadDotEnv(cwd: string, env: NodeJS.ProcessEnv, connection = true): { file: string; names: string[] } | undefined {
  const file = path.join(cwd, '.env');
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
  const names: string[] = [];
  for (const [key, value] of Object.entries(parseEnv(text))) {
    if (isConnectionVar(key)) {
      names.push(key);
      if (!connection) continue;
    }
    if (env[key] === undefined) env[key] = value;
  }
  return names.length > 0 ? { file, names } : undefined;
}

function isConnectionVar(name: string): boolean {
  return name === 'CABINET_DATABASE_URL' || name === 'DATABASE_URL' || name.startsWith('PG');
}
