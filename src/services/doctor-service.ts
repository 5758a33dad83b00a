import type { DbSession } from '../db/session.ts';
import { withSqlClient, withTransaction } from '../db/sql-client.ts';
import { errorText, type Check } from './doctor-check.ts';
import { hiddenTextCheck, n8nCheck, n8nPathCheck, roleCheck } from './doctor-data-checks.ts';
import { connectionCheck, listenCheck, setting, sslCheck } from './doctor-network-checks.ts';
import { schemaChecks } from './doctor-schema-checks.ts';
import { presenceCheck } from '../presence/presence-check.ts';

export type { Check, CheckStatus } from './doctor-check.ts';

export const MIN_SERVER_VERSION = 140000;

/**
 * `cabinet doctor`: checks the connection, the server and the schema, each with a status and, for a
 * failure, what to do about it. Every check runs even when another failed.
 */
export async function runDoctor(db: DbSession): Promise<Check[]> {
  const checks: Check[] = [connectionCheck(db)];
  const dotEnv = db.target.dotEnv;
  if (dotEnv) {
    checks.push(
      dotEnv.used
        ? { id: 'dotenv', title: '.env', status: 'ok', detail: dotEnv.line }
        : { id: 'dotenv', title: '.env', status: 'warn', detail: dotEnv.line, fix: `remove ${dotEnv.names.join(', ')} from ${dotEnv.file}, or unset the environment's setting to use it` },
    );
  }
  const v = db.info.serverVersionNum;
  checks.push(
    v >= MIN_SERVER_VERSION
      ? { id: 'server', title: 'server version', status: 'ok', detail: `PostgreSQL ${db.info.serverVersion} (14 or newer)` }
      : { id: 'server', title: 'server version', status: 'fail', detail: `PostgreSQL ${db.info.serverVersion}`, fix: 'upgrade to PostgreSQL 14 or newer' },
  );
  await withSqlClient(db.orm, db.target, async (client) => {
    checks.push(listenCheck(await setting(client, 'listen_addresses')));
    checks.push(await sslCheck(client, db));
    checks.push(await roleCheck(client, db).catch((error) => ({ id: 'role', title: 'role', status: 'unknown' as const, detail: errorText(error) })));
  });

  checks.push(...(await schemaChecks(db)));

  await withSqlClient(db.orm, db.target, async (client) => checks.push(await n8nCheck(client)));
  checks.push(
    await withTransaction(db.orm, db.target, n8nPathCheck).catch((error) => ({ id: 'n8n-path', title: "n8n's search_path", status: 'unknown' as const, detail: errorText(error) })),
  );
  await withSqlClient(db.orm, db.target, async (client) => checks.push(await hiddenTextCheck(client), await presenceCheck(client)));
  return checks;
}
