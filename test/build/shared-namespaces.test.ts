// The startup snapshot's one namespace object per CommonJS module (scripts/shared-namespaces.ts, #13.5): a small
// project bundled the way scripts/snapshot-build.ts bundles (esbuild, CommonJS, minified, names kept), run with
// and without the change. Every importer sees what esbuild's own __toESM gives it (default, named exports, live
// values, what is enumerable), but the snapshot holds one object per module instead of one per importer.
import { build, type Plugin } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { SHARED_TO_ESM, shareNamespaces } from '../../scripts/shared-namespaces.ts';

const files: Record<string, string> = {
  'entry.js': `import * as a from './a.js'; import * as b from './b.js'; import * as c from './c.mjs'; import * as d from './d.js';
    globalThis.__seen = { a: a.ns, b: b.ns, c: c.ns, d: d.ns, e: d.esm, bump: a.bump, defaultOf: a.fromDefault };`,
  'a.js': `import * as ns from './lib.cjs'; import lib from './lib.cjs'; export { ns }; export const bump = () => ns.bump(); export const fromDefault = lib;`,
  'b.js': `import * as ns from './lib.cjs'; export { ns };`,
  // Node's mode (.mjs): the default export is module.exports even for an __esModule module.
  'c.mjs': `import * as ns from './lib.cjs'; export { ns };`,
  'd.js': `import * as ns from './lib.cjs'; import * as esm from './esm.cjs'; export { ns, esm };`,
  'lib.cjs': `let count = 0; exports.name = 'lib'; exports.bump = () => ++count; Object.defineProperty(exports, 'count', { get: () => count, enumerable: true });
    Object.defineProperty(exports, 'hidden', { value: 'h', enumerable: false });`,
  'esm.cjs': `Object.defineProperty(exports, '__esModule', { value: true }); exports.default = 'the default'; exports.other = 2;`,
};
const virtual: Plugin = {
  name: 'virtual',
  setup(b) {
    b.onResolve({ filter: /.*/ }, (args) => ({ path: args.path.replace(/^\.\//, ''), namespace: 'virtual' }));
    b.onLoad({ filter: /.*/, namespace: 'virtual' }, (args) => ({ contents: files[args.path]!, loader: 'js' }));
  },
};

async function bundle(shared: boolean) {
  const out = await build({
    entryPoints: ['entry.js'],
    bundle: true,
    write: false,
    format: 'cjs',
    platform: 'node',
    minify: true,
    keepNames: true,
    plugins: [virtual],
    ...(shared ? { banner: { js: SHARED_TO_ESM } } : {}),
  });
  const js = out.outputFiles[0]!.text;
  return shared ? shareNamespaces(js) : js;
}

/** What an importer can see of a namespace object. */
function view(ns: Record<string, unknown>): unknown {
  const names = Object.getOwnPropertyNames(ns).sort();
  const shown = (v: unknown) => (typeof v === 'function' ? 'function' : v !== null && typeof v === 'object' ? view(v as Record<string, unknown>) : v);
  return { names, keys: Object.keys(ns).sort(), values: Object.fromEntries(names.map((k): [string, unknown] => [k, shown(ns[k])])) };
}

function run(js: string) {
  const g = globalThis as unknown as { __seen?: Record<string, Record<string, unknown>> & { bump: () => number } };
  delete g.__seen;
  new Function('require', js)(() => {
    throw new Error('nothing to require');
  });
  return g.__seen!;
}

describe("the startup snapshot's script", () => {
  it('gives every importer of a CommonJS module one shared namespace object, which reads as esbuild makes it', async () => {
    const plain = run(await bundle(false));
    const plainViews = Object.fromEntries(['a', 'b', 'c', 'd', 'e'].map((k) => [k, view(plain[k]!)]));
    const sharedJs = await bundle(true);
    const shared = run(sharedJs);
    // Same length: every column of the source map still points where it did.
    expect(sharedJs.length).toBe((await bundle(false)).length + SHARED_TO_ESM.length + 1);
    for (const k of ['a', 'b', 'c', 'd', 'e']) expect(view(shared[k]!), k).toEqual(plainViews[k]);
    // One object per module and mode: a, b and d import lib the same way, c in node's mode; e is another module.
    expect(shared.a).toBe(shared.b);
    expect(shared.a).toBe(shared.d);
    expect(shared.c).not.toBe(shared.a);
    expect(shared.e).not.toBe(shared.a);
    expect(plain.a).not.toBe(plain.b);
    // Live bindings, as before.
    expect(shared.a!.count).toBe(0);
    shared.bump();
    expect(shared.b!.count).toBe(1);
    expect((shared.defaultOf as unknown as { name: string }).name).toBe('lib');
  });

  it('fails the build when esbuild no longer writes __toESM the way it is found', () => {
    expect(() => shareNamespaces('var k=(e,t)=>e;')).toThrow(/__toESM helper was found 0 times/);
  });
});
