import type { TransactionRunner } from '../../db/sql-client.ts';
import { copyRowsAsJson } from './records.ts';
import { USER_JSON_COLUMNS, USER_KEYS } from './user-records.ts';

/**
 * Every user as JSON text (NDJSON or an array), ordered by user id in byte order, timestamps in UTC with
 * microseconds. COPY streams the rows and each becomes its JSON text directly (copyRowsAsJson), so a
 * million users pass at close to `psql \\copy` speed. It only reads: the light read pool runs it without
 * loading the ORM. `write` gets the text and the rows it holds.
 */
export async function exportUsersJson(
  transaction: TransactionRunner,
  format: 'ndjson' | 'array',
  write: (text: string, rows: number) => void | Promise<void>,
): Promise<number> {
  return transaction(async (client) => {
    // A big table takes longer than the everyday statement timeout to stream.
    await client.query('set local statement_timeout = 0');
    // Times in UTC as PostgreSQL writes them plainly in ISO style (every transaction sets both: session-settings.ts);
    // to_char would cost the server a second per million.
    const stream = client.copyTo(`copy (select ${USER_KEYS.join(', ')} from users order by user_id collate "C") to stdout`);
    let n = 0;
    for await (const { text, rows } of copyRowsAsJson(stream, USER_JSON_COLUMNS, format)) {
      await write(text, rows);
      n += rows;
    }
    return n;
  });
}

