import { createRequire } from 'node:module';
import type * as Tr46 from 'tr46';

/**
 * tr46 (UTS 46, IDNA) loaded on its first use, from node_modules: its mapping tables take 15-20 ms of CPU
 * to load, and a start whose domains are plain ASCII (the console's first screen, most commands) never
 * needs them. Same functions, same answers.
 */
let tr46: typeof Tr46 | undefined;
// The require is made on first use too: in the startup snapshot this module loads at build time, where
// import.meta.url is no place in this checkout (scripts/snapshot-build.ts).
const lib = (): typeof Tr46 => (tr46 ??= createRequire(import.meta.url)('tr46') as typeof Tr46);

export const toASCII: typeof Tr46.toASCII = (...args) => lib().toASCII(...args);
export const toUnicode: typeof Tr46.toUnicode = (...args) => lib().toUnicode(...args);
