import type { Command } from './command.ts';
import { doctorCommand } from './doctor.ts';
import { embeddedCommand } from './embedded.ts';
import { migrateCommand } from './migrate.ts';
import { rolesCommand } from './roles.ts';
import { seedCommand } from './seed.ts';
import { sitesCommand } from './sites.ts';
import { usersCommand } from './users.ts';

/** Every subcommand, by name: the registry `cabinet --help` and the dispatcher share. */
export const commands: Command[] = [sitesCommand, usersCommand, seedCommand, doctorCommand, rolesCommand, migrateCommand, embeddedCommand];

export function findCommand(name: string): Command | undefined {
  return commands.find((c) => c.name === name);
}
