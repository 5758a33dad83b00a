// Keystroke to echo in the console's prompt editor, through a real pseudo-terminal (bench/pty-keys.py):
// the site edit form opened on a site whose prompt has N characters, the cursor moved into the text, then
// a typist's keys, each timed from the byte written to the pty to the frame that shows it.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));

/**
 * A prompt of exactly `chars` code points shaped like the real ones: paragraphs of a few hundred
 * characters (German, Russian, an emoji now and then) between blank lines. With `lineWidth`, each
 * paragraph is broken into lines of at most that many characters (at spaces): a short prompt then fills
 * the editor's rows as a long one does, so both sizes draw the same screen and differ only in length.
 */
export function benchPrompt(chars: number, lineWidth?: number): string {
  const sentences = [
    'Du bist der freundliche Assistent unserer Marke und hilfst Kundinnen bei Fragen zu Terminen. ',
    'Antworte immer höflich, kurz und auf Deutsch, außer die Person schreibt in einer anderen Sprache. ',
    'Ты помогаешь клиентам с заказами и отвечаешь вежливо. 👋 ',
    'Never promise prices; link to the booking page instead and offer a call back within one day. ',
  ];
  const out: string[] = [];
  let n = 0;
  for (let p = 0; n < chars; p++) {
    // 3 to 9 sentences a paragraph.
    const k = 3 + (p % 7);
    let paragraph = '';
    for (let s = 0; s < k; s++) paragraph += sentences[(p + s) % sentences.length]!;
    if (lineWidth) paragraph = breakLines(paragraph.trimEnd(), lineWidth);
    const piece = (out.length ? '\n\n' : '') + paragraph.trimEnd();
    out.push(piece);
    n += [...piece].length;
  }
  return [...out.join('')].slice(0, chars).join('');
}

function breakLines(text: string, width: number): string {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (line && [...line].length + 1 + [...word].length > width) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  return [...lines, line].join('\n');
}

export interface KeystrokeRun {
  ms: number[];
  /** The console's CPU time per key (user + system): what a key costs, less sensitive to a busy machine. */
  cpuMsPerKey: number | null;
  error?: string;
}

/**
 * Opens the console (env carries DATABASE_URL), picks the `row`-th site of the list (0 = first), opens its
 * edit form, focuses the prompt (Shift-Tab from the first field), moves `pageDowns` pages into it, and
 * types `count` keys (`warmup` more first, not counted) `gapMs` apart.
 */
export function measureKeystrokes(
  cabinet: string,
  env: NodeJS.ProcessEnv,
  options: { siteId: string; row: number; pageDowns: number; count: number; warmup?: number; gapMs?: number; cols?: number; rows?: number },
): KeystrokeRun {
  const steps: [string, string | number][] = [['wait', 'Sites (']];
  for (let i = 0; i < options.row; i++) steps.push(['key', '\u001b[B'], ['sleep', 0.05]);
  steps.push(['key', 'e'], ['wait', `Edit site ${options.siteId}`], ['sleep', 0.3], ['key', '\u001b[Z'], ['sleep', 0.3]);
  for (let i = 0; i < options.pageDowns; i++) steps.push(['key', '\u001b[6~'], ['sleep', 0.05]);
  steps.push(['sleep', 0.5]);
  const plan = {
    cols: options.cols ?? 100,
    rows: options.rows ?? 30,
    steps,
    type: 'x',
    count: options.count,
    warmup: options.warmup ?? 10,
    gap: (options.gapMs ?? 100) / 1000,
  };
  const r = spawnSync('python3', [path.join(here, 'pty-keys.py'), JSON.stringify(plan), '--', cabinet], { env, encoding: 'utf8', maxBuffer: 1 << 24 });
  const last = r.stdout.trim().split('\n').pop() ?? '';
  try {
    const parsed = JSON.parse(last) as { ms?: number[]; cpu_ms_per_key?: number | null; error?: string; screen_tail?: string };
    return { ms: parsed.ms ?? [], cpuMsPerKey: parsed.cpu_ms_per_key ?? null, ...(parsed.error ? { error: `${parsed.error}${parsed.screen_tail ? `; screen: ${JSON.stringify(parsed.screen_tail.slice(-300))}` : ''}` } : {}) };
  } catch {
    return { ms: [], cpuMsPerKey: null, error: `pty-keys.py printed no result (${r.stderr.trim().split('\n').pop() ?? `exit ${r.status}`})` };
  }
}
