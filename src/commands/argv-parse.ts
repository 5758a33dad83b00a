import type { Command, OptionSpec } from './command.ts';

/**
 * How cli.ts reads argv before meow sees it: the global flags, which command is named, string options
 * that take the next argument even when it starts with a dash, and the options as typed (to refuse
 * unknown ones with a usage error).
 */

/** Flags every command understands. */
export const GLOBAL_FLAGS = {
  databaseUrl: { type: 'string' },
  allowNonTailnet: { type: 'boolean' },
  yes: { type: 'boolean', shortFlag: 'y' },
  json: { type: 'boolean' },
  debug: { type: 'boolean' },
  to: { type: 'string' },
  actor: { type: 'string' },
  readOnly: { type: 'boolean' },
  help: { type: 'boolean', shortFlag: 'h' },
  version: { type: 'boolean' },
} as const satisfies Record<string, OptionSpec>;

const camel = (kebab: string) => kebab.replace(/-([a-z0-9])/g, (_, c: string) => c.toUpperCase());
const kebab = (name: string) => name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);

/** The global flags plus the options the command declares. */
export function allOptions(command: Command | undefined): Record<string, OptionSpec> {
  const all: Record<string, OptionSpec> = { ...GLOBAL_FLAGS };
  for (const [name, spec] of Object.entries(command?.options ?? {})) {
    const seen = all[name];
    if (seen && seen.type !== spec.type) throw new Error(`option --${kebab(name)} is declared with two types`);
    all[name] = spec;
  }
  return all;
}

/** The command name: the first argument that is neither a flag nor the value of a global string flag. */
export function commandNameOf(argv: string[]): string | undefined {
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--') return argv[i + 1];
    const m = /^--([^=]+)$/.exec(arg);
    if (m && (GLOBAL_FLAGS as Record<string, OptionSpec>)[camel(m[1]!)]?.type === 'string') {
      i++;
      continue;
    }
    if (!arg.startsWith('-') || arg === '-') return arg;
  }
  return undefined;
}

/**
 * A string option always takes the next argument as its value, as getopt does, even when it starts with
 * a dash (`--sort -last_seen`, `--ai-prompt-file -`); yargs-parser would read those as flags.
 */
export function joinStringValues(argv: string[], specs: Record<string, OptionSpec>): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--') {
      out.push(...argv.slice(i));
      break;
    }
    const m = /^--([^=]+)$/.exec(arg);
    if (m && specs[camel(m[1]!)]?.type === 'string' && i + 1 < argv.length) {
      out.push(`${arg}=${argv[++i]}`);
      continue;
    }
    out.push(arg);
  }
  return out;
}

/** The options as typed (before `--`), by camelCase name; short flags mapped to their long name. */
export function typedOptions(argv: string[], specs: Record<string, OptionSpec>): string[] {
  const names: string[] = [];
  for (const arg of argv) {
    if (arg === '--') break;
    if (arg.startsWith('--')) {
      let name = camel(arg.slice(2).split('=')[0]!);
      if (!specs[name] && /^no[A-Z]/.test(name)) name = name[2]!.toLowerCase() + name.slice(3);
      names.push(name);
    } else if (/^-[^-\d]/.test(arg)) {
      for (const ch of arg.slice(1).split('=')[0]!) {
        names.push(Object.entries(specs).find(([, spec]) => spec.shortFlag === ch)?.[0] ?? ch);
      }
    }
  }
  return names;
}

export function optionLabel(name: string): string {
  return name.length === 1 ? `-${name}` : `--${kebab(name)}`;
}
