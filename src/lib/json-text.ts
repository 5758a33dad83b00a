// Characters that are valid in JSON strings but would act on a terminal or hide text: C1 controls, bidi
// controls, zero-width and separator characters. Escaped as \uXXXX, the JSON still decodes to the same data.
const JSON_UNSAFE = /[\u007f-\u009f\u061c\u200b-\u200f\u2028\u2029\u202a-\u202e\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb]/g;

/** Escapes, in JSON text, the characters JSON.stringify leaves raw that a terminal would act on. */
export function escapeJsonUnsafe(json: string): string {
  return json.replace(JSON_UNSAFE, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** JSON.stringify, with terminal-unsafe characters escaped (C0 controls and lone surrogates it escapes itself). */
export function jsonText(value: unknown, space?: number): string {
  return escapeJsonUnsafe(JSON.stringify(value, null, space));
}
