import type { Command } from './command.ts';

/**
 * The registry of subcommands: one line each. A command's module (and whatever it imports, the ORM among
 * them) is loaded only when that command runs, so `cabinet --version`, `--help` and the console's first
 * frame do not pay for the others.
 */
export interface CommandEntry {
  name: string;
  summary: string;
  load(): Promise<Command>;
}

export const commands: CommandEntry[] = [
  { name: 'sites', summary: 'list, show, create, change, delete, export and import sites; history, diff, restore', load: async () => (await import('./sites.ts')).sitesCommand },
  { name: 'users', summary: 'list, show, create, change, delete, export and import users', load: async () => (await import('./users.ts')).usersCommand },
  { name: 'seed', summary: 'demo data (--demo), or one new site asked for step by step (seed site)', load: async () => (await import('./seed.ts')).seedCommand },
  { name: 'doctor', summary: "check the connection, server, role, migrations and n8n's query (exit 1 on a problem)", load: async () => (await import('./doctor.ts')).doctorCommand },
  { name: 'roles', summary: 'the recommended least-privilege roles: print the SQL, or apply it', load: async () => (await import('./roles.ts')).rolesCommand },
  { name: 'migrate', summary: 'apply, inspect, check or revert schema migrations', load: async () => (await import('./migrate.ts')).migrateCommand },
  { name: 'embedded', summary: 'status, start or stop the embedded PostgreSQL', load: async () => (await import('./embedded.ts')).embeddedCommand },
];

export function findCommand(name: string): CommandEntry | undefined {
  return commands.find((c) => c.name === name);
}
