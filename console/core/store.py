"""Safe multi-process TinyDB storage for many SSH sessions on one data directory.

Every volunteer's login is its own process on the same files, so plain TinyDB
(read, modify in memory, write later) loses acknowledged writes and a crash
mid-write can leave a file that no longer parses. This module keeps TinyDB's
Table API but:

* holds ``flock`` on a side file ``<file>.lock`` (plus a thread lock) across
  the whole read-modify-write; the kernel drops it when a process dies;
* writes a temp file in the same directory, fsyncs it, ``os.replace``\\ s it
  over the old one and fsyncs the directory, so a crash leaves the old file
  or the new one, never half of one;
* re-reads on every call, reusing the parsed data only while the file's
  (device, inode, mtime_ns, size) is unchanged; TinyDB's query cache is off
  and its cached next id is reset under the lock, so ids are allocated from
  fresh data;
* shards growing logs into one file per day (``checkpoint/2026-03-05.json``)
  and lets several tables share one file, so tables that must agree change
  in one write;
* stamps every inserted or updated record with who did it and when, and
  appends each change (before and after) to the day-sharded audit trail;
* uses orjson, UTF-8, group-shared permissions (0660 files, 2770 dirs);
* takes hard-link snapshots, checks every file at start-up, restores a bad
  one from the newest good snapshot and removes leftover temp files.

Public API::

    store = Store("data")
    log = store.table("checkpoint", day="2026-03-05")   # or day=True: today
    doc_id = log.insert({...})
    log.search(where("name") == "...")
    with store.transaction("stock", "stock_handouts") as tx:
        tx.table("stock").insert({...}); tx.next_number("movement")
"""

from __future__ import annotations

import contextlib
import datetime as dt
import errno
import fcntl
import getpass
import os
import re
import secrets
import shutil
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

import orjson
from tinydb import TinyDB
from tinydb.storages import MemoryStorage, Storage
from tinydb.table import Document, Table as _TinyTable

from console.core import clock, i18n
from console.core.i18n import DomainError

FILE_MODE = 0o660
DIR_MODE = 0o2770
SNAPSHOTS = "snapshots"
QUARANTINE = "damaged"
_TMP = re.compile(r"^\..+\.tmp\.\d+\.[0-9a-f]+$")
_SKIP_DIRS = {SNAPSHOTS, QUARANTINE, "slips", "exports"}

i18n.add({
    "store.disk_full": (
        "磁盘已满，刚才的操作没有保存，原有数据完好。请联系管理员清理磁盘。",
        "The disk is full: that change was not saved and the existing data is intact. "
        "Ask the admin to free disk space."),
    "store.write_failed": (
        "无法写入 {path}（{reason}），刚才的操作没有保存，原有数据完好。",
        "Could not write {path} ({reason}): that change was not saved; the existing data is intact."),
    "store.corrupt": (
        "数据文件 {path} 已损坏，无法读取。请运行 `python app.py check` 修复。",
        "The data file {path} is damaged and cannot be read. Run `python app.py check` to repair it."),
    "store.no_dir": (
        "数据目录 {path} 不存在。",
        "The data directory {path} does not exist."),
    "store.not_writable": (
        "数据目录 {path} 不可写（需要组内可写权限）。",
        "The data directory {path} is not writable (it must be group-writable)."),
    "store.bad_name": ("无效的表名：{name}", "Invalid table name: {name}"),
    "store.append_only": ("{name} 只能追加，不能修改或删除；请补记一条更正。",
                          "{name} is append-only: add a correcting entry instead of changing it."),
})


class StoreError(DomainError):
    """Storage failure (disk full, unreadable file, bad directory)."""


def session_identity() -> dict[str, str]:
    """Unix account and terminal or SSH client of this process."""
    try:
        unix = getpass.getuser()
    except (KeyError, OSError):
        unix = str(os.getuid())
    ssh = os.environ.get("SSH_CLIENT", "").split(" ")[0]
    try:
        tty = os.ttyname(0)
    except OSError:
        tty = ""
    return {"unix": unix, "tty": f"ssh:{ssh}" if ssh else tty or "local"}


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _identity(path: Path) -> tuple[int, int, int, int] | None:
    try:
        st = os.stat(path)
    except FileNotFoundError:
        return None
    return (st.st_dev, st.st_ino, st.st_mtime_ns, st.st_size)


def _mkdir(path: Path) -> None:
    """Create a group-shared directory (and parents) if missing."""
    if path.is_dir():
        return
    _mkdir(path.parent)
    try:
        path.mkdir()
        os.chmod(path, DIR_MODE)
    except FileExistsError:
        return
    except OSError as exc:
        raise _write_error(path, exc) from exc


def _dump(data: Any) -> bytes:
    return orjson.dumps(data)


def _load(raw: bytes, path: Path) -> dict:
    """Parse a data file. The store never writes an empty file (an empty
    table is ``{}``), so an empty or truncated file is damage, not "no data"."""
    try:
        data = orjson.loads(raw)
    except orjson.JSONDecodeError:
        raise StoreError("store.corrupt", path=str(path)) from None
    if not isinstance(data, dict):
        raise StoreError("store.corrupt", path=str(path))
    return data


def _write_error(path: Path, exc: OSError) -> StoreError:
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return StoreError("store.disk_full")
    return StoreError("store.write_failed", path=str(path), reason=exc.strerror or exc)


def _stage(path: Path, payload: bytes) -> Path:
    """Write ``payload`` to a fsynced temp file next to ``path``; return it.

    On any error the temp file is removed and a :class:`StoreError` raised.
    """
    tmp = path.parent / f".{path.name}.tmp.{os.getpid()}.{secrets.token_hex(4)}"
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE)
        try:
            os.fchmod(fd, FILE_MODE)
            view = memoryview(payload)
            while view:
                view = view[os.write(fd, view):]
            os.fsync(fd)
            # A fine-grained mtime keeps the (inode, mtime, size) identity
            # unique even when an inode number is reused within one tick.
            now = time.time_ns()
            os.utime(fd, ns=(now, now))
        finally:
            os.close(fd)
    except OSError as exc:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise _write_error(path, exc) from exc
    return tmp


def _install(staged: list[tuple[Path, Path]]) -> None:
    """``os.replace`` each staged temp file over its target, then fsync the
    directories. Only renames remain here, so a full disk cannot stop half way."""
    done = 0
    try:
        for tmp, path in staged:
            os.replace(tmp, path)
            done += 1
        for folder in sorted({path.parent for _, path in staged}):
            _fsync_dir(folder)
    except OSError as exc:
        for tmp, _ in staged[done:]:
            with contextlib.suppress(OSError):
                tmp.unlink()
        raise _write_error(staged[min(done, len(staged) - 1)][1], exc) from exc


def atomic_write_many(payloads: Mapping[Path, bytes], first: Path | None = None) -> None:
    """Replace several files so that a full disk or a write error changes none.

    Every temp file is written and fsynced before any is put in place; a crash
    leaves each file old or new, never half. ``first`` is put in place before
    the others. The caller holds every file's lock.
    """
    staged: list[tuple[Path, Path]] = []
    try:
        for path, payload in payloads.items():
            staged.append((_stage(path, payload), path))
    except BaseException:
        for tmp, _ in staged:
            with contextlib.suppress(OSError):
                tmp.unlink()
        raise
    _install(sorted(staged, key=lambda pair: pair[1] != first))


def atomic_write(path: Path, payload: bytes) -> None:
    """Replace ``path`` with ``payload`` so a crash leaves old or new, never half.

    The caller holds the file's lock. A full disk raises :class:`StoreError`
    and leaves the old file untouched.
    """
    atomic_write_many({path: payload})


class _FileLock:
    """flock on ``<file>.lock`` plus a per-path thread lock; re-entrant per thread."""

    _thread_locks: dict[Path, threading.RLock] = {}
    _guard = threading.Lock()

    def __init__(self, path: Path):
        self.path = path.with_name(path.name + ".lock")
        with self._guard:
            self.rlock = self._thread_locks.setdefault(self.path, threading.RLock())
        self.depth = 0
        self.fd: int | None = None

    def __enter__(self) -> _FileLock:
        self.rlock.acquire()
        if self.depth == 0:
            try:
                fd = os.open(self.path, os.O_RDWR | os.O_CREAT, FILE_MODE)
                with contextlib.suppress(PermissionError):  # another member's file
                    os.fchmod(fd, FILE_MODE)
            except OSError as exc:
                self.rlock.release()
                raise StoreError("store.write_failed", path=str(self.path),
                                 reason=exc.strerror or exc) from exc
            fcntl.flock(fd, fcntl.LOCK_EX)
            self.fd = fd
        self.depth += 1
        return self

    def read_hint(self) -> dict | None:
        """What the last appender recorded in the lock file (see Store._append)."""
        if self.fd is None:
            return None
        try:
            hint = orjson.loads(os.pread(self.fd, 4096, 0) or b"null")
        except (OSError, orjson.JSONDecodeError):
            return None
        return hint if isinstance(hint, dict) else None

    def write_hint(self, hint: dict) -> None:
        """Record a hint for the next writer; only a hint, so no fsync."""
        if self.fd is None:
            return
        raw = orjson.dumps(hint)
        with contextlib.suppress(OSError):
            os.pwrite(self.fd, raw, 0)
            os.ftruncate(self.fd, len(raw))

    def __exit__(self, *exc: object) -> None:
        self.depth -= 1
        if self.depth == 0 and self.fd is not None:
            fcntl.flock(self.fd, fcntl.LOCK_UN)
            os.close(self.fd)
            self.fd = None
        self.rlock.release()


class _FileStorage(Storage):
    """TinyDB storage over one JSON file: fresh reads cached by file identity."""

    def __init__(self, store: Store, path: Path):
        self.store = store
        self.path = path
        #: while a Table write holds the lock, TinyDB's write is captured here
        #: and committed together with its audit entries
        self.captured: list[dict] | None = None

    def read(self) -> dict | None:
        data = self.store._read(self.path)
        # TinyDB replaces table entries in the dict it reads; give it its own.
        return dict(data) if data else None

    def write(self, data: dict) -> None:
        if self.captured is not None:
            self.captured.append(data)
        else:
            self.store._commit({self.path: data})


class _StagedStorage(MemoryStorage):
    """In-memory copy of one file inside a transaction."""

    def __init__(self, data: dict):
        super().__init__()
        self.memory = data


class Table:
    """One TinyDB table in one file, safe across processes.

    Methods mirror ``tinydb.table.Table``: insert, insert_multiple, search,
    get, all, update, upsert, remove, count, contains, ``len()``. Writes lock
    the file for the whole read-modify-write, stamp the records
    (``_at``/``_by`` on insert, ``_upd_at``/``_upd_by`` on update) and append
    the change to the audit trail. Treat returned documents as read-only
    snapshots; change data only through these methods.
    """

    def __init__(self, store: Store, name: str, path: Path, audited: bool = True):
        self.store = store
        self.name = name
        self.path = path
        self.audited = audited
        self._t = store._tinydb(path).table(name, cache_size=0)

    # -- reads: no lock needed, files are only ever replaced whole --
    def all(self) -> list[Document]:
        return self._t.all()

    def search(self, cond) -> list[Document]:
        return self._t.search(cond)

    def get(self, cond=None, doc_id: int | None = None, doc_ids=None):
        return self._t.get(cond, doc_id=doc_id, doc_ids=doc_ids)

    def count(self, cond) -> int:
        return self._t.count(cond)

    def contains(self, cond=None, doc_id: int | None = None) -> bool:
        return self._t.contains(cond, doc_id=doc_id)

    def __len__(self) -> int:
        return len(self._t)

    def __iter__(self) -> Iterator[Document]:
        return iter(self._t)

    def version(self) -> tuple | None:
        """File identity; changes whenever any process writes this file."""
        return _identity(self.path)

    # -- writes --
    @contextlib.contextmanager
    def _locked(self, changing: bool = False) -> Iterator[_TinyTable]:
        if changing and self.name in self.store.APPEND_ONLY:
            raise StoreError("store.append_only", name=self.name)
        storage: _FileStorage = self._t._storage
        with self.store._lock(self.path):
            self._t._next_id = None
            outer = storage.captured
            storage.captured = []
            try:
                yield self._t
            finally:
                storage.captured = outer
                self._t._next_id = None

    def _commit(self, op: str, changes: list[tuple[int, dict | None, dict | None]]) -> None:
        """Write what TinyDB produced, plus its audit entries, in one commit."""
        storage: _FileStorage = self._t._storage
        if storage.captured:
            entries = self.store._audit_entries(self.path, self.name, op, changes) if self.audited else []
            self.store._commit({self.path: storage.captured[-1]}, entries)

    def insert(self, document: Mapping) -> int:
        return self.insert_multiple([document])[0]

    def insert_multiple(self, documents: Iterable[Mapping]) -> list[int]:
        stamp = self.store.stamp()
        # a deep copy (the caller may reuse its dicts), checked serialisable
        # before anything is locked or written
        docs = _copy([{**doc, **stamp} for doc in documents])
        if not docs:
            return []
        with self._locked():
            # TinyDB's own insert converts the whole table twice and scans
            # every id in Python; at a few thousand records that was most of
            # the cost of an insert, so append to the fresh data directly
            data, payload, ids, hint = self.store._append(self.path, self.name, docs)
            entries = (self.store._audit_entries(self.path, self.name, "insert",
                                                 [(i, None, d) for i, d in zip(ids, docs)])
                       if self.audited else [])
            self.store._commit({self.path: data}, entries,
                               {self.path: payload} if payload else {}, hint)
        return ids

    def update(self, fields: Mapping | Callable[[dict], None], cond=None,
               doc_ids: Iterable[int] | None = None) -> list[int]:
        stamp = {"_upd_" + k[1:]: v for k, v in self.store.stamp().items()}
        with self._locked(changing=True) as t:
            before = {d.doc_id: _copy(d) for d in self._matching(cond, doc_ids)}
            after = {}
            for i, doc in before.items():
                # work on a copy: the cached (shared) document must not change
                # before the write succeeds, nor leak into the audit's "before"
                doc = _copy(doc)
                if callable(fields):
                    fields(doc)
                else:
                    doc.update(fields)
                doc.update(stamp)
                after[i] = doc

            def apply(table: dict) -> None:
                table.update(after)

            if after:
                t._update_table(apply)
                self._commit("update", [(i, before[i], after[i]) for i in after])
        return list(after)

    def upsert(self, document: Mapping, cond) -> list[int]:
        """Update the records matching cond, or insert document if none do."""
        with self._locked():
            if self._t.contains(cond):
                return self.update(document, cond)
            return [self.insert(document)]

    def remove(self, cond=None, doc_ids: Iterable[int] | None = None) -> list[int]:
        with self._locked(changing=True) as t:
            before = {d.doc_id: dict(d) for d in self._matching(cond, doc_ids)}
            ids = t.remove(doc_ids=list(before)) if before else []
            self._commit("remove", [(i, before[i], None) for i in ids])
        return ids

    def _matching(self, cond, doc_ids) -> list[Document]:
        if doc_ids is not None:
            return self._t.get(doc_ids=list(doc_ids))
        if cond is None:
            raise ValueError("give cond or doc_ids")
        return self._t.search(cond)



def _copy(doc: Any) -> Any:
    """A deep copy of a JSON document."""
    return orjson.loads(orjson.dumps(doc))


def _appended(data: dict, name: str, docs: list[dict],
              raw: bytes | None = None) -> tuple[dict, list[int], bytes | None]:
    """``data`` with ``docs`` added to table ``name`` under new ids (TinyDB's
    rule: highest id + 1), those ids, and, if ``raw`` (the bytes ``data`` was
    parsed from or written as) allows, the new file's bytes; ``data`` itself
    is not changed."""
    table = data.get(name, {})
    known = _HIGHEST.get(id(table))
    if known is not None and known[0] is table:
        highest = known[1]
    else:
        highest = max(map(int, table), default=0)
    ids = list(range(highest + 1, highest + 1 + len(docs)))
    new = dict(table)
    new.update(zip(map(str, ids), docs))
    # remember the new table's highest id: cached tables are never changed in
    # place, so the next append to the same (unchanged) table can skip the scan
    _HIGHEST[id(new)] = (new, ids[-1] if ids else highest)
    with _HIGHEST_LOCK:
        while len(_HIGHEST) > 64:
            _HIGHEST.pop(next(iter(_HIGHEST)), None)
    return {**data, name: new}, ids, _spliced(raw, data, name, ids, docs)


_HIGHEST: dict[int, tuple[dict, int]] = {}
_HIGHEST_LOCK = threading.Lock()


def _spliced(raw: bytes | None, data: dict, name: str, ids: list[int], docs: list[dict]) -> bytes | None:
    """Bytes of ``data`` plus ``docs`` appended to table ``name``, made by
    splicing the new records into ``raw`` instead of serialising the whole
    file again (the biggest cost of an append to a day file). Only when it is
    exactly what orjson would write: ``name`` is the last, non-empty table and
    ``raw`` ends with the closing braces of that table and of the file.
    Otherwise None (serialise normally)."""
    if (raw is None or not docs or not data.get(name) or next(reversed(data)) != name
            or raw[-2:] != b"}}"):
        return None
    tail = b",".join(b'"%d":%s' % (i, orjson.dumps(d)) for i, d in zip(ids, docs))
    return b"".join((raw[:-2], b",", tail, b"}}"))


class Transaction:
    """Several tables (in one or more files) changed together.

    Files are locked in a fixed (sorted) order and written only when the
    ``with`` block ends without an exception; otherwise nothing changes.
    Tables in the same file are written in one atomic replace; all files and
    the audit entries are staged (written and fsynced) before any is put in
    place, so a full disk changes none of them. A crash (kill -9, power) in
    the moment between the renames can leave one file new and another old:
    tables that must agree even then belong in ONE file (:meth:`Store.share_file`).
    The audit file is renamed first, so a change never lacks its entry.
    """

    def __init__(self, store: Store, paths: dict[tuple[str, str | None], Path]):
        self.store = store
        self.paths = paths
        self._staged: dict[Path, _StagedStorage] = {}
        self._before: dict[Path, dict] = {}
        self._tables: dict[tuple[str, str | None], _StampingTable] = {}

    def _key(self, name: str, day: str | bool | None) -> tuple[str, str | None]:
        key = (name, self.store._day(day))
        if key not in self.paths and day is None:
            # a sharded table locked for one day: its name alone is enough
            matches = [k for k in self.paths if k[0] == name]
            if len(matches) == 1:
                key = matches[0]
        if key not in self.paths:
            raise KeyError(f"{name} was not locked by this transaction")
        return key

    def _open(self) -> None:
        for path in sorted(set(self.paths.values())):
            raw = self.store._read(path)
            self._before[path] = raw
            # a deep copy: an aborted transaction must leave the cache intact
            self._staged[path] = _StagedStorage(orjson.loads(_dump(raw)))

    def table(self, name: str, day: str | bool | None = None) -> _TinyTable:
        """The named table inside this transaction (TinyDB Table API).

        Every call for one table returns the same handle, so ids stay unique
        however the handles are mixed."""
        key = self._key(name, day)
        table = self._tables.get(key)
        if table is None:
            table = _StampingTable(self._staged[self.paths[key]], name, cache_size=0)
            table.stamp = self.store.stamp()
            self._tables[key] = table
        return table

    def next_number(self, counter: str, name: str | None = None) -> int:
        """Next value of a human-facing counter, kept in the same file as
        ``name`` (default: the first table of this transaction)."""
        key = next(iter(self.paths)) if name is None else self._key(name, None)
        t = _TinyTable(self._staged[self.paths[key]], "_counters", cache_size=0)
        row = t.get(doc_id=1) or {}
        value = int(row.get(counter, 0)) + 1
        if row:
            t.update({counter: value}, doc_ids=[1])
        else:
            t.insert({counter: value})
        return value

    def _commit(self) -> None:
        changed = {p: s.memory for p, s in self._staged.items() if s.memory != self._before[p]}
        entries: list[dict] = []
        for path, data in changed.items():
            before = self._before[path]
            for name in sorted(set(before) | set(data)):
                if name == "_counters":
                    continue
                old, new = before.get(name, {}), data.get(name, {})
                rows = []
                for key in sorted(set(old) | set(new), key=int):
                    if old.get(key) != new.get(key):
                        op = "insert" if key not in old else "remove" if key not in new else "update"
                        rows.append((int(key), old.get(key), new.get(key), op))
                if name in self.store.APPEND_ONLY and any(o != "insert" for *_, o in rows):
                    raise StoreError("store.append_only", name=name)
                for op in ("insert", "update", "remove"):
                    sel = [(i, b, a) for i, b, a, o in rows if o == op]
                    if sel and name != "audit":
                        entries += self.store._audit_entries(path, name, op, sel)
        if changed:
            self.store._commit(changed, entries)


class _StampingTable(_TinyTable):
    """TinyDB table inside a transaction that stamps inserts and updates."""

    stamp: dict = {}

    def insert(self, document: Mapping) -> int:
        return super().insert({**document, **self.stamp})

    def insert_multiple(self, documents: Iterable[Mapping]) -> list[int]:
        return super().insert_multiple([{**d, **self.stamp} for d in documents])

    def update(self, fields, cond=None, doc_ids=None) -> list[int]:
        upd = {"_upd_" + k[1:]: v for k, v in self.stamp.items()}

        def apply(doc: dict) -> None:
            if callable(fields):
                fields(doc)
            else:
                doc.update(fields)
            doc.update(upd)

        return super().update(apply, cond=cond, doc_ids=doc_ids)


class _Entry:
    """A cached file: identity, bytes, parsed data (parsed lazily), and for
    files last written by an append, which table is last and its highest id."""

    __slots__ = ("ident", "raw", "data", "last", "high")

    def __init__(self, ident: tuple, raw: bytes, data: dict | None = None,
                 last: str | None = None, high: int | None = None):
        self.ident, self.raw, self.data, self.last, self.high = ident, raw, data, last, high


class Store:
    """A data directory of TinyDB files shared safely by many processes.

    ``Store(path)`` opens (and creates, if ``create``) the directory.
    ``store.actor`` is the signed-in operator's name and role; together with
    the Unix account and terminal it stamps every record and audit entry.
    """

    #: tables sharded into one file per day
    DAILY = {"checkpoint", "scans", "audit"}
    #: tables whose records are never changed or removed (corrections are new records)
    APPEND_ONLY = {"audit"}
    #: tables kept in another table's file so they change in one write
    FILES: dict[str, str] = {}
    CACHE_FILES = 256

    def __init__(self, path: str | os.PathLike, create: bool = True):
        self.root = Path(path).absolute()
        if not self.root.is_dir():
            if not create or not self.root.parent.is_dir():
                raise StoreError("store.no_dir", path=str(self.root))
            _mkdir(self.root)
        if not os.access(self.root, os.W_OK | os.X_OK):
            raise StoreError("store.not_writable", path=str(self.root))
        self.actor: dict[str, str] = {"op": "", "role": ""}
        self.identity = session_identity()
        self._cache: OrderedDict[Path, _Entry] = OrderedDict()
        self._cache_lock = threading.Lock()
        self._dbs: dict[Path, TinyDB] = {}
        self._locks: dict[Path, _FileLock] = {}

    # -- naming --
    @classmethod
    def share_file(cls, name: str, with_table: str) -> None:
        """Keep table ``name`` in ``with_table``'s file (one atomic write)."""
        cls.FILES[name] = with_table

    def _day(self, day: str | bool | dt.date | None) -> str | None:
        if day is True:
            return clock.today().isoformat()
        if isinstance(day, dt.date):
            return day.isoformat()
        return day or None

    def path_of(self, name: str, day: str | bool | dt.date | None = None) -> Path:
        """The file holding table ``name`` (for ``day``, if sharded)."""
        if not re.fullmatch(r"[a-z][a-z0-9_]*", name):
            raise StoreError("store.bad_name", name=name)
        file = self.FILES.get(name, name)
        day = self._day(day)
        if file in self.DAILY or day:
            if not day or not re.fullmatch(r"\d{4}-\d\d-\d\d", day):
                raise StoreError("store.bad_name", name=f"{name}/{day}")
            return self.root / file / f"{day}.json"
        return self.root / f"{file}.json"

    def table(self, name: str, day: str | bool | dt.date | None = None) -> Table:
        """Table ``name``; sharded tables need ``day`` ('YYYY-MM-DD' or True)."""
        if name in self.DAILY and day is None:
            day = True
        return Table(self, name, self.path_of(name, day), audited=name != "audit")

    def days(self, name: str) -> list[str]:
        """Days that have a file for a sharded table, oldest first."""
        folder = self.root / self.FILES.get(name, name)
        if not folder.is_dir():
            return []
        return sorted(p.stem for p in folder.glob("*.json") if not p.name.startswith("."))

    def version(self, name: str, day: str | bool | None = None) -> tuple | None:
        """File identity of a table: poll it to notice other sessions' writes."""
        return _identity(self.path_of(name, day if day is not None or name not in self.DAILY else True))

    @contextlib.contextmanager
    def transaction(self, *tables: str | tuple[str, str | bool | None]) -> Iterator[Transaction]:
        """Lock the files of ``tables`` (names or (name, day)) in a fixed order,
        yield a :class:`Transaction`, write everything when the block ends."""
        paths: dict[tuple[str, str | None], Path] = {}
        for spec in tables:
            name, day = spec if isinstance(spec, tuple) else (spec, None)
            if day is None and self.FILES.get(name, name) in self.DAILY:
                day = True
            paths[(name, self._day(day))] = self.path_of(name, day)
        tx = Transaction(self, paths)
        with contextlib.ExitStack() as stack:
            for path in sorted(set(paths.values()), key=self._lock_order):
                stack.enter_context(self._lock(path))
            tx._open()
            yield tx
            tx._commit()

    # -- stamping and audit --
    def stamp(self) -> dict[str, Any]:
        """Who and when, for a record: operator, role, Unix account, terminal."""
        return {"_at": clock.stamp(), "_by": {**self.actor, **self.identity}}

    def _audit_entries(self, path: Path, table: str, op: str,
                       changes: list[tuple[int, dict | None, dict | None]]) -> list[dict]:
        rel = str(path.relative_to(self.root))
        return [{"file": rel, "table": table, "op": op, "id": i, "before": b, "after": a}
                for i, b, a in changes]

    def _lock_order(self, path: Path) -> tuple[bool, Path]:
        """Files are locked sorted, the audit trail always last: a writer
        holding the audit lock never waits for another lock, so no deadlock."""
        return (path.parent == self.root / "audit", path)

    def _commit(self, writes: dict[Path, dict | None], audit: list[dict] | None = None,
                payloads: Mapping[Path, bytes] = {},
                hints: Mapping[Path, tuple[str, int]] = {}) -> None:
        """Write ``writes`` (whose locks the caller holds) and append ``audit``
        entries to today's audit trail, all or nothing (see atomic_write_many).
        ``payloads``: bytes already serialised for some of ``writes`` (their
        data may then be None); ``hints``: (last table, highest id) of files
        written by an append."""
        if not audit:
            self._write_many(writes, payloads=payloads, hints=hints)
            return
        apath = self.path_of("audit", True)
        with self._lock(apath):
            stamp = self.stamp()
            trail, payload, _, hint = self._append(apath, "audit", [{**e, **stamp} for e in audit],
                                                   base=writes.get(apath))
            payloads = {**payloads, apath: payload} if payload else payloads
            # the audit file goes in place first: a crash between the renames
            # leaves at worst an entry for an unacknowledged change, never a
            # change without its entry
            self._write_many({**writes, apath: trail}, first=apath, payloads=payloads,
                             hints={**hints, **hint})

    def _append(self, path: Path, name: str, docs: list[dict], base: dict | None = None
                ) -> tuple[dict | None, bytes | None, list[int], dict[Path, tuple[str, int]]]:
        """New content of ``path`` (locked by the caller) with ``docs`` added
        to table ``name``: (data or None, bytes or None, new ids, hint).

        When the file is unchanged since an append recorded (in the lock
        file) its identity, last table and highest id, the new records are
        spliced onto its bytes without parsing it: under contention every
        writer would otherwise re-parse the day file and the audit day, the
        biggest cost of an insert. Otherwise the file is parsed as usual.
        """
        if base is None:
            entry = self._entry(path, parse=False, hint=self._lock(path).read_hint())
            if (entry is not None and entry.last == name and entry.high
                    and entry.raw[-2:] == b"}}"):
                ids = list(range(entry.high + 1, entry.high + 1 + len(docs)))
                tail = b",".join(b'"%d":%s' % (i, orjson.dumps(d)) for i, d in zip(ids, docs))
                payload = b"".join((entry.raw[:-2], b",", tail, b"}}"))
                return None, payload, ids, {path: (name, ids[-1])}
            base, raw = (self._parsed(entry, path), entry.raw) if entry else ({}, None)
        else:
            raw = None
        data, ids, payload = _appended(base, name, docs, raw)
        hint = {path: (name, ids[-1])} if ids and next(reversed(data)) == name else {}
        return data, payload, ids, hint

    # -- file I/O --
    def _lock(self, path: Path) -> _FileLock:
        lock = self._locks.get(path)
        if lock is None:
            _mkdir(path.parent)
            lock = self._locks.setdefault(path, _FileLock(path))
        return lock

    def _tinydb(self, path: Path) -> TinyDB:
        db = self._dbs.get(path)
        if db is None:
            db = self._dbs.setdefault(path, TinyDB(storage=_FileStorage, store=self, path=path))
        return db

    def _read(self, path: Path) -> dict:
        """Parsed content of ``path``, re-parsed only when the file changed."""
        entry = self._entry(path)
        return entry.data if entry is not None else {}

    def _entry(self, path: Path, parse: bool = True, hint: dict | None = None) -> _Entry | None:
        """The cached file (None if there is no file), re-read only when its
        identity changed; parsed unless ``parse`` is False. ``hint`` (from the
        lock file) is trusted only if it names the file's current identity."""
        ident = _identity(path)
        if ident is None:
            return None
        with self._cache_lock:
            entry = self._cache.get(path)
            if entry is not None and entry.ident == ident:
                self._cache.move_to_end(path)
            else:
                entry = None
        if entry is None:
            try:
                with open(path, "rb") as fh:
                    st = os.fstat(fh.fileno())
                    raw = fh.read()
            except FileNotFoundError:
                return None
            entry = _Entry((st.st_dev, st.st_ino, st.st_mtime_ns, st.st_size), raw)
            self._remember(path, entry)
        if hint and entry.last is None and hint.get("ident") == list(entry.ident):
            entry.last, entry.high = hint.get("last"), hint.get("high")
        if parse:
            self._parsed(entry, path)
        return entry

    def _parsed(self, entry: _Entry, path: Path) -> dict:
        if entry.data is None:
            entry.data = _load(entry.raw, path)
        return entry.data

    def _write(self, path: Path, data: dict) -> None:
        """Atomically replace ``path``; the caller holds its lock."""
        self._write_many({path: data})

    def _write_many(self, writes: dict[Path, dict | None], first: Path | None = None,
                    payloads: Mapping[Path, bytes] = {},
                    hints: Mapping[Path, tuple[str, int]] = {}) -> None:
        """Atomically replace every file in ``writes`` (all or nothing on
        errors); the caller holds their locks. ``payloads`` gives bytes
        already serialised for some of them. The cache learns the new data
        only once it is on disk; appended files leave a hint in their lock
        file for the next writer."""
        try:
            for path in writes:
                _mkdir(path.parent)
            raw = {path: payloads.get(path) or _dump(data) for path, data in writes.items()}
            atomic_write_many(raw, first)
        except BaseException:
            with self._cache_lock:
                for path in writes:
                    self._cache.pop(path, None)
            raise
        for path, data in writes.items():
            ident = _identity(path)
            if not ident:
                continue
            entry = _Entry(ident, raw[path], data)
            if path in hints:
                entry.last, entry.high = hints[path]
                self._lock(path).write_hint({"ident": ident, "last": entry.last, "high": entry.high})
            self._remember(path, entry)

    def _remember(self, path: Path, entry: _Entry) -> None:
        with self._cache_lock:
            self._cache[path] = entry
            self._cache.move_to_end(path)
            while len(self._cache) > self.CACHE_FILES:
                self._cache.popitem(last=False)

    # -- snapshots, integrity, cleanup --
    def data_files(self) -> list[Path]:
        """Every data file, skipping snapshots, quarantined files and slips."""
        out = []
        for dirpath, dirnames, filenames in os.walk(self.root):
            if Path(dirpath) == self.root:
                dirnames[:] = [d for d in dirnames if d not in _SKIP_DIRS]
            out += [Path(dirpath) / f for f in filenames
                    if f.endswith(".json") and not f.startswith(".")]
        return sorted(out)

    def snapshot(self, keep: int = 48) -> Path:
        """Hard-link every data file into ``snapshots/<time>/``, each under its
        lock (files are replaced, never changed in place, so a link is a
        frozen copy). Keeps the newest ``keep`` snapshots."""
        name = clock.now().strftime("%Y%m%d-%H%M%S") + f"-{os.getpid()}"
        dest = self.root / SNAPSHOTS / name
        for path in self.data_files():
            target = dest / path.relative_to(self.root)
            _mkdir(target.parent)
            with self._lock(path):
                with contextlib.suppress(FileNotFoundError):
                    os.link(path, target)
        _mkdir(dest)
        for old in self.snapshots()[:-keep]:
            shutil.rmtree(old, ignore_errors=True)
        return dest

    def snapshots(self) -> list[Path]:
        """Snapshot folders, oldest first."""
        folder = self.root / SNAPSHOTS
        return sorted(p for p in folder.iterdir() if p.is_dir()) if folder.is_dir() else []

    def check(self, repair: bool = True) -> list[dict[str, str]]:
        """Parse every data file; remove leftover temp files.

        A file that does not parse is reported and, if ``repair``, moved to
        ``damaged/`` (kept, never deleted) and replaced by its newest
        parseable snapshot copy. Returns one dict per problem:
        ``{"file", "problem": "damaged", "action": "restored"|"none", "from"}``.
        """
        self._remove_temp_files()
        problems = []
        for path in self.data_files():
            try:
                _load(path.read_bytes(), path)
                continue
            except FileNotFoundError:
                continue
            except StoreError:
                pass
            rel = path.relative_to(self.root)
            problem = {"file": str(rel), "problem": "damaged", "action": "none", "from": ""}
            if repair:
                with self._lock(path):
                    good = self._good_copy(rel)
                    if good is not None:
                        keep = self.root / QUARANTINE / f"{rel}.{clock.now():%Y%m%d-%H%M%S}"
                        _mkdir(keep.parent)
                        os.replace(path, keep)
                        atomic_write(path, good.read_bytes())
                        problem.update({"action": "restored",
                                        "from": str(good.relative_to(self.root)),
                                        "kept": str(keep.relative_to(self.root))})
                        with self._cache_lock:
                            self._cache.pop(path, None)
            problems.append(problem)
        return problems

    def _good_copy(self, rel: Path) -> Path | None:
        for snap in reversed(self.snapshots()):
            copy = snap / rel
            if copy.is_file():
                try:
                    _load(copy.read_bytes(), copy)
                    return copy
                except StoreError:
                    continue
        return None

    def _remove_temp_files(self) -> None:
        for dirpath, dirnames, filenames in os.walk(self.root):
            if Path(dirpath) == self.root:
                dirnames[:] = [d for d in dirnames if d != SNAPSHOTS]
            for f in filenames:
                if _TMP.match(f):
                    data_file = Path(dirpath) / f[1:f.index(".tmp.")]
                    # writers hold the lock while their temp file exists
                    with self._lock(data_file):
                        with contextlib.suppress(FileNotFoundError):
                            (Path(dirpath) / f).unlink()
