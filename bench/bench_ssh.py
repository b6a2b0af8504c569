"""Bytes a desk sends to its terminal (what an SSH link carries), 80×24.

    python bench/bench_ssh.py [--data DIR] [--idle 30] [--keys 10]

Runs `python app.py --data-dir DIR --lang en` under a pseudo-terminal of
80×24 and counts every byte the console writes: start to the sign-in screen,
sign-in (the first name in the list, PIN 1234) until the main screen is quiet,
``--idle`` seconds signed in without touching anything (KB/s), and single
letters typed into the Checkpoint form's Name box (bytes per key). Without
``--data`` the demo is built in a temporary directory first.
Not part of the test suite.
"""

from __future__ import annotations

import argparse
import fcntl
import os
import pty
import select
import struct
import subprocess
import sys
import tempfile
import termios
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


class Desk:
    """The console in a pty; ``read`` counts what it wrote."""

    def __init__(self, data: Path) -> None:
        pid, fd = pty.fork()
        if pid == 0:
            fcntl.ioctl(0, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
            env = {**os.environ, "TERM": "xterm-256color", "COLORTERM": "truecolor",
                   "LANG": "C.UTF-8"}
            env.pop("TEXTUAL", None)
            os.chdir(ROOT)
            os.execve(sys.executable, [sys.executable, "app.py", "--data-dir", str(data),
                                       "--lang", "en"], env)
        self.pid, self.fd = pid, fd

    def read(self, seconds: float) -> int:
        """Bytes written during the next ``seconds``."""
        end, n = time.monotonic() + seconds, 0
        while (left := end - time.monotonic()) > 0:
            ready, _, _ = select.select([self.fd], [], [], left)
            if ready:
                try:
                    n += len(os.read(self.fd, 65536))
                except OSError:
                    break
        return n

    def until_quiet(self, quiet: float = 1.5, limit: float = 30) -> int:
        """Bytes written from now until nothing came for ``quiet`` seconds
        (waiting up to ``limit`` for the first byte: a busy machine is slow)."""
        n = 0
        end = time.monotonic() + limit
        while time.monotonic() < end:
            got = self.read(quiet)
            n += got
            if n and not got:
                break
        return n

    def send(self, keys: str) -> None:
        os.write(self.fd, keys.encode())

    def close(self) -> None:
        self.send("\x11")  # ctrl+q
        self.read(1)
        try:
            os.kill(self.pid, 9)
        except ProcessLookupError:
            pass
        os.waitpid(self.pid, 0)


def measure(data: Path, idle: float, keys: int) -> list[tuple[str, str]]:
    desk = Desk(data)
    rows = []
    try:
        rows.append(("start to the sign-in screen", f"{desk.until_quiet(2.0) / 1024:.1f} KB"))
        # open the name list, take the first name, go past the gate to the PIN box, type it
        for key in ("\r", "\x1b[B", "\r", "\t", "\t", "1", "2", "3", "4"):
            desk.send(key)
            desk.until_quiet(0.3)
        desk.send("\r")
        rows.append(("sign-in to the main screen", f"{desk.until_quiet(3.0) / 1024:.1f} KB"))
        desk.until_quiet(3.0)
        got = desk.read(idle)
        rows.append((f"idle, signed in ({idle:.0f} s)", f"{got / idle / 1024:.2f} KB/s"))
        sent = []
        for _ in range(keys):
            desk.send("a")
            sent.append(desk.read(0.6))
        sent.sort()
        rows.append((f"a letter typed into Name (median of {keys})",
                     f"{sent[len(sent) // 2] / 1024:.2f} KB (max {sent[-1] / 1024:.2f})"))
    finally:
        desk.close()
    return rows


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", type=Path)
    ap.add_argument("--idle", type=float, default=30)
    ap.add_argument("--keys", type=int, default=10)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        data = args.data
        if data is None:
            data = Path(tmp) / "demo"
            subprocess.run([sys.executable, "app.py", "--data-dir", str(data), "demo"], cwd=ROOT,
                           check=True, stdout=subprocess.DEVNULL)
        rows = measure(data, args.idle, args.keys)
    print(f"machine: {os.cpu_count()} CPUs, load {os.getloadavg()[0]:.1f}; terminal 80×24, "
          f"xterm-256color")
    for label, value in rows:
        print(f"{label:44} {value:>24}")


if __name__ == "__main__":
    main()
