import { describe, expect, it } from 'vitest';
import { readRecords, type InputRecord } from '../../src/lib/json-records.ts';
import { renderTable } from '../../src/lib/table.ts';
import { recordDiff, recordText } from '../../src/lib/record-diff.ts';
import { firstInvalidUtf8 } from '../../src/lib/read-input.ts';

async function read(chunks: (string | Buffer)[]): Promise<(InputRecord | { fatal: string })[]> {
  const out: (InputRecord | { fatal: string })[] = [];
  try {
    for await (const r of readRecords((async function* () {
      for (const c of chunks) yield typeof c === 'string' ? Buffer.from(c) : c;
    })())) out.push(r);
  } catch (error) {
    out.push({ fatal: (error as Error).message });
  }
  return out;
}

/** Splits text (by bytes) into pieces of `size`, as a socket or a file stream would deliver it. */
function pieces(text: string, size: number): Buffer[] {
  const bytes = Buffer.from(text);
  const out: Buffer[] = [];
  for (let i = 0; i < bytes.length; i += size) out.push(bytes.subarray(i, i + size));
  return out;
}

describe('readRecords', () => {
  const array = '[\n  {"a": "x,]}\\"y", "b": [1, 2]},\n  {"c": "Привет 👋"}, 42 , "s"\n, {"bad": }\n]\n';

  it.each([1, 2, 3, 7, 4096])('splits a JSON array into items with index and line, whatever the chunk size (%i)', async (size) => {
    const records = await read(pieces(array, size));
    expect(records.map((r) => ('where' in r ? r.where : r.fatal))).toEqual(['index 0 (line 2)', 'index 1 (line 3)', 'index 2 (line 3)', 'index 3 (line 3)', 'index 4 (line 4)']);
    expect((records[0] as InputRecord).value).toEqual({ a: 'x,]}"y', b: [1, 2] });
    expect((records[1] as InputRecord).value).toEqual({ c: 'Привет 👋' });
    expect((records[4] as InputRecord).error).toMatch(/^not valid JSON/);
  });

  it('reads NDJSON by line number, skipping blank lines and CRLF', async () => {
    const records = await read(['\n{"a":1}\r\n\n{"b":', '2}\n{x}\n{"c":3}']);
    expect(records.map((r) => ('where' in r ? [r.where, r.value ?? r.error?.slice(0, 14)] : r))).toEqual([
      ['line 2', { a: 1 }],
      ['line 4', { b: 2 }],
      ['line 5', 'not valid JSON'],
      ['line 6', { c: 3 }],
    ]);
  });

  it.each([
    ['[{"a":1},]', /a comma before \]/],
    ['[{"a":1}', /not closed/],
    ['[] x', /unexpected text after the closing \]/],
    ['[1 2]', /expected , or \] after index 0/],
    ['  \n ', /the input is empty/],
    [Buffer.from([0x7b, 0x22, 0xc3, 0x28, 0x22, 0x7d]), /not valid UTF-8/],
  ])('refuses broken structure %j as a whole', async (input, message) => {
    const records = await read([input]);
    expect(records.at(-1)).toEqual({ fatal: expect.stringMatching(message) });
  });
});

describe('renderTable', () => {
  const rows = [{ id: 'acme-de', name: 'ACME GmbH \u001b[31mred', extra: 'x'.repeat(40) }];
  const columns = [
    { header: 'ID', value: (r: (typeof rows)[0]) => r.id },
    { header: 'NAME', value: (r: (typeof rows)[0]) => r.name, truncate: true },
    { header: 'EXTRA', value: (r: (typeof rows)[0]) => r.extra, truncate: true, drop: 1 },
  ];

  it('in a pipe: full values, escaped control characters', () => {
    expect(renderTable(columns, rows)).toBe(`ID        NAME                    EXTRA\nacme-de   ACME GmbH \\x1b[31mred   ${'x'.repeat(40)}\n`);
  });

  it('on a terminal: drops optional columns, then cuts with …, never wider than the terminal', () => {
    const text = renderTable(columns, rows, { width: 24 });
    expect(text).toBe('ID        NAME\nacme-de   ACME GmbH \\x1…\n');
    for (const line of text.trimEnd().split('\n')) expect(line.length).toBeLessThanOrEqual(24);
  });
});

describe('record diffs and UTF-8 offsets', () => {
  it('a unified diff of the changed fields, git-style names', () => {
    const before = recordText([['brand_name', 'A']], [['ai_prompt', 'one\ntwo']]);
    const after = recordText([['brand_name', 'B']], [['ai_prompt', 'one\ntwo\nthree']]);
    expect(recordDiff('sites/x', before, after)).toBe(
      '--- a/sites/x\n+++ b/sites/x\n@@ -1,4 +1,5 @@\n-brand_name: A\n+brand_name: B\n ai_prompt: |\n   one\n   two\n+  three\n',
    );
    expect(recordDiff('sites/x', before, before)).toBe('');
  });

  it('points at the first byte of the invalid sequence', () => {
    expect(firstInvalidUtf8(Buffer.from([0x48, 0x69, 0x20, 0xe4, 0x20, 0x21]))).toBe(3);
    expect(firstInvalidUtf8(Buffer.from([0xff]))).toBe(0);
    expect(firstInvalidUtf8(Buffer.from([0x41, 0xe2, 0x82]))).toBe(1);
  });
});
