#!/usr/bin/env python3
"""Keystroke to echo in a full-screen program, through a real pseudo-terminal, as a person would see it.

usage: pty-keys.py PLAN_JSON -- COMMAND [ARGS...]
PLAN_JSON: {"cols": 100, "rows": 30, "steps": [["wait", "TEXT"], ["key", "TEXT"], ["sleep", SECONDS]],
            "type": "x", "count": 100, "warmup": 10, "gap": 0.1, "timeout": 20}
Runs the steps (wait for TEXT on the terminal, type TEXT, pause), then reads the editor's position from its
status line ("Ln R, Col C") and types `type` `warmup + count` times, `gap` seconds apart (a typist, and more
than Ink's 33 ms frame throttle, so each key gets its own frame). For each key it takes the time from
writing the byte to the pty until the terminal output carries the frame with the next column ("Col C+1 "):
the character on screen, echoed by the program. Prints one line of JSON: {"ms": [...], "ready": seconds,
"cpu_ms_per_key": the program's CPU time (user + system) over the counted keys, per key} (or {"error": "..."}).
"""
import json, os, pty, re, select, signal, struct, sys, time, fcntl, termios

COL = re.compile(rb'Ln (\d+), Col (\d+) ')
TICK = os.sysconf('SC_CLK_TCK')


def cpu_seconds(pid):
    """User + system CPU time of the process and its threads so far (what its work cost, whatever the load)."""
    try:
        with open(f'/proc/{pid}/stat') as f:
            fields = f.read().rsplit(')', 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / TICK
    except OSError:
        return None


def main():
    sep = sys.argv.index('--')
    plan = json.loads(sys.argv[1])
    cmd = sys.argv[sep + 1:]
    timeout = float(plan.get('timeout', 20))
    pid, fd = pty.fork()
    if pid == 0:
        os.execvp(cmd[0], cmd)
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack('HHHH', plan.get('rows', 30), plan.get('cols', 100), 0, 0))
    start = time.monotonic()
    out = bytearray()

    def read_until(deadline, done):
        while not done() and time.monotonic() < deadline:
            r, _, _ = select.select([fd], [], [], 0.005)
            if not r:
                continue
            try:
                chunk = os.read(fd, 1 << 16)
            except OSError:
                return False
            if not chunk:
                return False
            out.extend(chunk)
        return done()

    def finish(result):
        try:
            os.write(fd, b'\x1b')
            time.sleep(0.1)
            os.kill(pid, signal.SIGTERM)
            os.waitpid(pid, 0)
        except (OSError, ChildProcessError):
            pass
        if os.environ.get('PTY_KEYS_DUMP'):
            with open(os.environ['PTY_KEYS_DUMP'], 'wb') as f:
                f.write(out)
        print(json.dumps(result))
        sys.exit(0)

    seen_from = 0
    for kind, arg in plan['steps']:
        if kind == 'wait':
            wanted = arg.encode()
            if not read_until(time.monotonic() + timeout, lambda: wanted in out[seen_from:]):
                finish({'error': f'never saw {arg!r}', 'screen_tail': out[-2000:].decode('utf8', 'replace')})
            seen_from = out.index(wanted, seen_from) + len(wanted)
        elif kind == 'key':
            os.write(fd, arg.encode())
        elif kind == 'sleep':
            read_until(time.monotonic() + float(arg), lambda: False)
    # The last frame of the moves is on screen once the program has been quiet for a while.
    while True:
        n = len(out)
        read_until(time.monotonic() + 0.5, lambda: False)
        if len(out) == n:
            break
    ready = time.monotonic() - start
    cols = COL.findall(bytes(out[-65536:]))
    if not cols:
        finish({'error': 'no "Ln R, Col C" status line on screen', 'screen_tail': out[-2000:].decode('utf8', 'replace')})
    col = int(cols[-1][1])
    ms = []
    key = plan.get('type', 'x').encode()
    cpu_before = None
    for i in range(plan.get('warmup', 10) + plan.get('count', 100)):
        col += 1
        wanted = b'Col %d ' % col
        mark = len(out)
        t = time.monotonic()
        os.write(fd, key)
        if not read_until(t + timeout, lambda: wanted in out[mark:]):
            finish({'error': f'key {i}: never saw {wanted!r}', 'ms': ms, 'screen_tail': out[-2000:].decode('utf8', 'replace')})
        if i >= plan.get('warmup', 10):
            ms.append(round((time.monotonic() - t) * 1000, 3))
        if i + 1 == plan.get('warmup', 10):
            cpu_before = cpu_seconds(pid)
        # Whatever else the key causes (a draft written, a second frame) lands before the next key.
        read_until(t + float(plan.get('gap', 0.1)), lambda: False)
    cpu_after = cpu_seconds(pid)
    cpu_ms = round((cpu_after - cpu_before) * 1000 / len(ms), 3) if cpu_before is not None and cpu_after is not None and ms else None
    finish({'ms': ms, 'ready': round(ready, 3), 'cpu_ms_per_key': cpu_ms})


main()
