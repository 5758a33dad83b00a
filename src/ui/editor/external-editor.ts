import { spawn } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { CabinetError } from '../../lib/errors.ts';
import { draftsDir } from '../../lib/paths.ts';
import { consoleClosing, trackEditor } from './editor-process.ts';

/** A non-zero exit this close to a hang-up is the hang-up's doing (vim exits 1 on SIGHUP): the signal may reach cabinet just after. */
const SIGNAL_SETTLE_MS = 300;

export interface ExternalEditResult {
  changed: boolean;
  text: string;
  /** The editor was ended by this signal: `text` is its file as it left it, byte for byte (also in the draft). */
  endedBy?: NodeJS.Signals;
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
  /**
   * The editor was ended by a signal, or exited while the console is closing: `text` (the file, byte for
   * byte) goes into the draft, and the file goes only once the draft holds it.
   */
  keep(text: string): void;
}

/** The editor people asked for: $VISUAL, then $EDITOR, then vi. May carry arguments ("code -w"). */
export function preferredEditor(env: NodeJS.ProcessEnv = process.env): string {
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
    keep() {
      // No draft to take it: the file stays where it is.
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
  const written = trailing ? text : `${text}\n`;
  const file = handle.attach(written);
  let taken: string | null = null;
  let kept = false;
  let settle = () => {};
  const settled = new Promise<void>((resolve) => (settle = resolve));
  try {
    const command = preferredEditor(env);
    const ended = await new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve, reject) => {
      // Through sh so that EDITOR="code -w" or EDITOR="nano -R" work as in every other tool; exec, so the
      // editor itself is the child that a hang-up is forwarded to.
      const child = spawn('/bin/sh', ['-c', `exec ${command} "$1"`, 'cabinet-editor', file], { stdio: 'inherit', env });
      const untrack = trackEditor(child, settled);
      child.on('error', (error) => {
        untrack();
        reject(error);
      });
      child.on('exit', (code, signal) => {
        untrack();
        resolve({ code, signal });
      });
    });
    if (ended.code !== 0 && !ended.signal && !consoleClosing()) await new Promise((resolve) => setTimeout(resolve, SIGNAL_SETTLE_MS));
    if (ended.signal || consoleClosing()) {
      // Never a failure: what the editor saved becomes the draft as it is.
      // Never a failure: what the editor saved becomes the draft as it is, byte for byte (a file it never
      // saved still holds what was written to it, which stands for the text before the editor).
      const raw = readLeft(file);
      const mine = raw === null || raw === written ? text : raw;
      kept = true;
      try {
        handle.keep(mine);
      } catch {
        // The draft could not be written (a full disk): it still points at the file, which stays.
      }
      settle();
      // The console is closing: nothing more happens on screen, the process exits.
      if (consoleClosing()) return await new Promise<never>(() => {});
      return { changed: mine !== text, text: mine, ...(ended.signal ? { endedBy: ended.signal } : {}) };
    }
    if (ended.code !== 0) {
      throw new CabinetError(`the editor (${command}) exited with status ${ended.code}; the prompt was not changed`, { code: 'editor-failed' });
    }
    let result = fs.readFileSync(file, 'utf8').replace(/\r\n?/g, '\n');
    if (!trailing && result.endsWith('\n')) result = result.slice(0, -1);
    taken = result;
    return { changed: result !== text, text: result };
  } finally {
    if (!kept && !consoleClosing()) handle.detach(taken);
    settle();
  }
}

function readLeft(file: string): string | null {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return null;
  }
}
