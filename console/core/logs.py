"""The console's log file: what went wrong, for the admin, never on a volunteer's screen.

``<data>/logs/console.log`` (rotated at 1 MB, five old files kept), 0660 in
a 2770 folder: the group's admins read it, nobody else. Unexpected errors
are written with their traceback (never local variables) under a short
reference the volunteer reads out; printer failures and refused writes are
written as warnings. Every line passes :func:`redact` first, so a signing
key, a PIN hash or a pass code never reaches the file. Until
:func:`setup` is called nothing is written anywhere.
"""

from __future__ import annotations

import contextlib
import logging
import os
import re
import secrets
from logging.handlers import RotatingFileHandler
from pathlib import Path

from console.core import clock, i18n
from console.core.store_files import FILE_MODE, mkdir

log = logging.getLogger("desk")
log.propagate = False  # never Python's last-resort handler on stderr
log.addHandler(logging.NullHandler())
log.setLevel(logging.INFO)

FOLDER = "logs"
NAME = "console.log"
#: 16 or more hex digits (keys, hashes, salts) or 12 or more digits (pass codes)
_SECRET = re.compile(r"(?<![0-9A-Za-z])(?:[0-9a-fA-F]{16,}|\d{12,})(?![0-9A-Za-z])|[0-9a-fA-F]{32,}")

i18n.add({
    "logs.crashed": (
        "服务台出了问题。你最后保存的记录是安全的。请告诉组长，并报上编号 {ref}。",
        "The console hit a problem. Your last saved entry is safe. Tell a leader, "
        "reference {ref}."),
    "logs.where": ("日志文件：{path}", "Log file: {path}"),
    "logs.none": ("还没有日志：{path}", "No log yet: {path}"),
})


def redact(text: str) -> str:
    """``text`` with every run that could be a key, hash or pass code masked."""
    return _SECRET.sub("[…]", text)


class _Redacting(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        return redact(super().format(record))


class _GroupFile(RotatingFileHandler):
    """A rotating log file created 0660 whatever the umask."""

    def _open(self):
        mkdir(Path(self.baseFilename).parent)  # made with the first line, not before
        fd = os.open(self.baseFilename, os.O_WRONLY | os.O_APPEND | os.O_CREAT, FILE_MODE)
        with contextlib.suppress(OSError):  # another account's file: its mode stays
            os.fchmod(fd, FILE_MODE)
        return os.fdopen(fd, "a", encoding=self.encoding, errors="replace")


def path(root: Path) -> Path:
    return Path(root) / FOLDER / NAME


def setup(root: Path) -> Path | None:
    """Log to ``<root>/logs/console.log`` from now on; None if it cannot be opened
    (the console still runs, logging nowhere)."""
    target = path(root)
    log.disabled = False  # a library's logging.config call may have switched it off
    for h in [h for h in log.handlers if isinstance(h, _GroupFile)]:
        if h.baseFilename == str(target):
            return target
        log.removeHandler(h)
        h.close()
    try:
        handler = _GroupFile(target, maxBytes=1_000_000, backupCount=5, encoding="utf-8",
                             delay=True)
    except Exception:  # noqa: BLE001  (a full disk or bad permissions must not stop the desk)
        return None
    handler.setFormatter(_Redacting("%(asctime)s %(levelname)s pid %(process)d: %(message)s"))
    log.addHandler(handler)
    return target


def crash(error: BaseException, where: str = "") -> str:
    """Log an unexpected error with its traceback; return its reference."""
    ref = f"{clock.now():%m%d-%H%M}-{secrets.choice('ghjkmnpqrstuvwxyz')}{secrets.randbelow(100):02d}"
    log.error("unexpected error %s%s: %s", ref, f" in {where}" if where else "",
              type(error).__name__, exc_info=(type(error), error, error.__traceback__))
    return ref


def crash_message(error: BaseException, where: str = "") -> str:
    """Log ``error`` and return what the volunteer reads instead of a traceback."""
    return i18n.t("logs.crashed", ref=crash(error, where))


def tail(root: Path, lines: int = 20) -> list[str]:
    """The last ``lines`` lines of the log (already redacted when written)."""
    try:
        with open(path(root), "rb") as f:
            f.seek(0, os.SEEK_END)
            f.seek(max(0, f.tell() - 64_000))
            return f.read().decode("utf-8", errors="replace").splitlines()[-lines:]
    except OSError:
        return []
