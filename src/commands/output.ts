import fs from 'node:fs';
import path from 'node:path';
import { once } from 'node:events';
import { CabinetError } from '../lib/errors.ts';
import { recordDiff, useColor } from '../lib/record-diff.ts';
import type { CommandIO } from './command.ts';

type Out = NodeJS.WritableStream;

/** Writes and waits when the stream's buffer is full, so exporting a million rows does not fill memory. */
export async function put(stream: Out, text: string): Promise<void> {
  if (!stream.write(text)) await once(stream, 'drain');
}

/** The width to fit tables to: the terminal's, and none at all (no cutting) in a pipe. */
export function tableWidth(io: CommandIO): number | undefined {
  return io.stdout.isTTY ? (io.stdout.columns ?? 80) : undefined;
}

/** A time for people: UTC, to the minute (`2026-11-23 10:51Z`); machines get ISO 8601 from --json. */
export function formatTime(d: Date): string {
  return Number.isNaN(d.getTime()) ? '' : `${d.toISOString().slice(0, 16).replace('T', ' ')}Z`;
}

// Characters that are valid in JSON strings but would act on a terminal or hide text: C1 controls, bidi
// controls, zero-width and separator characters. Escaped as \uXXXX, the JSON still decodes to the same data.
const JSON_UNSAFE = /[\u007f-\u009f\u061c\u200b-\u200f\u2028\u2029\u202a-\u202e\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb]/g;

/** JSON.stringify, with terminal-unsafe characters escaped (C0 controls and lone surrogates it escapes itself). */
export function jsonText(value: unknown, space?: number): string {
  return JSON.stringify(value, null, space).replace(JSON_UNSAFE, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

function indent(json: string): string {
  return json.replace(/\n/g, '\n  ');
}

/**
 * Records to a stream as a JSON array (one pretty-printed object after another, so a diff of two exports
 * shows the changed fields) or NDJSON (one compact object per line), written as they come.
 */
export function recordWriter(stream: Out, ndjson: boolean) {
  let count = 0;
  return {
    async write(record: object): Promise<void> {
      if (ndjson) await put(stream, jsonText(record) + '\n');
      else await put(stream, `${count === 0 ? '[\n  ' : ',\n  '}${indent(jsonText(record, 2))}`);
      count++;
    },
    async end(): Promise<void> {
      if (!ndjson) await put(stream, count === 0 ? '[]\n' : '\n]\n');
    },
    get count() {
      return count;
    },
  };
}

export function printJson(io: CommandIO, value: unknown): void {
  io.stdout.write(jsonText(value, 2) + '\n');
}

/** Prints a record's unified diff on stderr (coloured on a terminal), before a write. */
export function printDiff(io: CommandIO, name: string, before: string | null, after: string | null): void {
  const diff = recordDiff(name, before, after, { color: useColor(io.stderr) });
  if (diff) io.stderr.write(diff);
}

/**
 * Where an export goes: stdout, or a file written under a temporary name and renamed into place only when
 * complete, so an interrupted export never leaves a truncated backup that looks whole. Files are 0600:
 * exports hold e-mail addresses.
 */
export async function openOutput(io: CommandIO, file: string | undefined): Promise<{ stream: Out; commit(): Promise<void>; abort(): void }> {
  if (file === undefined || file === '-') {
    return { stream: io.stdout, async commit() {}, abort() {} };
  }
  const target = path.resolve(file);
  const temp = path.join(path.dirname(target), `.${path.basename(target)}.${process.pid}.tmp`);
  let stream: fs.WriteStream;
  try {
    stream = fs.createWriteStream(temp, { flags: 'wx', mode: 0o600 });
    await once(stream, 'open');
  } catch (error) {
    throw new CabinetError(`cannot write ${file}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`, { code: 'output' });
  }
  return {
    stream,
    async commit() {
      stream.end();
      await once(stream, 'finish');
      await fs.promises.rename(temp, target);
    },
    abort() {
      stream.destroy();
      fs.rmSync(temp, { force: true });
    },
  };
}
