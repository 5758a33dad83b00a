import { afterAll, describe, expect, it } from 'vitest';
import { oneLine, scratchCli } from './support.ts';

/** Every command documents itself and refuses a malformed command line with exit 2 and one line. */
const cli = scratchCli('help');
afterAll(() => cli.cleanup());

const commands: { name: string; mentions: string[]; usageError: string[]; says: RegExp }[] = [
  { name: 'sites', mentions: ['cabinet sites list', 'cabinet sites show', 'cabinet sites create', 'cabinet sites set', 'cabinet sites delete', 'cabinet sites export', 'cabinet sites import', '--ai-prompt-file', '--dry-run'], usageError: ['sites', 'list', '--limit', '0'], says: /--limit must be a positive whole number/ },
  { name: 'users', mentions: ['cabinet users list', 'cabinet users show', 'cabinet users create', 'cabinet users set', 'cabinet users delete', 'cabinet users export', 'cabinet users import', '--email'], usageError: ['users', 'list', '--sort', '-shoe_size'], says: /cannot sort by "shoe_size"/ },
  { name: 'seed', mentions: ['cabinet seed --demo', 'cabinet seed site', '--force'], usageError: ['seed'], says: /needs --demo or the action site/ },
  { name: 'doctor', mentions: ['cabinet doctor', 'listen_addresses', "n8n's query"], usageError: ['doctor', '--domain', 'x.de'], says: /unknown option --domain \(see cabinet doctor --help\)/ },
  { name: 'roles', mentions: ['cabinet roles sql', 'cabinet roles apply', '--prefix', 'CABINET_APP_PASSWORD'], usageError: ['roles', 'sql', '--prefix', 'Bad-Name'], says: /--prefix "Bad-Name" must be/ },
];

describe.each(commands)('cabinet $name', ({ name, mentions, usageError, says }) => {
  it('--help: Usage, Options and Examples on stdout, exit 0', async () => {
    const r = await cli.run([name, '--help']);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    for (const heading of ['Usage', 'Options', 'Examples']) expect(r.stdout).toMatch(new RegExp(`^${heading}$`, 'm'));
    for (const text of mentions) expect(r.stdout).toContain(text);
  });

  it('a usage error: one line on stderr, nothing on stdout, exit 2', async () => {
    const r = await cli.run(usageError);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(oneLine(r.stderr)).toMatch(says);
  });
});

describe('command lines that are wrong before anything connects', () => {
  it.each([
    [['sites'], /cabinet sites needs an action/],
    [['sites', 'frobnicate'], /unknown sites action "frobnicate"/],
    [['sites', 'list', '--domain', 'x.de'], /option --domain does not apply to cabinet sites list/],
    [['sites', 'show'], /needs a SITE_ID/],
    [['sites', 'show', 'a', '--site-id', 'b'], /two different ids/],
    [['sites', 'set', 'acme-de'], /nothing to set/],
    [['sites', 'list', '--json', '--ndjson'], /choose one/],
    [['sites', 'list', '--sort', 'a', '--sort', 'b'], /--sort can only be set once/],
    [['users', 'create', '42'], /invalid user: email is required/],
    [['users', 'list', '--email', 'a@b.de'], /option --email does not apply to cabinet users list/],
    [['seed', 'site'], /stdin is not a terminal/],
    [['roles'], /cabinet roles needs an action/],
    [['roles', 'sql', 'extra'], /unexpected argument "extra"/],
    [['sites', 'create', '--domain', 'acme.de', '--brand-name', 'A', '--actor', 'a\u202eb'], /invalid --actor/],
  ])('%j', async (args, message) => {
    const r = await cli.run(args as string[]);
    // `users create` without --email is a validation failure (1), the rest are usage errors (2).
    expect(r.code, r.stderr).toBe((args as string[])[1] === 'create' && (args as string[])[0] === 'users' ? 1 : 2);
    expect(r.stdout).toBe('');
    expect(oneLine(r.stderr)).toMatch(message);
  });
});
