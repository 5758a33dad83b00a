import fs from 'node:fs';
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

function watch<T extends object>(target: T, name: keyof T & string, label: string): void {
  const descriptor = Object.getOwnPropertyDescriptor(target, name)!;
  Object.defineProperty(target, name, {
    configurable: true,
    get() {
      loadTimeReads.push(`${label} ${where()}`);
      return descriptor.get ? descriptor.get.call(target) : descriptor.value;
    },
  });
  restore.push(() => Object.defineProperty(target, name, descriptor));
}

function wrap<T extends object>(target: T, name: keyof T & string, label: string): void {
  const original = target[name] as unknown as (...args: unknown[]) => unknown;
  (target as Record<string, unknown>)[name] = function (this: unknown, ...args: unknown[]) {
    loadTimeReads.push(`${label} ${where()}`);
    return original.apply(this, args);
  };
  restore.push(() => ((target as Record<string, unknown>)[name] = original));
}

if (v8.startupSnapshot.isBuildingSnapshot()) {
  process.env = new Proxy(realEnv, {
    get(target, key, receiver) {
      if (typeof key === 'string') loadTimeReads.push(`env.${key} ${where()}`);
      return Reflect.get(target, key, receiver);
    },
    has(target, key) {
      if (typeof key === 'string') loadTimeReads.push(`env.${key} ${where()}`);
      return Reflect.has(target, key);
    },
    ownKeys(target) {
      loadTimeReads.push(`env.* ${where()}`);
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
      loadTimeReads.push(`import.meta.url ${where()}`);
      return url;
    },
  });
  restore.push(() => Object.defineProperty(meta, 'url', { value: url, writable: true, configurable: true, enumerable: true }));
}

/** Puts everything back as it was, before the heap is saved. */
export function endAudit(): void {
  process.env = realEnv;
  bundleLines = undefined;
  for (const undo of restore.splice(0).reverse()) undo();
}

/** The module that made the read: in the one-file bundle, the `// path` comment esbuild puts above each module. */
function where(): string {
  const frame = (new Error().stack ?? '').split('\n')[3] ?? '';
  const at = /\(?([^()\s]+):(\d+):\d+\)?$/.exec(frame.trim());
  if (!at) return frame.trim();
  const [, file = '', line = '0'] = at;
  if (!file.endsWith('.cjs')) return file;
  bundleLines ??= fs.readFileSync(file, 'utf8').split('\n');
  for (let i = Number(line) - 1; i >= 0; i--) {
    const comment = /^\/\/ (\S+\.(?:[cm]?js|tsx?))$/.exec(bundleLines[i]!);
    if (comment) return comment[1]!;
  }
  return file;
}
let bundleLines: string[] | undefined;
