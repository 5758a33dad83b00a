// What both startup snapshots' scripts (snapshot-entry.ts: the console's; cli-snapshot.ts: the commands') do
// the same way: fail the build for a load-time read nobody explained, and, as a start deserialises the heap,
// point the bundle's require, import() and import.meta at this checkout before anything runs.
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { endAudit, loadTimeReads } from './snapshot-audit.ts';
import { unexplainedReads } from './snapshot-reads.ts';

declare global {
  var __cabinetRefresh: (() => void)[] | undefined;
  var __cabinetRequire: NodeJS.Require;
  var __cabinetImport: (id: string) => Promise<unknown>;
  var __cabinetImportMeta: { url: string };
}

/** Ends the audit (snapshot-audit.ts) and throws, naming them, when modules read what src/snapshot-reads.ts does not explain. */
export function refuseUnexplainedReads(snapshot: string): void {
  endAudit();
  const unexplained = unexplainedReads(loadTimeReads.splice(0));
  if (unexplained.length > 0) {
    throw new Error(`modules read these as they loaded into ${snapshot}; make them refresh at start (scripts/snapshot-patches.ts) or say in src/snapshot-reads.ts why they may stay:\n${unexplained.join('\n')}`);
  }
}

/**
 * At a start from the snapshot: process.argv[1] is this checkout's dist/cli.js (bin/cabinet), so node_modules,
 * the snapshot's import map (`dir`/import.cjs, beside cli.js) and import.meta.url are found from it; then
 * every module that registered a refresh (colour levels, terminal checks) reads its start-time values.
 */
export function resumeIn(dir: 'snapshot' | 'commands-snapshot'): void {
  const script = path.resolve(process.argv[1]!);
  globalThis.__cabinetImportMeta.url = pathToFileURL(script).href;
  globalThis.__cabinetRequire = createRequire(script);
  globalThis.__cabinetImport = globalThis.__cabinetRequire(`./${dir}/import.cjs`) as (id: string) => Promise<unknown>;
  for (const refresh of globalThis.__cabinetRefresh ?? []) refresh();
}
