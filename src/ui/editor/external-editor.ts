import { spawn } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { CabinetError } from '../../lib/errors.ts';
import { draftsDir } from '../../lib/paths.ts';

export interface ExternalEditResult {
  changed: boolean;
  text: string;
}

/** The editor people asked for: $VISUAL, then $EDITOR, then vi. May carry arguments ("code -w"). */
export function editorCommand(env: NodeJS.ProcessEnv = process.env): string {
  return env.VISUAL?.trim() || env.EDITOR?.trim() || 'vi';
}

/**
 * Opens `text` in the person's editor and returns what they saved. The draft is a 0600 file in a 0700
 * directory ($XDG_STATE_HOME/cabinet/drafts): a prompt is business data, not for other users of a shared
 * host. It is written with a final newline (editors add one on save) and read back without it, so
 * opening and quitting without a change is recognised as no change. The draft is removed afterwards.
 * The caller suspends the terminal around this (Ink's suspendTerminal).
 */
export async function editInExternalEditor(text: string, options: { name: string; env?: NodeJS.ProcessEnv; dir?: string }): Promise<ExternalEditResult> {
  const env = options.env ?? process.env;
  const dir = options.dir ?? draftsDir();
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  fs.chmodSync(dir, 0o700);
  const safe = options.name.replace(/[^A-Za-z0-9._-]+/g, '-').slice(0, 64) || 'prompt';
  const file = path.join(dir, `${safe}-${crypto.randomBytes(4).toString('hex')}.md`);
  const trailing = text === '' || text.endsWith('\n');
  fs.writeFileSync(file, trailing ? text : `${text}\n`, { mode: 0o600, flag: 'wx' });
  try {
    const command = editorCommand(env);
    const code = await new Promise<number | null>((resolve, reject) => {
      // Through sh so that EDITOR="code -w" or EDITOR="nano -R" work as in every other tool.
      const child = spawn('/bin/sh', ['-c', `${command} "$1"`, 'cabinet-editor', file], { stdio: 'inherit', env });
      child.on('error', reject);
      child.on('exit', (status, signal) => resolve(signal ? 128 : status));
    });
    if (code !== 0) {
      throw new CabinetError(`the editor (${command}) exited with status ${code}; the prompt was not changed`, { code: 'editor-failed' });
    }
    let result = fs.readFileSync(file, 'utf8').replace(/\r\n?/g, '\n');
    if (!trailing && result.endsWith('\n')) result = result.slice(0, -1);
    return { changed: result !== text, text: result };
  } finally {
    fs.rmSync(file, { force: true });
  }
}
