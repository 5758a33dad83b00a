/**
 * Colours by meaning. Ink's chalk does not read NO_COLOR (https://no-color.org), so the console does:
 * with NO_COLOR set every colour is dropped, while attributes that carry no colour (bold, dim, inverse,
 * the › marker) stay, so the selection and the cursor remain visible.
 */
export type Tone = 'accent' | 'error' | 'warn' | 'ok' | 'added' | 'removed' | 'hunk' | 'key';

const COLORS: Record<Tone, string> = {
  accent: 'cyan',
  error: 'red',
  warn: 'yellow',
  ok: 'green',
  added: 'green',
  removed: 'red',
  hunk: 'cyan',
  key: 'cyan',
};

export function colorsEnabled(env: NodeJS.ProcessEnv = process.env): boolean {
  return env.NO_COLOR === undefined || env.NO_COLOR === '';
}

/** The colour for a tone, or undefined under NO_COLOR (Ink then draws the terminal's default). */
export function tone(name: Tone): string | undefined {
  return colorsEnabled() ? COLORS[name] : undefined;
}
