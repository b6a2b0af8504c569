"""A journaled TinyDB store shared safely by many SSH sessions on one data
directory (version 0.2; design like SQLite's WAL mode).

* One append-only journal (``journal/*.jsonl``, see console/core/store_journal.py):
  one line per committed transaction with who, when and every change
  (before and after). It is the audit trail.
* Writers take one flock (``journal.lock``) for the whole directory, catch
  up on lines other processes appended, run the change on the fresh
  in-memory tables (ids and counters are allocated there, rules checked
  there), append one line, apply it, unlock, fsync (after the unlock, so
  desks committing together share one flush); the call returns, and the
  transaction counts as acknowledged, only once the fsync did. A crash
  leaves the transaction either whole in the journal or not at all.
* Readers keep TinyDB-style tables in memory, loaded lazily from the newest
  checkpoint (console/core/store_checkpoint.py) plus the journal tail; "did
  anything change" is a stat of the journal; catching up reads new bytes
  only. Old days load on demand and are evicted.
* Checkpoints, check and repair, snapshots and backups, redaction:
  console/core/store_check.py; upgrade of a 0.1 directory: console/core/store_migrate.py.
* Group-shared files (0660, dirs 2770), orjson, UTF-8.

Public API::

    store = Store("data")
    log = store.table("checkpoint", day="2026-03-05")   # daily tables: default today
    doc_id = log.insert({...}); log.search(where("name") == "...")
    with store.transaction("stock", "stock_handouts") as tx:
        tx.table("stock").insert({...}); tx.next_number("movement")
    store.changed_since(seq)   # for pollers; store.position() is the current seq
    store.changes("checkpoint", day, since=version)  # what changed since: for indexes
"""

from __future__ import annotations

import bisect
import contextlib
import datetime as dt
import gc
import getpass
import os
import re
import threading
from collections import OrderedDict, defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from console.core import clock, heap
from console.core import store_checkpoint as ckpt
from console.core.store_files import StoreError, atomic_write, mkdir
from console.core.store_journal import Journal
from console.core.store_tables import COUNTERS, Rows, Table, Transaction, change_key

__all__ = ["Store", "StoreError", "Table", "atomic_write"]

_NAME = re.compile(r"[a-z][a-z0-9_]*")
_DAY = re.compile(r"\d{4}-\d\d-\d\d")


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


def _ident(path: Path) -> tuple[int, int, int] | None:
    try:
        st = os.stat(path)
    except FileNotFoundError:
        return None
    return (st.st_ino, st.st_mtime_ns, st.st_size)


@dataclass(frozen=True)
class Changes:
    """A table's changes since a version (see :meth:`Store.changes`): its
    ``version`` now (as :meth:`Store.version`, but never None: a table never
    written is at sequence 0) and, oldest first, the journal ``changes`` after the
    version asked about (dicts with op, id, after and, for update and
    remove, before); or ``changes`` None when the store cannot tell, and
    then ``records``, every record now as (id, record), to rebuild from."""
    version: tuple | None
    changes: list[dict] | None
    records: list[tuple[int, dict]] | None = None


class Store:
    """A data directory shared safely by many processes.

    ``Store(path)`` opens (and creates, if ``create``) the directory; a 0.1
    directory is converted on first open (``self.migrated`` holds the report).
    ``store.actor`` is the signed-in operator's name and role; with the Unix
    account and terminal it stamps every record and journal line.
    """

    #: tables kept per day ("checkpoint/2026-03-05"); modules add theirs
    DAILY = {"checkpoint", "scans"}
    #: tables whose records are never changed or removed (corrections are new records)
    APPEND_ONLY: set[str] = set()
    #: loaded tables of past days kept in memory (least recently used evicted;
    #: what reads older days keeps its own small index, e.g. the gate's visitors)
    KEEP_DAYS = 2
    #: journal lines after the last checkpoint before :meth:`needs_checkpoint`
    CHECKPOINT_LINES = 2000
    #: files kept beside the store (relative paths) that check() verifies and
    #: backups include: {path: checker(store, path) -> problem text or None}
    SIDE_FILES: dict[str, Callable[[Store, Path], str | None]] = {}

    def __init__(self, path: str | os.PathLike, create: bool = True):
        self.root = Path(path).absolute()
        if not self.root.is_dir():
            if not create or not self.root.parent.is_dir():
                raise StoreError("store.no_dir", path=str(self.root))
            mkdir(self.root)
        if not os.access(self.root, os.W_OK | os.X_OK):
            raise StoreError("store.not_writable", path=str(self.root))
        self.actor: dict[str, str] = {"op": "", "role": ""}
        self.identity = session_identity()
        self.journal = Journal(self.root)
        self.tables_dir = self.root / "tables"
        self._mutex = threading.RLock()
        self._holding = 0  # transactions this thread is inside (it holds the journal lock)
        self.migrated: list[str] = []
        from console.core import store_migrate, store_redact  # noqa: PLC0415  (they build on this class)

        if (self.root / store_redact.TODO).exists():
            with self.journal.locked():
                store_redact.finish(self.root)  # a redaction cut short by a crash
        if store_migrate.is_legacy(self.root):
            self.migrated = store_migrate.migrate(self)
        elif (self.root / store_migrate.SCRUB_TODO).exists():  # an upgrade cut short
            self._reset()
            self.migrated = store_migrate.scrub_pins(self)
        self._reset()

    # -- in-memory state --
    def _reset(self) -> None:
        """Forget everything loaded; start again from the manifest."""
        with self._mutex:
            self._epoch = _ident(self.root / "epoch")
            self._manifest_id = _ident(self.tables_dir / ckpt.MANIFEST)
            try:
                manifest = ckpt.read_manifest(self.tables_dir)
            except StoreError:
                manifest = None  # check() reports it; the journal has everything
            self._manifest = manifest or {"tables": {}}
            self._base = self._pos = ckpt.manifest_pos(manifest)
            self._loaded: OrderedDict[str, Rows] = OrderedDict()
            self._tail: dict[str, list[tuple[int, dict]]] = defaultdict(list)
            self._changed: dict[str, int] = {}
            self._days: dict[str, set[str]] = defaultdict(set)
            for key, head in self._manifest["tables"].items():
                self._note(key, head["seq"])

    def _note(self, key: str, seq: int) -> None:
        self._changed[key] = seq
        name, _, day = key.partition("/")
        if day:
            self._days[name].add(day)

    def _catch_up(self, writing: bool = False) -> None:
        """Apply lines other processes appended; a writer (holding the lock)
        also cuts off a torn last line."""
        with self._mutex:
            if self._holding and not writing:
                return  # this thread holds the lock: no other desk has written since
            if _ident(self.root / "epoch") != self._epoch:
                self._reset()  # check or redact rewrote the journal
            if not writing and not self.journal.changed(self._pos):
                return
            lines, pos, damage = self.journal.read(self._pos)
            for line in lines:
                self._apply(line)
            self._pos = pos
            if damage:
                raise StoreError("store.corrupt", path=str(self.journal.dir / damage.segment))
            if writing:
                self.journal.cut(pos)
            if _ident(self.tables_dir / ckpt.MANIFEST) != self._manifest_id:
                self._rebase()

    def _apply(self, line: dict) -> None:
        seq = line["seq"]
        touched = []
        for change in line["changes"]:
            key = change_key(change)
            self._tail[key].append((seq, change))
            self._note(key, seq)
            rows = self._loaded.get(key)
            if rows is not None and rows.seq < seq:
                rows.apply(change)
                touched.append(rows)
        for rows in touched:
            rows.seq = seq

    def _rebase(self) -> None:
        """Drop tail entries a newer checkpoint (by any process) now holds."""
        try:
            manifest = ckpt.read_manifest(self.tables_dir)
        except StoreError:
            return
        if not manifest or manifest["seq"] > self._pos.seq:
            return
        self._manifest_id = _ident(self.tables_dir / ckpt.MANIFEST)
        self._manifest, self._base = manifest, ckpt.manifest_pos(manifest)
        for key in list(self._tail):
            kept = [e for e in self._tail[key] if e[0] > self._base.seq]
            if kept:
                self._tail[key] = kept
            else:
                del self._tail[key]

    def _rows(self, key: str, fresh: bool = True) -> Rows:
        """The current records of ``key``, loaded if needed."""
        with self._mutex:
            if fresh:
                self._catch_up()
            rows = self._loaded.get(key)
            if rows is None:
                rows = self._load(key)
            else:
                self._loaded.move_to_end(key)
            return rows

    def _load(self, key: str) -> Rows:
        # what a load builds is acyclic JSON that stays: no collection may run
        # over it half way, and once loaded it is frozen out of every later one
        collecting = gc.isenabled()
        gc.disable()
        try:
            rows = self._load_rows(key)
        finally:
            if collecting:
                gc.enable()
        self._loaded[key] = rows
        if len(rows.docs) > 1000:
            heap.freeze_loaded()  # a big load must not lengthen every later collection
        self._evict()
        return rows

    def _load_rows(self, key: str) -> Rows:
        path = ckpt.path_of(self.tables_dir, key)
        entry = self._manifest["tables"].get(key)
        if path.exists():
            head, rows = ckpt.load(path)
            if head["seq"] < (entry["seq"] if entry else self._base.seq):
                raise StoreError("store.corrupt", path=str(path))  # an old copy put back
            if rows.seq > self._pos.seq:
                lines, self._pos, _ = self.journal.read(self._pos)
                for line in lines:
                    self._apply(line)
        elif entry:
            raise StoreError("store.corrupt", path=str(path))  # a checkpoint deleted
        else:
            rows = Rows()
        for seq, change in self._tail.get(key, ()):
            if seq > rows.seq:
                rows.apply(change)
        rows.seq = max(rows.seq, self._pos.seq)
        return rows

    def _evict(self) -> None:
        today = clock.today().isoformat()
        old = [k for k in self._loaded if "/" in k and not k.endswith(today)]
        for key in old[:max(0, len(old) - self.KEEP_DAYS)]:
            del self._loaded[key]

    def _reading(self) -> contextlib.AbstractContextManager:
        return self._mutex

    # -- naming --
    def _day(self, name: str, day: str | bool | dt.date | None) -> str | None:
        if day is None:
            day = name in self.DAILY or None
        if day is True:
            return clock.today().isoformat()
        if isinstance(day, dt.date):
            return day.isoformat()
        if day and not _DAY.fullmatch(str(day)):
            raise StoreError("store.bad_name", name=f"{name}/{day}")
        return day or None

    def _key(self, name: str, day: str | None) -> str:
        if not (_NAME.fullmatch(name) or name == COUNTERS):
            raise StoreError("store.bad_name", name=name)
        return name if day is None else f"{name}/{day}"

    # -- public API --
    def table(self, name: str, day: str | bool | dt.date | None = None) -> Table:
        """Table ``name``; daily tables take ``day`` ('YYYY-MM-DD', a date or
        True for today; default today)."""
        day = self._day(name, day)
        self._key(name, day)
        return Table(self, name, day)

    def days(self, name: str) -> list[str]:
        """Days that have records (or had) for a daily table, oldest first."""
        self._catch_up()
        return sorted(self._days.get(name, ()))

    def version(self, name: str, day: str | bool | None = None) -> tuple | None:
        """A token that changes whenever the table changes (None: never
        written): the sequence number of its last change, and which rewrite
        of the journal it is from (check or redact rewrite history, so values
        derived from a table must be rebuilt then too). Poll it to notice
        other sessions' writes."""
        self._catch_up()
        return self.known_version(name, day)

    def known_version(self, name: str, day: str | bool | None = None) -> tuple | None:
        """:meth:`version` as this desk last caught up with the journal,
        without catching up: it never waits for another desk's commit (the
        event loop may call it). It is never newer than what a read that
        follows finds, so a widget that notes it before loading reloads once
        more than needed at worst, and never misses a change."""
        seq = self._changed.get(self._key(name, self._day(name, day)))
        return None if seq is None else (self._epoch, seq)

    def changes(self, name: str, day: str | bool | None = None,
                since: tuple | None = None) -> Changes:
        """What changed in a table after version ``since`` (a version a
        previous call returned), all as of one moment, so a value derived from the
        table can fold in only the new changes instead of re-reading it.
        The journal tail since the last checkpoint is in memory, so this is
        a lookup; when ``since`` is None, from another rewrite of the
        journal, or older than the last checkpoint (any process's), it
        cannot tell and gives the records instead. Records are shared
        read-only snapshots."""
        day = self._day(name, day)
        key = self._key(name, day)
        with self._mutex:
            self._catch_up()
            seq = self._changed.get(key, 0)
            now = (self._epoch, seq)
            if since == now:
                return Changes(now, [])
            if since is not None and since[0] == self._epoch and self._base.seq <= since[1] < seq:
                tail = self._tail.get(key, [])
                start = bisect.bisect_right(tail, since[1], key=lambda e: e[0])
                return Changes(now, [change for _, change in tail[start:]])
            rows = self._rows(key, fresh=False)
            return Changes(now, None, [(int(k), d) for k, d in rows.docs.items()])

    def position(self) -> int:
        """Sequence number of the last committed transaction."""
        self._catch_up()
        return self._pos.seq

    def changed_since(self, seq: int) -> bool:
        """True if any session committed after ``seq`` (a stat, plus reading
        only the new bytes when there are some)."""
        return self.position() > seq

    def stamp(self) -> dict[str, Any]:
        """Who and when, for a record: operator, role, Unix account, terminal."""
        return {"_at": clock.stamp(), "_by": {**self.actor, **self.identity}}

    @contextlib.contextmanager
    def transaction(self, *tables: str | tuple[str, str | bool | None]) -> Iterator[Transaction]:
        """Yield a :class:`Transaction`; its changes become one journal line
        when the block ends without an exception, otherwise nothing changes.
        ``tables`` (names or (name, day)) set the defaults of ``tx.table`` and
        ``tx.next_number``; the lock covers the whole directory."""
        specs = []
        for spec in tables:
            name, day = spec if isinstance(spec, tuple) else (spec, None)
            day = self._day(name, day)
            self._key(name, day)
            specs.append((name, day))
        with self._mutex:
            before = None
            with self.journal.locked():
                self._catch_up(writing=True)
                self._holding += 1  # nothing can be appended until we let go
                try:
                    tx = Transaction(self, specs)
                    yield tx
                finally:
                    self._holding -= 1
                changes = tx.changes()
                if changes:
                    before = self._pos
                    body = {"seq": before.seq + 1, "at": tx.stamp["_at"], "by": tx.stamp["_by"],
                            "changes": changes}
                    self._pos, line = self.journal.append(before, body, sync=False)
                    self._apply(line)
            if before is not None:
                try:
                    self.journal.sync(before, self._pos)  # acknowledged once this returns
                except StoreError:
                    self._reset()  # forget the change; reload what is on disk
                    raise

    @contextlib.contextmanager
    def locked(self) -> Iterator[None]:
        """Hold the directory's lock (re-entrant): for a file kept beside the
        store (the pass key file) that must change under it."""
        with self._mutex, self.journal.locked():
            yield

    # -- checkpoints, integrity, backups (console/core/store_check.py) --
    def needs_checkpoint(self) -> bool:
        """True once the journal tail is long enough to be worth a checkpoint."""
        return self._pos.seq - self._base.seq >= self.CHECKPOINT_LINES

    def checkpoint(self) -> bool:
        """Fold the journal tail into checkpoint files (blocking file I/O: call
        it from a worker thread or a command, never on the UI thread).
        Returns False if another process is checkpointing right now."""
        from console.core import store_check  # noqa: PLC0415

        return store_check.checkpoint(self)

    def data_files(self) -> list[Path]:
        """The journal segments and checkpoint files."""
        segs = [self.journal.dir / s for s in self.journal.segments()]
        tables = sorted(self.tables_dir.rglob("*.json")) if self.tables_dir.is_dir() else []
        return segs + [p for p in tables if not p.name.startswith(".")]

    def check(self, repair: bool = True, full: bool = True) -> list[dict[str, str]]:
        """Verify the journal chain and every checkpoint (``full``; otherwise
        only the journal tail and checkpoint headers, as at start-up); if
        ``repair``, rebuild what is damaged. One dict per problem (see
        console/core/store_check.py)."""
        from console.core import store_repair  # noqa: PLC0415

        return store_repair.check(self, repair=repair, full=full)

    def snapshot(self, keep: int = 48, dest: Path | None = None) -> Path:
        """A real copy (never a hard link) of the checkpoints, the journal up
        to now and the side files (pass key file), itself a data directory:
        under ``snapshots/<time>/`` (keeping the newest ``keep``) or at
        ``dest`` (a backup). Writes a checkpoint first."""
        from console.core import store_check  # noqa: PLC0415

        return store_check.snapshot(self, keep, dest)

    def snapshots(self) -> list[Path]:
        """Snapshot folders, oldest first."""
        folder = self.root / "snapshots"
        return sorted(p for p in folder.iterdir() if p.is_dir()) if folder.is_dir() else []

    def history(self, day: str | None = None) -> list[dict]:
        """The audit trail: one dict per change (seq, at, by, table, day, op,
        id, before, after), oldest first; only lines of ``day`` if given."""
        from console.core import store_check  # noqa: PLC0415

        return store_check.history(self, day)

    def history_days(self) -> list[str]:
        """Days that have journal lines, oldest first."""
        from console.core import store_check  # noqa: PLC0415

        return store_check.history_days(self)

    def redact(self, transform: Callable[[str, str | None, dict], dict],
               before: str | None = None) -> dict[str, int]:
        """Rewrite every stored copy of records with ``transform``.

        ``transform(table, day, record) -> record`` is called for every record
        image: in the journal (each change's ``after`` and ``before``), and
        through them in the checkpoints and the snapshots the store keeps;
        return the record unchanged to keep it. ``before`` (an ISO time):
        only journal lines committed before it are rewritten. Runs under the
        lock; the journal is rewritten with a valid checksum chain, the
        checkpoints rebuilt from it, and the switch to the new files is
        atomic (a crash leaves the old data or the new, never a mix); every
        open session reloads. Returns counts: lines, records, snapshots.
        """
        from console.core import store_redact  # noqa: PLC0415

        return store_redact.redact(self, transform, before)

    def close(self) -> None:
        self.journal.close()

