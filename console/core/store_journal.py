"""The journal: append-only JSON-lines segments under ``journal/``.

One line is one committed transaction::

    {"seq": 12, "at": "2026-03-05T09:30:00+08:00",
     "by": {"op": "郭振兴", "role": "leader", "unix": "desk3", "tty": "ssh:10.0.0.7"},
     "changes": [{"table": "checkpoint", "day": "2026-03-05", "op": "insert", "id": 7,
                  "after": {...}},
                 {"table": "errands", "op": "update", "id": 3, "before": {...}, "after": {...}}],
     "prev": "<sum of line 11>", "sum": "<blake2b-128 of this line without its sum>"}

``sum`` chains every line to the one before it. A line is committed once it
is written and fsynced. A torn or checksum-failing *last* line is an
uncommitted transaction: readers stop before it and the next writer cuts it
off under the lock. A bad line with good lines after it is damage (reported
by ``check``). Segments are named by their first sequence number and are
never deleted: the journal is the audit trail. A line marked ``"lost"``
stands for a damaged transaction ``check`` could not recover.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import os
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import orjson

from console.core.store_files import FILE_MODE, StoreError, fsync_dir, mkdir, write_all, write_error

SEGMENT_BYTES = 16 << 20
_SUFFIX = b',"sum":"'
_TAIL = len(_SUFFIX) + 32 + 3  # ,"sum":"<32 hex>"}\n


def seal(body: dict) -> tuple[bytes, str]:
    """The journal line for ``body`` (seq, at, by, changes, prev) and its sum."""
    raw = orjson.dumps(body)
    digest = hashlib.blake2b(raw, digest_size=16).hexdigest()
    return raw[:-1] + _SUFFIX + digest.encode() + b'"}\n', digest


def unseal(line: bytes) -> dict | None:
    """The parsed line if its checksum holds (or it is a ``lost`` marker), else None."""
    if len(line) < _TAIL or line[-_TAIL:-_TAIL + len(_SUFFIX)] != _SUFFIX or line[-3:] != b'"}\n':
        return None
    body = line[:-_TAIL] + b"}"
    try:
        data = orjson.loads(line)
    except orjson.JSONDecodeError:
        return None
    if not isinstance(data, dict):
        return None
    if data.get("lost") or hashlib.blake2b(body, digest_size=16).hexdigest() == data.get("sum"):
        return data
    return None


@dataclass(frozen=True)
class Pos:
    """Where a reader stands: after line ``seq`` (sum ``last``), at ``offset``
    of segment ``segment`` (a file name; "" before the first segment)."""
    segment: str = ""
    offset: int = 0
    seq: int = 0
    last: str = ""


@dataclass
class Damage:
    """A committed line that fails its checksum or breaks the chain."""
    segment: str
    offset: int
    seq: int  # the sequence number it should have


def segment_name(first_seq: int) -> str:
    return f"{first_seq:012d}.jsonl"


class Journal:
    """Segments, the directory lock, reading new lines and appending one."""

    def __init__(self, root: Path):
        self.root = root
        self.dir = root / "journal"
        self.lock_path = root / "journal.lock"
        self._rlock = threading.RLock()
        self._depth = 0
        self._lock_fd: int | None = None
        self._fd: int | None = None
        self._fd_segment = ""

    # -- the one lock --
    @contextlib.contextmanager
    def locked(self) -> Iterator[None]:
        """flock on journal.lock (plus a thread lock); re-entrant per thread."""
        with self._rlock:
            if self._depth == 0:
                if self._lock_fd is None:
                    try:
                        self._lock_fd = os.open(self.lock_path, os.O_RDWR | os.O_CREAT, FILE_MODE)
                        with contextlib.suppress(PermissionError):  # another member's file
                            os.fchmod(self._lock_fd, FILE_MODE)
                    except OSError as exc:
                        raise write_error(self.lock_path, exc) from exc
                fcntl.flock(self._lock_fd, fcntl.LOCK_EX)
            self._depth += 1
            try:
                yield
            finally:
                self._depth -= 1
                if self._depth == 0:
                    fcntl.flock(self._lock_fd, fcntl.LOCK_UN)

    def close(self) -> None:
        for fd in (self._fd, self._lock_fd):
            if fd is not None:
                with contextlib.suppress(OSError):
                    os.close(fd)
        self._fd = self._lock_fd = None

    # -- reading --
    def segments(self) -> list[str]:
        try:
            return sorted(f for f in os.listdir(self.dir) if f.endswith(".jsonl"))
        except FileNotFoundError:
            return []

    def size(self, pos: Pos) -> int:
        """Bytes in ``pos``'s segment now (the cheap "did anything change" probe)."""
        try:
            return os.stat(self.dir / pos.segment).st_size if pos.segment else -1
        except FileNotFoundError:
            return -1

    def changed(self, pos: Pos) -> bool:
        """True if lines may have been appended after ``pos``."""
        size = self.size(pos)
        if size != pos.offset:
            return True
        return pos.segment == "" or size >= SEGMENT_BYTES and self.segments()[-1:] != [pos.segment]

    def read(self, pos: Pos, upto: int | None = None) -> tuple[list[dict], Pos, Damage | None]:
        """Committed lines after ``pos`` (up to seq ``upto``): (lines, new
        position, damage). A bad line at the very end is left unread (a torn
        tail, or a line still being written); a bad line followed by more
        data is returned as damage and reading stops there."""
        lines: list[dict] = []
        segs = self.segments()
        if not segs:
            return lines, pos, None
        seg, offset, seq, last = pos.segment or segs[0], pos.offset, pos.seq, pos.last
        while True:
            try:
                with open(self.dir / seg, "rb") as fh:
                    fh.seek(offset)
                    data = fh.read()
            except FileNotFoundError:
                return lines, Pos(seg, offset, seq, last), Damage(seg, offset, seq + 1)
            start = 0
            while True:
                end = data.find(b"\n", start)
                if end < 0 or (upto is not None and seq >= upto):
                    break
                line = unseal(data[start:end + 1])
                if line is None or line.get("seq") != seq + 1 or line.get("prev") != last:
                    later = data[end + 1:].strip() or segs[-1] != seg
                    damage = Damage(seg, offset + start, seq + 1) if later else None
                    return lines, Pos(seg, offset + start, seq, last), damage
                lines.append(line)
                seq, last = seq + 1, line["sum"]
                start = end + 1
            offset += start
            if start < len(data) and seg != segs[-1] and (upto is None or seq < upto):
                return lines, Pos(seg, offset, seq, last), Damage(seg, offset, seq + 1)
            if (upto is not None and seq >= upto) or start < len(data) or seg == segs[-1]:
                return lines, Pos(seg, offset, seq, last), None
            seg, offset = segs[segs.index(seg) + 1], 0

    def lines(self, upto: int | None = None) -> Iterator[dict]:
        """Every committed line from the start (up to seq ``upto``); raises
        StoreError on damage."""
        batch, _, damage = self.read(Pos(), upto)
        if damage:
            raise StoreError("store.corrupt", path=str(self.dir / damage.segment))
        yield from batch

    # -- writing (the caller holds the lock and has read up to ``pos``) --
    def cut(self, pos: Pos) -> None:
        """Cut off a torn or bad last line after ``pos`` (an uncommitted transaction)."""
        if not pos.segment:
            return
        path = self.dir / pos.segment
        try:
            if os.stat(path).st_size > pos.offset:
                with open(path, "r+b") as fh:
                    fh.truncate(pos.offset)
                    os.fsync(fh.fileno())
        except OSError as exc:
            raise write_error(path, exc) from exc

    def append(self, pos: Pos, body: dict, sync: bool = True) -> tuple[Pos, dict]:
        """Append ``body``'s line after ``pos`` and (if ``sync``) fsync it; the
        new position and the sealed line. On any failure the segment is cut
        back and nothing is committed."""
        line, digest = seal({**body, "prev": pos.last})
        seg, offset = pos.segment, pos.offset
        if not seg or offset >= SEGMENT_BYTES:
            seg, offset = segment_name(pos.seq + 1), 0
        path = self.dir / seg
        try:
            fd = self._segment_fd(seg)
            write_all(fd, line)
            if sync:
                os.fsync(fd)
        except OSError as exc:
            if self._fd is not None:
                with contextlib.suppress(OSError):
                    os.ftruncate(self._fd, offset)
            raise write_error(path, exc) from exc
        return Pos(seg, offset + len(line), pos.seq + 1, digest), {**body, "prev": pos.last, "sum": digest}

    def sync(self, before: Pos, after: Pos) -> None:
        """fsync the line between ``before`` and ``after``, called once the
        lock is released so that desks committing at the same moment share
        one disk flush (group commit). Lines are flushed in order: a later
        line is never durable without the earlier ones. If the flush fails,
        the line is cut off again unless another writer appended after it,
        and StoreError is raised (the change is not acknowledged)."""
        path = self.dir / after.segment
        try:
            fd = os.open(path, os.O_RDONLY)
            try:
                os.fsync(fd)
            finally:
                os.close(fd)
        except OSError as exc:
            with self.locked(), contextlib.suppress(OSError):
                if os.stat(path).st_size == after.offset:
                    os.truncate(path, before.offset if before.segment == after.segment else 0)
            raise write_error(path, exc) from exc

    def _segment_fd(self, seg: str) -> int:
        """An append descriptor on ``seg``, reopened if the file was replaced
        (by check or redact) since it was opened."""
        path = self.dir / seg
        try:
            ino = os.stat(path).st_ino
        except FileNotFoundError:
            ino = None
        if self._fd is not None and self._fd_segment == seg and ino == os.fstat(self._fd).st_ino:
            return self._fd
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None
        mkdir(self.dir)
        new = ino is None
        self._fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, FILE_MODE)
        self._fd_segment = seg
        if new:
            with contextlib.suppress(PermissionError):
                os.fchmod(self._fd, FILE_MODE)
            fsync_dir(self.dir)
        return self._fd
