import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { consoleWorld } from '../helpers/console-world.ts';
import { scratchDir } from '../helpers/scratch.ts';
import { binCabinet, startTmux, terminalEnv } from '../helpers/tmux.ts';

/**
 * The console runs React's production reconciler (issue #13.3): the development build does about 1.7× the
 * work per keystroke. Asked of the running console itself, the way React DevTools asks: a DevTools hook
 * preloaded into the real binary (NODE_OPTIONS=--import) receives the renderer Ink injects (with DEV=true)
 * and records its bundleType, 0 for production and 1 for development. Without
 * `process.env.NODE_ENV = "production"` in scripts/build.ts the bundle carries and runs the development one.
 */
const world = consoleWorld('e2e_prod_react');

describe('the console as built', () => {
  it('renders with the production React reconciler', async () => {
    const dir = scratchDir('react-probe');
    const seen = path.join(dir, 'renderer.json');
    const probe = path.join(dir, 'devtools-probe.mjs');
    fs.writeFileSync(
      probe,
      `import fs from 'node:fs';
globalThis.__REACT_DEVTOOLS_GLOBAL_HOOK__ = {
  supportsFiber: true,
  renderers: new Map(),
  inject(internals) {
    fs.writeFileSync(${JSON.stringify(seen)}, JSON.stringify({ bundleType: internals.bundleType, reconcilerVersion: internals.reconcilerVersion, rendererPackageName: internals.rendererPackageName }));
    return 1;
  },
  checkDCE() {},
  onScheduleFiberRoot() {},
  onCommitFiberRoot() {},
  onCommitFiberUnmount() {},
  onPostCommitFiberRoot() {},
};
`,
    );
    world.tmux = startTmux([binCabinet], { env: terminalEnv({ DATABASE_URL: world.db.url, DEV: 'true', NODE_OPTIONS: `--import=${probe}` }) });
    await world.tmux.waitFor('Sites (1)');
    const renderer = JSON.parse(fs.readFileSync(seen, 'utf8')) as { bundleType: number; reconcilerVersion: string; rendererPackageName: string };
    expect(renderer.reconcilerVersion).toMatch(/^19\./);
    expect(renderer.bundleType, 'bundleType 1 is the development reconciler').toBe(0);
    world.tmux.type('q');
    expect(await world.tmux.waitForExit()).toBe(0);
  });
});
