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
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import orjson

from console.core import clock
from console.core import store_checkpoint as ckpt
from console.core.store_files import FILE_MODE, copy_file, mkdir, write_error
from console.core.store_journal import Journal
from console.core.store_tables import Rows, change_key

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
            key = change_key(change)
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


#: per segment path: (inode, bytes indexed, {day: [(start, end) of its lines]});
#: a segment only grows, so the index is extended with the new bytes only
_DAYS: dict[str, tuple[int, int, dict[str, list[tuple[int, int]]]]] = {}
_DAYS_LOCK = threading.Lock()


def _day_index(journal: Journal) -> list[tuple[Path, dict[str, list[tuple[int, int]]]]]:
    out = []
    for seg in journal.segments():
        path = journal.dir / seg
        try:
            with open(path, "rb") as fh:
                ino = os.fstat(fh.fileno()).st_ino
                with _DAYS_LOCK:
                    old_ino, done, index = _DAYS.get(str(path), (ino, 0, {}))
                if old_ino != ino:
                    done, index = 0, {}
                fh.seek(done)
                data = fh.read()
        except FileNotFoundError:
            continue
        if not data:
            out.append((path, index))
            continue
        index = {d: list(r) for d, r in index.items()}  # the cached one may be in use
        start = 0
        while (end := data.find(b"\n", start)) >= 0:
            index.setdefault(_day_of(data[start:end]), []).append((done + start, done + end))
            start = end + 1
        with _DAYS_LOCK:
            _DAYS[str(path)] = (ino, done + start, index)
        out.append((path, index))
    return out


def history_days(store: Store) -> list[str]:
    """Days with journal lines (an index kept per segment: no re-reading)."""
    days = {d for _, index in _day_index(store.journal) for d in index}
    return sorted(d for d in days if d)


def _lines_of(store: Store, day: str | None) -> Iterator[bytes]:
    if day is None:
        yield from _raw_lines(store.journal)
        return
    for path, index in _day_index(store.journal):
        spans = index.get(day)
        if spans:
            with open(path, "rb") as fh:
                fh.seek(spans[0][0])
                data = fh.read(spans[-1][1] - spans[0][0])
            base = spans[0][0]
            yield from (data[s - base:e - base] for s, e in spans)


def history(store: Store, day: str | None = None) -> list[dict]:
    out = []
    for raw in _lines_of(store, day):
        try:
            line = orjson.loads(raw)
        except orjson.JSONDecodeError:
            continue
        for change in line.get("changes", ()):
            out.append({"seq": line["seq"], "at": line["at"], "by": line["by"], "day": None,
                        "before": None, **change})
    return out
