// What the startup snapshot (scripts/snapshot-build.ts) must not bake in: values packages compute from the
// terminal, the environment, the arguments or the working directory as they load. In the snapshot they were
// computed once, in the build (no terminal, an empty environment), and every start would reuse them: a
// console without colours in a colour terminal, or with colours under --no-color. Each such value becomes a
// `let` that a refresher recomputes; snapshot-entry.ts runs the refreshers (in load order) as the snapshot
// starts, before anything reads them. Reads that change nothing cabinet does are listed, with the reason, in
// src/snapshot-reads.ts, and the build fails on any other (src/snapshot-audit.ts records them).
import fs from 'node:fs';
import path from 'node:path';
import type { Plugin } from 'esbuild';

const register = '(globalThis.__cabinetRefresh ??= []).push(__cabinetRefresh);';

interface Refresh {
  filter: RegExp;
  /** Declarations `const NAME = EXPR;` (or `export const`) recomputed on refresh, in this order. */
  names: string[];
  /** Names whose object is kept and refreshed in place (another module holds it). */
  inPlace?: string[];
  /** Other edits first, exactly once each. */
  edits?: [string | RegExp, string][];
  /** Statements run first on refresh. */
  before?: string;
}

const refreshes: Refresh[] = [
  // chalk's copy of supports-color: the --color/--no-color flags, then each stream's level (TTY, TERM, NO_COLOR, FORCE_COLOR, CI…).
  {
    filter: /[\\/]chalk[\\/]source[\\/]vendor[\\/]supports-color[\\/]index\.js$/,
    edits: [[/let flagForceColor;\n(if \([\s\S]*?\n\tflagForceColor = 1;\n\})\n/, 'let flagForceColor;\nconst __cabinetFlags = () => {\nflagForceColor = undefined;\n$1\n};\n__cabinetFlags();\n']],
    before: '__cabinetFlags();',
    names: ['supportsColor'],
    inPlace: ['supportsColor'],
  },
  // chalk: the default instance's level (Ink colours text through it), and the stderr one's.
  {
    filter: /[\\/]chalk[\\/]source[\\/]index\.js$/,
    edits: [['const {stdout: stdoutColor, stderr: stderrColor} = supportsColor;', 'let {stdout: stdoutColor, stderr: stderrColor} = supportsColor;']],
    before:
      '({stdout: stdoutColor, stderr: stderrColor} = supportsColor); chalk.level = stdoutColor ? stdoutColor.level : 0; chalkStderr.level = stderrColor ? stderrColor.level : 0;',
    names: [],
  },
  // is-in-ci (Ink: non-interactive output under CI when `interactive` is not given); a live default export.
  { filter: /[\\/]is-in-ci[\\/]index\.js$/, edits: [['export default isInCi;', 'export { isInCi as default };']], names: ['isInCi'] },
  // ansi-escapes: Apple Terminal's cursor save/restore and tmux's OSC pass-through.
  { filter: /[\\/]ansi-escapes[\\/]base\.js$/, names: ['isTerminalApp', 'isTmux', 'cursorSavePosition', 'cursorRestorePosition'] },
  // Ink's error overview shows stack paths relative to the working directory.
  { filter: /[\\/]ink[\\/]build[\\/]components[\\/]ErrorOverview\.js$/, names: ['stackUtils'] },
];

function apply(file: string, source: string, r: Refresh): string {
  let out = source;
  for (const [from, to] of r.edits ?? []) {
    const count = typeof from === 'string' ? out.split(from).length - 1 : (out.match(new RegExp(from.source, 'g')) ?? []).length;
    if (count !== 1) throw new Error(`${file}: expected one ${String(from)}, found ${count} (the package changed); update scripts/snapshot-patches.ts`);
    out = out.replace(from, to);
  }
  const body: string[] = r.before ? [r.before] : [];
  for (const name of r.names) {
    const declaration = new RegExp(`^(export )?const ${name} = ([\\s\\S]*?);$`, 'm');
    const found = declaration.exec(out);
    if (!found) throw new Error(`${file}: \`const ${name} = …;\` is gone (the package changed); update scripts/snapshot-patches.ts`);
    const inPlace = r.inPlace?.includes(name);
    out = out.replace(declaration, inPlace ? found[0] : `${found[1] ?? ''}let ${name} = ${found[2]};`);
    body.push(inPlace ? `Object.assign(${name}, ${found[2]});` : `${name} = ${found[2]};`);
  }
  return `${out}\nfunction __cabinetRefresh() {\n${body.join('\n')}\n}\n${register}\n`;
}

export const refreshAtStart: Plugin = {
  name: 'refresh-at-start',
  setup(b) {
    for (const r of refreshes) {
      b.onLoad({ filter: r.filter }, async (args) => ({
        contents: apply(args.path, await fs.promises.readFile(args.path, 'utf8'), r),
        loader: 'js',
        resolveDir: path.dirname(args.path),
      }));
    }
  },
};
