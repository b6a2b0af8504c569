"""Small JSON files of secrets kept beside the store, outside its audit trail:
the pass key ring (``keys/passes.json``) and the PIN hashes (``keys/pins.json``).

They live outside the store so that no audit entry (before / after values)
ever holds a signing key or a PIN hash. Each file is changed under an
``flock`` on ``<file>.lock`` and replaced atomically (0660). A file that
cannot be read or parsed raises a :class:`DomainError` naming the file and
never its content.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import threading
from collections.abc import Iterator
from pathlib import Path

import orjson

from console.core import i18n, logs, output
from console.core.i18n import DomainError
from console.core.store import FILE_MODE, Store, atomic_write

i18n.add({
    "keyfiles.damaged": ("密钥文件损坏，请找管理员。", "Key file damaged: tell the admin."),
})

_cache: dict[Path, tuple[tuple, dict]] = {}
_threads = threading.Lock()


def path_of(store: Store, name: str) -> Path:
    return store.root / "keys" / f"{name}.json"


def damaged(path: Path) -> DomainError:
    """The error for an unreadable key file; the log names it for the admin,
    who restores it from a backup (`python app.py log`)."""
    logs.log.error("key file %s is damaged or unreadable: restore it from a backup", path)
    return DomainError("keyfiles.damaged")


def _parse(path: Path, raw: bytes) -> dict:
    try:
        data = orjson.loads(raw or b"{}")
    except orjson.JSONDecodeError:
        data = None
    if not isinstance(data, dict):
        raise damaged(path)
    return data


def read(store: Store, name: str) -> dict:
    """The file's content now ({} when missing), cached while it is unchanged."""
    path = path_of(store, name)
    try:
        st = os.stat(path)
    except FileNotFoundError:
        return {}
    except OSError:
        raise damaged(path) from None
    ident = (st.st_dev, st.st_ino, st.st_mtime_ns, st.st_size)
    hit = _cache.get(path)
    if hit and hit[0] == ident:
        return hit[1]
    try:
        raw = path.read_bytes()
    except OSError:
        raise damaged(path) from None
    data = _parse(path, raw)
    _cache[path] = (ident, data)
    return data


@contextlib.contextmanager
def edit(store: Store, name: str) -> Iterator[dict]:
    """Yield the file's content to change in place; written when the block ends
    without an exception, under the file's lock."""
    path = path_of(store, name)
    output.folder(path.parent)
    with _threads:
        fd = os.open(f"{path}.lock", os.O_RDWR | os.O_CREAT, FILE_MODE)
        try:
            os.fchmod(fd, FILE_MODE)
            fcntl.flock(fd, fcntl.LOCK_EX)
            try:
                raw = path.read_bytes() if path.exists() else b"{}"
            except OSError:
                raise damaged(path) from None
            data = _parse(path, raw)
            yield data
            atomic_write(path, orjson.dumps(data, option=orjson.OPT_INDENT_2))
        finally:
            os.close(fd)  # closing drops the flock
