import { CabinetError } from '../lib/errors.ts';

/** What every `cabinet doctor` check (services/doctor-*.ts) returns. */

export type CheckStatus = 'ok' | 'warn' | 'fail' | 'unknown';

/** One line of `cabinet doctor`: what was checked, what was found, and for a failure how to fix it. */
export interface Check {
  id: string;
  title: string;
  status: CheckStatus;
  detail: string;
  fix?: string;
}

/** An error as one line for a check's detail. */
export const errorText = (error: unknown) => (error instanceof CabinetError ? error.message : error instanceof Error ? error.message.split('\n')[0]! : String(error));
