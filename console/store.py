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
from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

import orjson
from tinydb import TinyDB
from tinydb.storages import MemoryStorage, Storage
from tinydb.table import Document, Table as _TinyTable

from console import clock, i18n
from console.i18n import DomainError

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
    except FileExistsError:
        return
    os.chmod(path, DIR_MODE)


def _dump(data: Any) -> bytes:
    return orjson.dumps(data)


def _load(raw: bytes, path: Path) -> dict:
    try:
        data = orjson.loads(raw) if raw.strip() else {}
    except orjson.JSONDecodeError:
        raise StoreError("store.corrupt", path=str(path)) from None
    if not isinstance(data, dict):
        raise StoreError("store.corrupt", path=str(path))
    return data


def atomic_write(path: Path, payload: bytes) -> None:
    """Replace ``path`` with ``payload`` so a crash leaves old or new, never half.

    The caller holds the file's lock. A full disk raises :class:`StoreError`
    and leaves the old file untouched.
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
            now = dt.datetime.now().timestamp()
            os.utime(fd, ns=(int(now * 1e9), int(now * 1e9)))
        finally:
            os.close(fd)
        os.replace(tmp, path)
        _fsync_dir(path.parent)
    except OSError as exc:
        with contextlib.suppress(OSError):
            tmp.unlink()
        if exc.errno in (errno.ENOSPC, errno.EDQUOT):
            raise StoreError("store.disk_full") from exc
        raise StoreError("store.write_failed", path=str(path), reason=exc.strerror or exc) from exc


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

    def read(self) -> dict | None:
        data = self.store._read(self.path)
        # TinyDB replaces table entries in the dict it reads; give it its own.
        return dict(data) if data else None

    def write(self, data: dict) -> None:
        self.store._write(self.path, data)


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
        with self.store._lock(self.path):
            self._t._next_id = None
            try:
                yield self._t
            finally:
                self._t._next_id = None

    def insert(self, document: Mapping) -> int:
        return self.insert_multiple([document])[0]

    def insert_multiple(self, documents: Iterable[Mapping]) -> list[int]:
        stamp = self.store.stamp()
        docs = [{**doc, **stamp} for doc in documents]
        with self._locked() as t:
            ids = t.insert_multiple(docs)
        self._audit("insert", [(i, None, d) for i, d in zip(ids, docs)])
        return ids

    def update(self, fields: Mapping | Callable[[dict], None], cond=None,
               doc_ids: Iterable[int] | None = None) -> list[int]:
        stamp = {"_upd_" + k[1:]: v for k, v in self.store.stamp().items()}

        def apply(doc: dict) -> None:
            if callable(fields):
                fields(doc)
            else:
                doc.update(fields)
            doc.update(stamp)

        with self._locked(changing=True) as t:
            before = {d.doc_id: dict(d) for d in self._matching(cond, doc_ids)}
            ids = t.update(apply, doc_ids=list(before)) if before else []
            after = {d.doc_id: dict(d) for d in t.get(doc_ids=ids)} if ids else {}
        self._audit("update", [(i, before[i], after[i]) for i in ids])
        return ids

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
        self._audit("remove", [(i, before[i], None) for i in ids])
        return ids

    def _matching(self, cond, doc_ids) -> list[Document]:
        if doc_ids is not None:
            return self._t.get(doc_ids=list(doc_ids))
        if cond is None:
            raise ValueError("give cond or doc_ids")
        return self._t.search(cond)

    def _audit(self, op: str, changes: list[tuple[int, dict | None, dict | None]]) -> None:
        if self.audited and changes:
            self.store._audit(self.path, self.name, op, changes)


class Transaction:
    """Several tables (in one or more files) changed together.

    Files are locked in a fixed (sorted) order and written only when the
    ``with`` block ends without an exception; otherwise nothing changes.
    Tables in the same file are written in one atomic replace.
    """

    def __init__(self, store: Store, paths: dict[tuple[str, str | None], Path]):
        self.store = store
        self.paths = paths
        self._staged: dict[Path, _StagedStorage] = {}
        self._before: dict[Path, dict] = {}

    def _open(self) -> None:
        for path in sorted(set(self.paths.values())):
            raw = self.store._read(path)
            self._before[path] = raw
            # a deep copy: an aborted transaction must leave the cache intact
            self._staged[path] = _StagedStorage(orjson.loads(_dump(raw)))

    def table(self, name: str, day: str | bool | None = None) -> _TinyTable:
        """The named table inside this transaction (TinyDB Table API)."""
        key = (name, self.store._day(day))
        if key not in self.paths:
            raise KeyError(f"{name} was not locked by this transaction")
        storage = self._staged[self.paths[key]]
        stamp = self.store.stamp()
        table = _StampingTable(storage, name, cache_size=0)
        table.stamp = stamp
        return table

    def next_number(self, counter: str, name: str | None = None) -> int:
        """Next value of a human-facing counter, kept in the same file as
        ``name`` (default: the first table of this transaction)."""
        key = next(iter(self.paths)) if name is None else (name, None)
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
        audit = []
        for path, data in changed.items():
            before = self._before[path]
            for name in sorted((set(before) | set(data)) - {"_counters"}):
                old, new = before.get(name, {}), data.get(name, {})
                rows = {"insert": [], "update": [], "remove": []}
                for key in sorted(set(old) | set(new), key=int):
                    if old.get(key) != new.get(key):
                        op = "insert" if key not in old else "remove" if key not in new else "update"
                        rows[op].append((int(key), old.get(key), new.get(key)))
                if name in self.store.APPEND_ONLY and (rows["update"] or rows["remove"]):
                    raise StoreError("store.append_only", name=name)
                audit += [(path, name, op, sel) for op, sel in rows.items() if sel]
        for path, data in changed.items():
            self.store._write(path, data)
        for path, name, op, sel in audit:
            if name != "audit":
                self.store._audit(path, name, op, sel)


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
        self._cache: OrderedDict[Path, tuple[tuple, dict]] = OrderedDict()
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
            paths[(name, self._day(day))] = self.path_of(name, day)
        tx = Transaction(self, paths)
        with contextlib.ExitStack() as stack:
            for path in sorted(set(paths.values())):
                stack.enter_context(self._lock(path))
            tx._open()
            yield tx
            tx._commit()

    # -- stamping and audit --
    def stamp(self) -> dict[str, Any]:
        """Who and when, for a record: operator, role, Unix account, terminal."""
        return {"_at": clock.stamp(), "_by": {**self.actor, **self.identity}}

    def _audit(self, path: Path, table: str, op: str,
               changes: list[tuple[int, dict | None, dict | None]]) -> None:
        rel = str(path.relative_to(self.root))
        entries = [{"file": rel, "table": table, "op": op, "id": i, "before": b, "after": a}
                   for i, b, a in changes]
        self.table("audit", day=True).insert_multiple(entries)

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
        ident = _identity(path)
        if ident is None:
            return {}
        with self._cache_lock:
            hit = self._cache.get(path)
            if hit and hit[0] == ident:
                self._cache.move_to_end(path)
                return hit[1]
        try:
            with open(path, "rb") as fh:
                ident = os.fstat(fh.fileno())
                raw = fh.read()
        except FileNotFoundError:
            return {}
        data = _load(raw, path)
        self._remember(path, (ident.st_dev, ident.st_ino, ident.st_mtime_ns, ident.st_size), data)
        return data

    def _write(self, path: Path, data: dict) -> None:
        """Atomically replace ``path``; the caller holds its lock."""
        _mkdir(path.parent)
        try:
            atomic_write(path, _dump(data))
        except BaseException:
            with self._cache_lock:
                self._cache.pop(path, None)
            raise
        ident = _identity(path)
        if ident:
            self._remember(path, ident, data)

    def _remember(self, path: Path, ident: tuple, data: dict) -> None:
        with self._cache_lock:
            self._cache[path] = (ident, data)
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
