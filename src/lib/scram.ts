import crypto from 'node:crypto';

/**
 * A SCRAM-SHA-256 verifier for a password (RFC 5802/7677, PostgreSQL's format), computed here as psql's
 * \password does: only the verifier travels to the server, so the password never appears in SQL, in
 * server logs (log_statement) or in pg_stat_activity.
 */
export function scramSha256Verifier(password: string, iterations = 4096, salt: Buffer = crypto.randomBytes(16)): string {
  // PostgreSQL applies SASLprep where it can; NFKC is its main effect for ordinary passwords.
  const normalised = password.normalize('NFKC');
  const salted = crypto.pbkdf2Sync(normalised, salt, iterations, 32, 'sha256');
  const clientKey = crypto.createHmac('sha256', salted).update('Client Key').digest();
  const storedKey = crypto.createHash('sha256').update(clientKey).digest();
  const serverKey = crypto.createHmac('sha256', salted).update('Server Key').digest();
  return `SCRAM-SHA-256$${iterations}:${salt.toString('base64')}$${storedKey.toString('base64')}:${serverKey.toString('base64')}`;
}

export const SCRAM_VERIFIER = /^SCRAM-SHA-256\$\d+:[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+:[A-Za-z0-9+/=]+$/;
