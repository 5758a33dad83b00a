// One namespace object per CommonJS module in the startup snapshot's script (scripts/snapshot-build.ts).
//
// esbuild's __toESM gives every importer of a CommonJS module (React and Ink's dependencies, pg, meow's) its own
// copy of the module's exports: a new object with one getter closure, one accessor pair and one context per
// export. In the console's snapshot that was ~9,500 getters and ~10,000 accessor pairs with their contexts, a sixth
// of the objects every start deserialises (161k objects, 135k without them; a start's boot 4-6 ms shorter).
// Importers only read these objects, so the snapshot's script shares one per module: SHARED_TO_ESM (in the banner)
// makes the same object __toESM makes, once per module and mode, again if the module's exports changed since.
// shareNamespaces points the bundle's __toESM at it, in the same number of characters, so the source map the
// build's audit reads (src/snapshot-audit.ts) still points at the right module for every column.

/** Banner code (one line, no mappings): `globalThis.__cabinetToESM`, esbuild's __toESM, kept once per module and mode. */
export const SHARED_TO_ESM = [
  'globalThis.__cabinetToESM = ((seen) => (mod, isNodeMode) => {',
  "  const copy = () => { const to = mod != null ? Object.create(Object.getPrototypeOf(mod)) : {}; if (isNodeMode || !mod || !mod.__esModule) Object.defineProperty(to, 'default', { value: mod, enumerable: true });",
  "    if (mod && typeof mod === 'object' || typeof mod === 'function') for (const key of Object.getOwnPropertyNames(mod)) if (!Object.prototype.hasOwnProperty.call(to, key)) { const d = Object.getOwnPropertyDescriptor(mod, key); Object.defineProperty(to, key, { get: () => mod[key], enumerable: !d || d.enumerable }); }",
  '    return to; };',
  "  if (mod == null || typeof mod !== 'object' && typeof mod !== 'function') return copy();",
  '  let kept = seen.get(mod); if (!kept) seen.set(mod, (kept = []));',
  '  const size = Object.getOwnPropertyNames(mod).length, mode = isNodeMode ? 1 : 0;',
  '  if (kept[mode]?.size !== size) kept[mode] = { size, ns: copy() };',
  '  return kept[mode].ns;',
  '})(new WeakMap());',
].join(' ');

/** esbuild's minified __toESM: `var k=(e,t,n)=>(n=e!=null?A(B(e)):{},C(t||!e||!e.__esModule?D(n,"default",{value:e,enumerable:!0}):n,e));` */
const TO_ESM = /var ([\w$]+)=\(([\w$]),([\w$]),([\w$])\)=>\(\4=\2!=null\?[\w$]+\([\w$]+\(\2\)\):\{\},[\w$]+\(\3\|\|!\2\|\|!\2\.__esModule\?[\w$]+\(\4,"default",\{value:\2,enumerable:!0\}\):\4,\2\)\);/g;

/** The bundle with its __toESM replaced by the shared one, padded to the same length (every column where it was). */
export function shareNamespaces(js: string): string {
  const found = [...js.matchAll(TO_ESM)];
  if (found.length !== 1) throw new Error(`snapshot: esbuild's __toESM helper was found ${found.length} times, not once (esbuild changed); update scripts/shared-namespaces.ts`);
  const [whole, name] = found[0]!;
  const shared = `var ${name}=globalThis.__cabinetToESM;`;
  return js.replace(whole, () => shared.padEnd(whole.length, ' '));
}
