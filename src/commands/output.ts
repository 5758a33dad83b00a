import { once } from 'node:events';
import { jsonText } from '../lib/json-text.ts';
import { recordDiff, useColor } from '../lib/record-diff.ts';
import type { CommandIO } from './command.ts';

type Out = NodeJS.WritableStream;

/** Writes and waits when the stream's buffer is full, so exporting a million rows does not fill memory. */
export async function put(stream: Out, text: string | Uint8Array): Promise<void> {
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

function indent(json: string): string {
  return json.replace(/\n/g, '\n  ');
}

/**
 * The text of records one after another: NDJSON (one compact object per line), or the parts of one JSON
 * array (each object pretty-printed, so a diff of two exports shows the changed fields).
 */
export function recordText(ndjson: boolean): { record(record: object): string; end(): string } {
  let count = 0;
  return {
    record(record) {
      return ndjson ? jsonText(record) + '\n' : `${count++ === 0 ? '[\n  ' : ',\n  '}${indent(jsonText(record, 2))}`;
    },
    end() {
      return ndjson ? '' : count === 0 ? '[]\n' : '\n]\n';
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

