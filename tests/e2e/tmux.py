"""A real terminal for end-to-end tests: tmux on a private socket.

``Tmux(tmp_path)`` runs its own tmux server (``-S`` socket in tmp, no user
config), so tests never touch a developer's sessions and clean up with one
``kill-server``. Each :meth:`Tmux.start` opens a detached session of the
given size running one command; panes stay open after the command exits so
its exit status and last screen can be read.

Waiting polls ``capture-pane`` until the text appears or a timeout passes;
there are no fixed sleeps.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import time
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

POLL = 0.05
#: how Textual's default theme draws a focused Input/Select at 256 colours:
#: its left "tall" border in the accent blue (blurred fields use a dark grey)
#: (compact inputs without a border are drawn on a dark-yellow background instead)
FOCUS_FG = "38;5;32"
FOCUS_BG = "48;5;58"
CURSOR_BG = "48;5;253"  # an Input's text cursor (it blinks: look for longer than BLINK)
BLINK = 1.2
CLOCK = re.compile(r"\d\d:\d\d:\d\d")
SGR = re.compile(r"\x1b\[([0-9;]*)m")


class ScreenTimeout(AssertionError):
    """The expected screen did not appear in time; the message shows the last screen."""


def available() -> str | None:
    """None when tmux can be used, else the reason it cannot."""
    if not shutil.which("tmux"):
        return "tmux is not installed (apt-get install tmux)"
    return None


class Pane:
    """One session's only pane: send keys, read the screen, wait for text."""

    def __init__(self, tmux: Tmux, name: str):
        self.tmux = tmux
        self.name = name
        self.target = f"={name}:"

    # -- input --
    def keys(self, *keys: str) -> None:
        """tmux key names: "Enter", "F1", "C-q", "Tab", "Escape", "BSpace"."""
        self.tmux.run("send-keys", "-t", self.target, *keys)

    def type(self, text: str) -> None:
        """Literal text (any script), sent in one burst like a keyboard-mode scanner."""
        self.tmux.run("send-keys", "-t", self.target, "-l", text)

    def fill(self, text: str) -> None:
        """Type into the focused field and wait until it shows what was typed.

        Textual hands keys to the focused widget's queue; keys sent before
        it has handled the last ones can still land there after a Tab.
        """
        self.type(text)
        self.wait_for(text)


    # -- output --
    def screen(self, colours: bool = False) -> str:
        """The visible screen as text (with SGR escapes if ``colours``)."""
        args = ["capture-pane", "-p", "-t", self.target]
        if colours:
            args.append("-e")
        return self.tmux.run("capture-pane", *args[1:])

    def info(self, fmt: str) -> str:
        return self.tmux.run("display-message", "-p", "-t", self.target, fmt).strip()

    @property
    def dead(self) -> bool:
        return self.info("#{pane_dead}") == "1"

    @property
    def exit_status(self) -> int | None:
        status = self.tmux.workdir / f"{self.name}.status"
        if not self.dead or not status.exists():
            return None
        return int(status.read_text())

    # -- waiting --
    def wait_until(self, check: Callable[[str], bool], what: str, timeout: float = 15.0,
                   colours: bool = False) -> str:
        """Poll the screen until ``check(screen)``; return that screen."""
        deadline = time.monotonic() + timeout
        while True:
            screen = self.screen(colours)
            if check(screen):
                return screen
            if time.monotonic() > deadline:
                raise ScreenTimeout(f"{self.name}: waited {timeout:.0f}s for {what}; screen was:\n"
                                    + boxed(screen))
            time.sleep(POLL)

    def wait_for(self, *texts: str, timeout: float = 15.0) -> str:
        """Wait until every one of ``texts`` is on screen."""
        return self.wait_until(lambda s: all(t in s for t in texts), " + ".join(map(repr, texts)),
                               timeout)

    def focused(self, text: str, screen: str | None = None, until: str | None = None) -> bool:
        """Is the input field showing ``text`` (its value or placeholder), or
        labelled ``text`` on its left, the focused one?

        A bordered field has focus when its left border is drawn in the accent
        colour; a compact field right of its label when that part of the row
        (up to ``until``, the next label, if given) has the focus background
        or the text cursor.
        """
        screen = self.screen(colours=True) if screen is None else screen
        for line in screen.splitlines():
            cells = coloured_cells(line)
            plain = "".join(c for c, _, _ in cells)
            at = plain.find(text)
            while at >= 0:
                border = plain.rfind("▊", 0, at)
                if border >= 0 and cells[border][1] == FOCUS_FG:
                    return True
                start = at + len(text)
                end = plain.find(until, start) if until else -1
                end = end if end >= 0 else len(cells)
                stop = plain.find("▊", start)  # a bordered field's own area ends the row part
                end = min(end, stop) if stop >= 0 else end
                if any(bg in (FOCUS_BG, CURSOR_BG) for _, _, bg in cells[start:end]):
                    return True
                at = plain.find(text, at + 1)
        return False

    def tab_to(self, text: str, until: str | None = None, key: str = "Tab",
               tries: int = 12) -> None:
        """Press ``key`` until the field ``text`` (see :meth:`focused`) has the focus.

        One key at a time, each time looking for the focus on screen for a
        blink of the cursor, rather than counting keys: Textual hands keys to
        the focused widget's queue, so keys sent before it has handled a Tab
        can still land in the old field, and a Select closing its list takes
        the focus back a moment later.
        """
        for _ in range(tries):
            try:
                self.wait_until(lambda s: self.focused(text, s, until), f"focus on {text!r}",
                                BLINK, colours=True)
                return
            except ScreenTimeout:
                self.keys(key)
        self.wait_until(lambda s: self.focused(text, s, until), f"focus on {text!r}", BLINK,
                        colours=True)

    def settle(self, quiet: float = 0.7, timeout: float = 10.0) -> str:
        """Wait until the screen's text (the clock left out; colours too, as a
        text cursor blinks) has not changed for ``quiet`` seconds: start-up
        work such as a tab taking the focus after a refresh is over."""
        deadline = time.monotonic() + timeout
        last, since = None, time.monotonic()
        while True:
            now = CLOCK.sub("", self.screen())
            if now != last:
                last, since = now, time.monotonic()
            elif time.monotonic() - since >= quiet:
                return self.screen()
            if time.monotonic() > deadline:
                raise ScreenTimeout(f"{self.name}: screen still changing after {timeout:.0f}s:\n"
                                    + boxed(self.screen()))
            time.sleep(POLL)

    def wait_gone(self, text: str, timeout: float = 15.0) -> str:
        return self.wait_until(lambda s: text not in s, f"{text!r} to go away", timeout)

    def wait_exit(self, timeout: float = 15.0) -> int:
        """Wait for the command to end; its exit status."""
        deadline = time.monotonic() + timeout
        while not self.dead:
            if time.monotonic() > deadline:
                raise ScreenTimeout(f"{self.name}: still running after {timeout:.0f}s; screen:\n"
                                    + boxed(self.screen()))
            time.sleep(POLL)
        return self.exit_status


class Tmux:
    """A private tmux server; use as a context manager or call :meth:`close`."""

    def __init__(self, workdir: Path):
        workdir.mkdir(parents=True, exist_ok=True)
        self.workdir = workdir
        self.socket = workdir / "tmux.sock"
        self.panes: list[Pane] = []
        self.env = {**os.environ, "LANG": "C.UTF-8"}
        self.env.pop("TMUX", None)  # a test run from inside tmux still gets its own server

    def run(self, *args: str) -> str:
        done = subprocess.run(["tmux", "-u", "-S", str(self.socket), "-f", "/dev/null", *args],
                              capture_output=True, text=True, timeout=20, env=self.env)
        if done.returncode:
            raise RuntimeError(f"tmux {' '.join(args)}: {done.stderr.strip()}")
        return done.stdout

    def start(self, command: Sequence[str], env: Mapping[str, str] | None = None,
              cwd: str | os.PathLike | None = None, width: int = 80, height: int = 24,
              term: str = "xterm-256color") -> Pane:
        """A new detached session ``width`` x ``height`` running ``command``.

        ``env`` is added to the environment the command sees (tmux passes
        the test process's environment to the first session's server).
        """
        name = f"s{len(self.panes)}"
        extra = {"TERM": term, "LANG": "C.UTF-8", **(env or {})}
        args = ["new-session", "-d", "-s", name, "-x", str(width), "-y", str(height)]
        if cwd:
            args += ["-c", str(cwd)]
        for key, value in extra.items():
            args += ["-e", f"{key}={value}"]
        # TERM set with -e is overridden by default-terminal; set it in the command too.
        # The exit status goes to a file: tmux loses it when a command ends at once.
        status = self.workdir / f"{name}.status"
        script = f'"$@"; s=$?; echo $s > {shlex.quote(str(status))}; exit $s'
        line = " ".join(shlex.quote(c) for c in command)
        args.append(f"exec env TERM={shlex.quote(term)} sh -c {shlex.quote(script)} sh {line}")
        if not self.panes:  # keep dead panes (exit status, last screen) from the first session on
            self.run("start-server", ";", "set-option", "-g", "exit-empty", "off", ";",
                     "set-option", "-gw", "remain-on-exit", "on")
        self.run(*args)
        pane = Pane(self, name)
        self.panes.append(pane)
        return pane

    def close(self) -> None:
        try:
            self.run("kill-server")
        except (RuntimeError, subprocess.TimeoutExpired):
            pass


    def __enter__(self) -> Tmux:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def coloured_cells(line: str) -> list[tuple[str, str, str]]:
    """(character, foreground, background) for each character of a
    ``capture-pane -e`` line; colours as SGR parameters ("38;5;32", "48;5;58")."""
    cells, fg, bg, pos = [], "", "", 0
    for m in SGR.finditer(line):
        cells += [(c, fg, bg) for c in line[pos:m.start()]]
        pos = m.end()
        params = m.group(1).split(";") if m.group(1) else ["0"]
        i = 0
        while i < len(params):
            p = params[i]
            if p in ("38", "48") and i + 1 < len(params):
                n = 3 if params[i + 1] == "5" else 5
                value = ";".join(params[i:i + n])
                fg, bg = (value, bg) if p == "38" else (fg, value)
                i += n
                continue
            if p in ("0", ""):
                fg = bg = ""
            elif p == "39":
                fg = ""
            elif p == "49":
                bg = ""
            i += 1
    cells += [(c, fg, bg) for c in line[pos:]]
    return cells


def boxed(screen: str) -> str:
    """A screen capture framed so trailing spaces and the size are visible."""
    lines = screen.rstrip("\n").split("\n")
    width = max((cells(line) for line in lines), default=0)
    return "\n".join(["+" + "-" * width + "+",
                      *("|" + line + " " * (width - cells(line)) + "|" for line in lines),
                      "+" + "-" * width + "+"])


def cells(text: str) -> int:
    """Terminal width of text: CJK characters take two cells."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)
