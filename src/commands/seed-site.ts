import readline from 'node:readline';
import { CabinetError, ExitCode } from '../lib/errors.ts';
import { readUtf8 } from '../lib/read-input.ts';
import { sanitizeLine } from '../lib/sanitize.ts';
import { siteText } from '../services/transfer/site-columns.ts';
import type { SiteInput, SiteRecord, SiteService } from '../services/types.ts';
import { askOf, wizardOrder } from '../schema/field-spec.ts';
import { SITE_SCHEMA } from '../schema/site-schema.ts';
import { fieldsToRow } from './site-common.ts';
import { domainForDisplay } from '../schema/field-rules.ts';
import { PROMPT_MAX_CHARS } from '../schema/limits.ts';
import { suggestSiteId, validateSiteField } from '../services/validation/site-input.ts';
import { type SiteField } from '../schema/site-schema.ts';
import type { CommandIO } from './command.ts';
import { printDiff } from './output.ts';

const cancelled = () => new CabinetError('cancelled: nothing was created', { code: 'cancelled' });

/**
 * Lines from the terminal through one queue, so a prompt pasted as many lines is read whole (readline's
 * question() would drop lines that arrive while no question is pending). EOF or Ctrl-C cancels.
 */
function lineReader(io: CommandIO) {
  const rl = readline.createInterface({ input: io.stdin, output: io.stderr });
  const queue: string[] = [];
  let waiter: ((line: string | null) => void) | undefined;
  let closed = false;
  rl.on('line', (line) => {
    if (waiter) {
      const w = waiter;
      waiter = undefined;
      w(line);
    } else queue.push(line);
  });
  rl.on('SIGINT', () => rl.close());
  rl.on('close', () => {
    closed = true;
    waiter?.(null);
  });
  return {
    async ask(prompt: string): Promise<string> {
      rl.setPrompt(prompt);
      rl.prompt();
      const line = queue.length > 0 ? queue.shift()! : closed ? null : await new Promise<string | null>((resolve) => (waiter = resolve));
      if (line === null) throw cancelled();
      return line;
    },
    say(text: string) {
      io.stderr.write(text);
    },
    close: () => rl.close(),
  };
}

type Reader = ReturnType<typeof lineReader>;

/** Asks until the answer passes the field's validator (the console's own); Enter takes the default. */
async function askField(
  r: Reader,
  label: string,
  field: SiteField,
  options: { suggestion?: string; optional?: boolean; check?: (value: string) => Promise<string | undefined> } = {},
): Promise<string | null> {
  for (;;) {
    const hint = options.suggestion ? ` [${sanitizeLine(options.suggestion)}]` : options.optional ? ' (Enter to skip)' : '';
    let answer = (await r.ask(`${label}${hint}: `)).trim();
    if (answer === '' && options.suggestion) answer = options.suggestion;
    const result = validateSiteField(field, answer);
    if (!result.ok) {
      r.say(`  ✗ ${result.error}\n`);
      continue;
    }
    const problem = result.value === null ? undefined : await options.check?.(result.value);
    if (problem) {
      r.say(`  ✗ ${problem}\n`);
      continue;
    }
    return result.value;
  }
}

async function askPrompt(r: Reader, io: CommandIO): Promise<string> {
  r.say('\nThe prompt: give a file to read it from, or press Enter to type (or paste) it here.\n');
  for (;;) {
    const file = (await r.ask('Prompt file (Enter to type it): ')).trim();
    let text: string;
    if (file === '') {
      r.say('Type the prompt. End it with a line holding only a dot (.).\n');
      const lines: string[] = [];
      for (;;) {
        const line = await r.ask('> ');
        if (line === '.') break;
        lines.push(line);
      }
      text = lines.join('\n');
    } else {
      try {
        text = await readUtf8(file, io.stdin, { label: 'prompt file', maxBytes: PROMPT_MAX_CHARS * 4 });
      } catch (error) {
        r.say(`  ✗ ${error instanceof CabinetError ? sanitizeLine(error.message) : String(error)}\n`);
        continue;
      }
    }
    const result = validateSiteField('aiPrompt', text);
    if (result.ok) return result.value ?? '';
    r.say(`  ✗ ${result.error}\n`);
  }
}

/**
 * `cabinet seed site`: walks a person through one new site, field by field, with the validation the
 * console's form uses, a site id suggested from the domain, a summary, and a last confirmation.
 */
export async function runSiteWizard(io: CommandIO, sites: SiteService): Promise<number> {
  const r = lineReader(io);
  try {
    r.say('New site. Enter accepts the value in [brackets]; Ctrl-C cancels.\n\n');
    const input: Partial<SiteInput> = {};
    const askDomain = async () => {
      input.domain =
        (await askField(r, 'Domain', 'domain', {
          check: async (domain) => {
            const taken = (await sites.list({ filter: domain, limit: 50 })).rows.find((s) => s.domain === domain);
            return taken ? `${domainForDisplay(domain)} is already used by site ${taken.siteId}` : undefined;
          },
        })) ?? '';
    };
    const askSiteId = async () => {
      input.siteId =
        (await askField(r, 'Site id', 'siteId', {
          suggestion: suggestSiteId(input.domain ?? ''),
          check: async (id) => ((await sites.get(id)) ? `a site with id ${id} already exists` : undefined),
        })) ?? '';
    };
    await askDomain();
    await askSiteId();
    // The rest in the wizard's order, from the schema table: a default is offered, an optional field may be skipped.
    for (const f of wizardOrder(SITE_SCHEMA)) {
      if (f.role !== 'field' || f.kind !== 'line' || f.name === 'domain') continue;
      const optional = 'nullable' in f && f.nullable;
      const fallback = 'default' in f ? f.default : undefined;
      const value = await askField(r, askOf(f), f.name, { optional, ...(fallback === undefined ? {} : { suggestion: fallback }) });
      (input as Record<string, string | null>)[f.name] = value ?? (optional ? null : (fallback ?? ''));
    }
    input.aiPrompt = await askPrompt(r, io);

    for (;;) {
      r.say(`\nSite ${sanitizeLine(input.siteId)}:\n`);
      printDiff(io, `sites/${input.siteId}`, null, siteText(fieldsToRow(input.siteId ?? '', input as Partial<SiteRecord>)));
      const answer = (await r.ask('Create this site? [y/N] ')).trim().toLowerCase();
      if (answer !== 'y' && answer !== 'yes') {
        r.say('Nothing was created.\n');
        return ExitCode.failure;
      }
      try {
        const site = await sites.create(input as SiteInput);
        r.say(`Created site ${sanitizeLine(site.siteId)}; n8n finds it on its next run.\n`);
        return ExitCode.ok;
      } catch (error) {
        // Someone took the id or the domain meanwhile: ask that field again, then confirm again.
        if (!(error instanceof CabinetError) || error.code !== 'conflict') throw error;
        r.say(`  ✗ ${sanitizeLine(error.message)}\n`);
        if (/domain/.test(error.message)) await askDomain();
        else await askSiteId();
      }
    }
  } finally {
    r.close();
  }
}
