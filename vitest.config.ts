import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

// Vite cannot load a module below a directory whose name has a `#` or `?` (its module ids are URLs, cut
// there): started straight from such a checkout, vitest would fail with a cryptic "Failed to load url".
// npm test (scripts/test.ts) runs it through a link without them, and sets CABINET_TEST_ROOT_LINK.
const checkout = path.dirname(fileURLToPath(import.meta.url));
if (/[#?]/.test(checkout) && !process.env.CABINET_TEST_ROOT_LINK) {
  process.stderr.write(
    `cabinet: run npm test: vitest cannot load files below a directory whose name has # or ? (${checkout}); npm test runs it through a link\n`,
  );
  process.exit(2);
}

export default defineConfig({
  // From a checkout whose path Vite cannot load from, scripts/test.ts runs the suite through a symlink.
  ...(process.env.CABINET_TEST_ROOT_LINK ? { resolve: { preserveSymlinks: true } } : {}),
  test: {
    globalSetup: ['test/helpers/global-setup.ts'],
    // Two cores: two test files at a time, each on its own database of the shared embedded cluster.
    pool: 'forks',
    maxWorkers: 2,
    testTimeout: 60_000,
    hookTimeout: 120_000,
    reporters: ['default', './test/helpers/summary-reporter.ts'],
    projects: [
      {
        // The console's screens under React's production build, as the built console runs them (scripts/build.ts
        // defines NODE_ENV=production). The development reconciler vitest would load (NODE_ENV=test) queues a
        // scheduler task after every commit and so hides ordering bugs the product has (see production-react.ts).
        extends: true,
        oxc: { jsx: { runtime: 'automatic', development: false } },
        test: { name: 'ui', include: ['test/ui/**/*.test.{ts,tsx}'], setupFiles: ['test/helpers/production-react.ts'] },
      },
      { extends: true, test: { name: 'rest', include: ['test/**/*.test.{ts,tsx}'], exclude: ['test/ui/**', '**/node_modules/**'] } },
    ],
  },
});
