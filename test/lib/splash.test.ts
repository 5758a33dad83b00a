import { describe, expect, it } from 'vitest';
import { opensConsole } from '../../src/lib/splash.ts';

describe('the splash is drawn only when the console opens', () => {
  it('draws for cabinet with console flags only', () => {
    expect(opensConsole([])).toBe(true);
    expect(opensConsole(['--database-url', 'postgres://x@h/db', '--read-only'])).toBe(true);
    expect(opensConsole(['--actor=alice', '--allow-non-tailnet'])).toBe(true);
  });
  it('does not draw for a command, help, version or an unknown flag (their output must stay clean)', () => {
    expect(opensConsole(['sites', 'list'])).toBe(false);
    expect(opensConsole(['--help'])).toBe(false);
    expect(opensConsole(['--version'])).toBe(false);
    expect(opensConsole(['--bogus'])).toBe(false);
    expect(opensConsole(['--database-url', 'x', 'migrate'])).toBe(false);
  });
});
