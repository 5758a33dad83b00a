import fs from 'node:fs';
import module from 'node:module';
import os from 'node:os';
import tty from 'node:tty';
import v8 from 'node:v8';

/**
 * While the startup snapshot is built (scripts/snapshot-build.ts), records every environment variable,
 * terminal property, argument, directory or clock a module reads as it loads: such a value would be the
 * build's, baked into every start. Imported first by snapshot-entry.ts, which fails the build for a read it
 * does not know to be harmless.
 */
export const loadTimeReads: string[] = [];
const restore: (() => void)[] = [];
const realEnv = process.env;
/** Until endAudit. A module may hold on to the audited env (`const {env} = process`): it reads through, unrecorded, then. */
let auditing = v8.startupSnapshot.isBuildingSnapshot();
const record = (read: string) => {
  if (auditing) loadTimeReads.push(`${read} ${where()}`);
};

function watch<T extends object>(target: T, name: keyof T & string, label: string): void {
  const descriptor = Object.getOwnPropertyDescriptor(target, name)!;
  Object.defineProperty(target, name, {
    configurable: true,
    get() {
      record(label);
      return descriptor.get ? descriptor.get.call(target) : descriptor.value;
    },
  });
  restore.push(() => Object.defineProperty(target, name, descriptor));
}

function wrap<T extends object>(target: T, name: keyof T & string, label: string): void {
  const original = target[name] as unknown as (...args: unknown[]) => unknown;
  (target as Record<string, unknown>)[name] = function (this: unknown, ...args: unknown[]) {
    record(label);
    return original.apply(this, args);
  };
  restore.push(() => ((target as Record<string, unknown>)[name] = original));
}

if (v8.startupSnapshot.isBuildingSnapshot()) {
  process.env = new Proxy(realEnv, {
    get(target, key, receiver) {
      if (typeof key === 'string') record(`env.${key}`);
      return Reflect.get(target, key, receiver);
    },
    has(target, key) {
      if (typeof key === 'string') record(`env.${key}`);
      return Reflect.has(target, key);
    },
    ownKeys(target) {
      record('env.*');
      return Reflect.ownKeys(target);
    },
  });
  for (const name of ['stdout', 'stderr', 'stdin', 'argv', 'execArgv', 'platform'] as const) watch(process, name, `process.${name}`);
  wrap(process, 'cwd', 'process.cwd()');
  wrap(tty, 'isatty', 'tty.isatty()');
  wrap(os, 'homedir', 'os.homedir()');
  wrap(os, 'userInfo', 'os.userInfo()');
  wrap(Date, 'now', 'Date.now()');
  // import.meta.url is a placeholder while building (scripts/snapshot-build.ts): a path made from it at load is wrong.
  const meta = globalThis.__cabinetImportMeta;
  const url = meta.url;
  Object.defineProperty(meta, 'url', {
    configurable: true,
    get() {
      record('import.meta.url');
      return url;
    },
  });
  restore.push(() => Object.defineProperty(meta, 'url', { value: url, writable: true, configurable: true, enumerable: true }));
}

/** Puts everything back as it was, before the heap is saved. */
export function endAudit(): void {
  auditing = false;
  process.env = realEnv;
  bundleMap = undefined;
  for (const undo of restore.splice(0).reverse()) undo();
}

/** The module that made the read, through the bundle's source map (scripts/snapshot-build.ts writes entry.cjs.map). */
function where(): string {
  const frame = (new Error().stack ?? '').split('\n')[4] ?? ''; // Error, where, record, the trap, its caller
  // `at fn (PATH:LINE:COLUMN)` or `at PATH:LINE:COLUMN`; PATH may hold spaces and parentheses (a checkout anywhere).
  const at = /\((.+):(\d+):(\d+)\)$/.exec(frame.trim()) ?? /^at (.+):(\d+):(\d+)$/.exec(frame.trim());
  if (!at) return frame.trim();
  const [, file = '', line = '0', column = '0'] = at;
  if (!file.endsWith('.cjs')) return file;
  bundleMap ??= new module.SourceMap(JSON.parse(fs.readFileSync(`${file}.map`, 'utf8')) as module.SourceMapPayload);
  const entry = bundleMap.findEntry(Number(line) - 1, Number(column) - 1);
  return 'originalSource' in entry ? entry.originalSource.replace(/^(\.\.\/)+/, '') : file;
}
let bundleMap: module.SourceMap | undefined;
