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

/**
 * Where the editor's file comes from when the edit has a draft (DraftStore.attachEditorFile): the file sits
 * in the drafts directory and the draft points at it, so a SIGHUP or a crash while the editor runs leaves
 * a draft holding what the editor last saved. `detach` gets the text taken back (null: none, the editor
 * failed) and removes the file.
 */
export interface EditorDraftHandle {
  attach(text: string): string;
  detach(text: string | null): void;
}

/** The editor people asked for: $VISUAL, then $EDITOR, then vi. May carry arguments ("code -w"). */
export function editorCommand(env: NodeJS.ProcessEnv = process.env): string {
  return env.VISUAL?.trim() || env.EDITOR?.trim() || 'vi';
}

/** A 0600 temp file in the 0700 drafts directory, for an edit without a draft. */
function plainHandle(name: string, dir: string): EditorDraftHandle & { file?: string } {
  const handle: EditorDraftHandle & { file?: string } = {
    attach(text) {
      fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
      fs.chmodSync(dir, 0o700);
      const safe = name.replace(/[^A-Za-z0-9._-]+/g, '-').slice(0, 64) || 'prompt';
      handle.file = path.join(dir, `${safe}-${crypto.randomBytes(4).toString('hex')}.md`);
      fs.writeFileSync(handle.file, text, { mode: 0o600, flag: 'wx' });
      return handle.file;
    },
    detach() {
      if (handle.file) fs.rmSync(handle.file, { force: true });
    },
  };
  return handle;
}

/**
 * Opens `text` in the person's editor and returns what they saved. The file is private (0600 in a 0700
 * directory, $XDG_STATE_HOME/cabinet/drafts): a prompt is business data, not for other users of a shared
 * host. It is written with a final newline (editors add one on save) and read back without it, so
 * opening and quitting without a change is recognised as no change. The file is removed afterwards.
 * The caller suspends the terminal around this (Ink's suspendTerminal).
 */
export async function editInExternalEditor(
  text: string,
  options: { name: string; env?: NodeJS.ProcessEnv; dir?: string; draft?: EditorDraftHandle },
): Promise<ExternalEditResult> {
  const env = options.env ?? process.env;
  const handle = options.draft ?? plainHandle(options.name, options.dir ?? draftsDir());
  const trailing = text === '' || text.endsWith('\n');
  const file = handle.attach(trailing ? text : `${text}\n`);
  let taken: string | null = null;
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
    taken = result;
    return { changed: result !== text, text: result };
  } finally {
    handle.detach(taken);
  }
}
