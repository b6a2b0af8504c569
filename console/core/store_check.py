"""Checkpoints, snapshots and the audit trail's read side, for console/core/store.py.

* :func:`checkpoint` folds the journal tail into checkpoint files.
* :func:`snapshot` makes a real copy (checkpoints, journal up to a seq,
  side files such as the pass key file) that is itself a data directory.
* :func:`history` reads the journal as the audit trail.
* :func:`replay` rebuilds tables from the journal alone.

Integrity checking and repair are in console/core/store_repair.py.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import orjson

from console.core import clock
from console.core import store_checkpoint as ckpt
from console.core.store_files import FILE_MODE, StoreError, copy_file, mkdir, write_error
from console.core.store_journal import Journal
from console.core.store_tables import Rows

if TYPE_CHECKING:
    from console.core.store import Store

SNAPSHOTS = "snapshots"


@contextlib.contextmanager
def side_lock(store: Store, name: str, wait: bool = True) -> Iterator[bool]:
    """flock on ``<name>.lock`` in the data directory (checkpointers, check,
    redact take ``checkpoint``); yields False if busy and not ``wait``."""
    path = store.root / f"{name}.lock"
    try:
        fd = os.open(path, os.O_RDWR | os.O_CREAT, FILE_MODE)
        with contextlib.suppress(PermissionError):
            os.fchmod(fd, FILE_MODE)
    except OSError as exc:
        raise write_error(path, exc) from exc
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
        except BlockingIOError:
            yield False
            return
        yield True
    finally:
        os.close(fd)


def checkpoint(store: Store, wait: bool = False) -> bool:
    with side_lock(store, "checkpoint", wait) as got:
        if not got:
            return False
        write_checkpoints(store)
        return True


def write_checkpoints(store: Store) -> None:
    """Write a checkpoint of every table changed since the last one, then the
    manifest. The caller holds the checkpoint lock."""
    store._catch_up()
    with store._mutex:
        store._rebase()
        pos = store._pos
        if pos.seq == store._base.seq and store._manifest.get("seq") == pos.seq:
            return
        snaps = {}
        for key in list(store._tail):
            rows = store._rows(key, fresh=False)
            snaps[key] = Rows(dict(rows.docs), rows.high, pos.seq)
        tables = dict(store._manifest["tables"])
    mkdir(store.tables_dir)
    for key, rows in snaps.items():
        mkdir(ckpt.path_of(store.tables_dir, key).parent)
        tables[key] = ckpt.write(store.tables_dir, key, rows)
    ckpt.write_manifest(store.tables_dir, pos, tables)
    with store._mutex:
        store._rebase()


def replay(journal: Journal, upto: int | None = None, keys: set[str] | None = None
           ) -> tuple[dict[str, Rows], int]:
    """Tables rebuilt from the journal alone (only ``keys`` if given), as of
    seq ``upto`` (default: the end); (tables, last seq). Lines marked lost
    contribute nothing."""
    tables: dict[str, Rows] = {}
    seq = 0
    for line in journal.lines(upto):
        seq = line["seq"]
        for change in line["changes"]:
            key = change["table"] if "day" not in change else f"{change['table']}/{change['day']}"
            if keys is None or key in keys:
                tables.setdefault(key, Rows()).apply(change)
    for rows in tables.values():
        rows.seq = seq
    return tables, seq


def snapshot(store: Store, keep: int = 48, dest: Path | None = None) -> Path:
    """Copy the checkpoints, the journal up to now and the side files into
    ``dest`` (default ``snapshots/<time>/``): real copies, never links."""
    if dest is None:
        name = clock.now().strftime("%Y%m%d-%H%M%S") + f"-{os.getpid()}"
        dest = store.root / SNAPSHOTS / name
    with side_lock(store, "checkpoint"):
        write_checkpoints(store)
        with store.journal.locked():
            store._catch_up(writing=True)
            pos = store._pos
        mkdir(dest)
        for path in sorted(store.tables_dir.rglob("*.json")) if store.tables_dir.is_dir() else []:
            if not path.name.startswith("."):
                copy_file(path, dest / path.relative_to(store.root))
        for seg in store.journal.segments():
            copy_file(store.journal.dir / seg, dest / "journal" / seg,
                      pos.offset if seg == pos.segment else None)
            if seg == pos.segment:
                break
        for rel in store.SIDE_FILES:
            if (store.root / rel).is_file():
                copy_file(store.root / rel, dest / rel)
    if dest.parent == store.root / SNAPSHOTS:
        for old in store.snapshots()[:-keep]:
            shutil.rmtree(old, ignore_errors=True)
    return dest


# -- the audit trail ------------------------------------------------------------

def _raw_lines(journal: Journal) -> Iterator[bytes]:
    for seg in journal.segments():
        try:
            data = (journal.dir / seg).read_bytes()
        except FileNotFoundError:
            continue
        start = 0
        while (end := data.find(b"\n", start)) >= 0:
            yield data[start:end]
            start = end + 1


def _day_of(raw: bytes) -> str:
    at = raw.find(b'"at":"')
    return raw[at + 6:at + 16].decode("ascii", "replace") if at >= 0 else ""


def history_days(store: Store) -> list[str]:
    days = {_day_of(raw) for raw in _raw_lines(store.journal)}
    return sorted(d for d in days if d)


def history(store: Store, day: str | None = None) -> list[dict]:
    out = []
    for raw in _raw_lines(store.journal):
        if day is not None and _day_of(raw) != day:
            continue
        try:
            line = orjson.loads(raw)
        except orjson.JSONDecodeError:
            continue
        for change in line.get("changes", ()):
            out.append({"seq": line["seq"], "at": line["at"], "by": line["by"], "day": None,
                        "before": None, **change})
    return out


def open_snapshot(path: Path) -> Store:
    """A snapshot (or backup) as a read-only-use Store."""
    from console.core.store import Store  # noqa: PLC0415

    if not (path / "journal").is_dir():
        raise StoreError("store.no_dir", path=str(path))
    return Store(path, create=False)
