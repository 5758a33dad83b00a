import type { Key } from 'ink';

/** C0 controls and DEL, except ESC (Ink splits escape sequences itself). */
const CONTROL = /[\x00-\x1a\x1c-\x1f\x7f]/;
const CONTROLS = /([\x00-\x1a\x1c-\x1f\x7f])/;

/**
 * One terminal read as the keys in it. Ink parses a read holding one key (`\x17` is Ctrl-W), but hands a
 * read of several over as one raw string: two Ctrl-W in one burst (tmux send-keys C-w C-w, a fast typist,
 * key repeat) arrive as "\x17\x17", and "name\r" as text with the Enter in it. Controls become the keys Ink
 * would have made of them alone; text between them stays one piece (the shell splits it further when no
 * field is taking text).
 */
export function splitBurst(input: string, key: Key): [string, Key][] {
  if (input.length <= 1 || key.ctrl || key.meta || input.startsWith('\u001b') || !CONTROL.test(input)) return [[input, key]];
  const plain: Key = { ...key, ctrl: false, meta: false, shift: false, tab: false, return: false, backspace: false, delete: false, escape: false };
  return input
    .split(CONTROLS)
    .filter((part) => part !== '')
    .map((part): [string, Key] => {
      if (!CONTROL.test(part)) return [part, { ...plain, shift: key.shift }];
      if (part === '\t') return ['\t', { ...plain, tab: true }];
      if (part === '\r') return ['\r', { ...plain, return: true }];
      if (part === '\n') return ['\n', plain];
      if (part === '\x7f' || part === '\b') return ['', { ...plain, backspace: true }];
      const code = part.charCodeAt(0);
      // ^A…^Z are Ctrl with a letter; ^\ ^] ^^ ^_ with their punctuation; NUL is Ctrl-Space.
      return [code === 0 ? ' ' : String.fromCharCode(code < 27 ? code + 96 : code + 64), { ...plain, ctrl: true }];
    });
}
