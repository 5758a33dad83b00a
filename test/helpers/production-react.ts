import { createRequire } from 'node:module';

/**
 * React as the built console runs it: vitest.config.ts runs this first in every test file of test/ui (the `ui`
 * project's setup file; that project also compiles JSX for the production runtime). React picks its build when
 * first loaded, and vitest runs tests with NODE_ENV=test, which loads the development build. The two schedule
 * differently: the development reconciler queues a scheduler task after every commit (to flush passive
 * effects: its profiling timer gives every commit a duration), so React's scheduler always has a turn of the
 * event loop queued, and a render after a key wins every race with a turn queued after it. The production
 * build (scripts/build.ts defines NODE_ENV=production) queues that task only when a useEffect has work, so a
 * key's render at default priority can come after the next key: under the development build, a test of key
 * order passes on a pump that breaks it in the product. Production React has no `act`; the tests wait for
 * frames instead. Each test file runs in a process of its own (vitest's forks pool).
 */
process.env.NODE_ENV = 'production';

/** Whether the React reconciler Ink loaded is the production build (so the test reproduces the product). */
export function productionReactLoaded(): boolean {
  const cache = createRequire(import.meta.url).cache;
  // Node's ESM loader pre-parses both builds named in react-reconciler/index.js; only the one it ran is loaded.
  const loaded = Object.keys(cache).filter((file) => /react-reconciler\.(production|development)\.js$/.test(file) && cache[file]?.loaded);
  return loaded.length > 0 && loaded.every((file) => file.endsWith('react-reconciler.production.js'));
}
