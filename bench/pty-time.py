#!/usr/bin/env python3
"""Times a full-screen program in a real pseudo-terminal, as a person would see it.

usage: pty-time.py COLS ROWS MARKER1 [MARKER2 ...] -- COMMAND [ARGS...]
Starts COMMAND in a pty of COLS x ROWS, and prints one line of JSON: the seconds from start until the
terminal output first contains each marker (null when it never did within the timeout). A marker of the
form "key:TEXT" first types TEXT into the terminal, then waits for the next marker; "wait:SECONDS" keeps
reading the terminal for that long (so background work settles before memory is read). After the last
marker it sends 'q' and reports the peak RSS (VmHWM, kB) of the process.
"""
import json, os, pty, select, sys, time, signal, struct, fcntl, termios

def main():
    sep = sys.argv.index('--')
    cols, rows = int(sys.argv[1]), int(sys.argv[2])
    markers = sys.argv[3:sep]
    cmd = sys.argv[sep + 1:]
    timeout = float(os.environ.get('PTY_TIMEOUT', '20'))
    pid, fd = pty.fork()
    if pid == 0:
        os.execvp(cmd[0], cmd)
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack('HHHH', rows, cols, 0, 0))
    start = time.monotonic()
    out = bytearray()
    results = {}
    seen_from = 0
    hwm = None

    def read_until(deadline, done=lambda: False):
        """Reads the terminal until `done()` or the deadline; False when the program closed it."""
        while not done() and time.monotonic() < deadline:
            r, _, _ = select.select([fd], [], [], 0.01)
            if not r:
                continue
            try:
                chunk = os.read(fd, 65536)
            except OSError:
                return False
            if not chunk:
                return False
            out.extend(chunk)
        return True

    for marker in markers:
        if marker.startswith('wait:'):
            read_until(time.monotonic() + float(marker[5:]))
        elif marker.startswith('key:'):
            # What the program already wrote (the rest of a frame) is read first: only output after the key counts.
            read_until(time.monotonic() + 0.05)
            seen_from = len(out)
            os.write(fd, marker[4:].encode())
        else:
            wanted = marker.encode()
            seen = lambda: wanted in out[seen_from:]
            read_until(time.monotonic() + timeout, seen)
            results[marker] = round(time.monotonic() - start, 4) if seen() else None
            # The next marker may be in the same write (a first frame that already has the rows).
            if seen():
                seen_from = out.index(wanted, seen_from) + len(wanted)
            continue
        results[marker] = round(time.monotonic() - start, 4)
        seen_from = len(out)
    try:
        with open(f'/proc/{pid}/status') as f:
            for line in f:
                if line.startswith('VmHWM:'):
                    hwm = int(line.split()[1])
    except OSError:
        pass
    try:
        os.write(fd, b'q')
        time.sleep(0.3)
        os.kill(pid, signal.SIGTERM)
    except OSError:
        pass
    try:
        os.waitpid(pid, 0)
    except ChildProcessError:
        pass
    print(json.dumps({'markers': results, 'peak_rss_kb': hwm}))

main()
