/**
 * A one-line progress indicator on stderr, redrawn in place at most five times a second. Only on a
 * terminal: in a pipe or a log file it prints nothing, so cron mail and CI logs stay clean.
 */
export interface Progress {
  update(text: string): void;
  done(): void;
}

const silent: Progress = { update() {}, done() {} };

export function progress(stderr: NodeJS.WritableStream & { isTTY?: boolean }, env: NodeJS.ProcessEnv = process.env): Progress {
  if (!stderr.isTTY || env.TERM === 'dumb') return silent;
  let last = 0;
  let shown = false;
  return {
    update(text) {
      const now = Date.now();
      if (now - last < 200) return;
      last = now;
      shown = true;
      stderr.write(`\r\x1b[2K${text}`);
    },
    done() {
      if (shown) stderr.write('\r\x1b[2K');
      shown = false;
    },
  };
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(0)} kB`;
  return `${(n / 1024 / 1024).toFixed(1)} MB`;
}
