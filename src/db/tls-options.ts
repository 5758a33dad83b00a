import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ConnectionOptions } from 'node:tls';
import { CabinetError } from '../lib/errors.ts';
import type { ConnectionTarget } from './connection.ts';

/**
 * libpq's sslmode as node-postgres TLS options, with libpq's meaning (not pg's, which treats require and
 * verify-ca as verify-full and prints a multi-line warning about it):
 * - disable, allow, prefer: no TLS (cabinet does not retry without TLS; over Tailscale, WireGuard encrypts);
 * - require: encrypted, the certificate not checked, unless a root certificate file exists, which makes it
 *   verify-ca (libpq's rule for a root.crt that is present);
 * - verify-ca: the server's certificate must chain to the root certificate; its name is not checked;
 * - verify-full: chain and host name.
 * Root certificate: sslrootcert / PGSSLROOTCERT, else ~/.postgresql/root.crt; `system` uses the system's
 * trusted roots. A client certificate and key (sslcert/sslkey, ~/.postgresql/postgresql.crt/.key) are sent
 * when present.
 */
export function tlsFor(target: ConnectionTarget, env: NodeJS.ProcessEnv = process.env): false | ConnectionOptions {
  const mode = target.sslmode ?? 'prefer';
  if (mode === 'disable' || mode === 'allow' || mode === 'prefer') return false;
  const dir = path.join(env.HOME || os.homedir(), '.postgresql');
  const rootFile = target.sslRootCert ?? path.join(dir, 'root.crt');
  const options: ConnectionOptions = {};
  const client = clientCertificate(target, dir);
  if (client) Object.assign(options, client);
  const hasRoot = rootFile === 'system' || fs.existsSync(rootFile);
  if (mode === 'require' && !hasRoot) return { ...options, rejectUnauthorized: false };
  if (!hasRoot) {
    throw new CabinetError(`root certificate file "${rootFile}" does not exist; sslmode=${mode} needs it to check the server's certificate`, {
      code: 'config',
      hint: 'provide the file (sslrootcert=PATH), use the system roots with sslrootcert=system, or use sslmode=require',
    });
  }
  if (rootFile !== 'system') options.ca = read(rootFile, 'root certificate');
  options.rejectUnauthorized = true;
  // verify-ca (and require with a root file): the chain only, as libpq does.
  if (mode !== 'verify-full') options.checkServerIdentity = () => undefined;
  return options;
}

function clientCertificate(target: ConnectionTarget, dir: string): Pick<ConnectionOptions, 'cert' | 'key'> | undefined {
  const certFile = target.sslCert ?? path.join(dir, 'postgresql.crt');
  const keyFile = target.sslKey ?? path.join(dir, 'postgresql.key');
  if (!fs.existsSync(certFile)) {
    if (target.sslCert) throw new CabinetError(`certificate file "${certFile}" does not exist`, { code: 'config' });
    return undefined;
  }
  return { cert: read(certFile, 'client certificate'), key: read(keyFile, 'client key') };
}

function read(file: string, what: string): string {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch (error) {
    throw new CabinetError(`cannot read the ${what} "${file}": ${(error as NodeJS.ErrnoException).code ?? 'error'}`, { code: 'config' });
  }
}
