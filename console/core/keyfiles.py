"""Small JSON files of secrets kept beside the store, outside its journal
(the audit trail), so that no journal line ever holds one: the PIN hashes
(``keys/pins.json``; the pass key ring is console/errands/passes.py's).

A file is changed under the store's lock and replaced whole (0660); it is a
store side file, so ``check`` verifies it and snapshots and backups copy
it. A file that cannot be read or parsed raises a :class:`DomainError`
naming the file and never its content.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from pathlib import Path

import orjson

from console.core import i18n, logs
from console.core.i18n import DomainError
from console.core.store import Store, atomic_write
from console.core.store_files import mkdir

i18n.add({
    "keyfiles.damaged": ("密钥文件 {file} 已损坏或读不了。请从备份恢复这个文件。",
                         "The key file {file} is damaged or unreadable. Restore it from a backup."),
})

_cache: dict[Path, tuple[tuple, dict]] = {}


def relative(name: str) -> str:
    return f"keys/{name}.json"


def path_of(store: Store, name: str) -> Path:
    return store.root / relative(name)


def damaged(path: Path) -> DomainError:
    logs.log.error("key file %s is damaged or unreadable: restore it from a backup", path)
    return DomainError("keyfiles.damaged", file=str(path))


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
        ident = (st.st_dev, st.st_ino, st.st_mtime_ns, st.st_size)
        hit = _cache.get(path)
        if hit and hit[0] == ident:
            return hit[1]
        data = _parse(path, path.read_bytes())
    except FileNotFoundError:
        return {}
    except OSError:
        raise damaged(path) from None
    _cache[path] = (ident, data)
    return data


@contextlib.contextmanager
def edit(store: Store, name: str) -> Iterator[dict]:
    """Yield the file's content to change in place; written whole when the
    block ends without an exception, all under the store's lock."""
    path = path_of(store, name)
    mkdir(path.parent)
    with store.locked():
        try:
            data = _parse(path, path.read_bytes()) if path.exists() else {}
        except OSError:
            raise damaged(path) from None
        yield data
        atomic_write(path, orjson.dumps(data, option=orjson.OPT_INDENT_2))


def side_file(name: str) -> None:
    """Register ``keys/<name>.json`` with the store: checked and backed up."""
    def check(store: Store, path: Path) -> str | None:
        if not path.exists():
            return None
        try:
            _parse(path, path.read_bytes())
        except (DomainError, OSError) as exc:
            return str(exc)
        return None

    Store.SIDE_FILES[relative(name)] = check
