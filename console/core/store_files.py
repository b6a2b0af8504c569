"""File-level helpers shared by the store and by every file the console
writes outside it (slips, PDFs, exports, the pass key file).

* :func:`atomic_write` is the one way to write a whole file: temp file in the
  same directory, every byte checked written, fsync, rename, fsync of the
  directory; on any error the temp file is removed, the old file is left as
  it was and a :class:`StoreError` (zh+en) names what went wrong.
* Files are group-shared whatever the umask: 0660 files, 2770 directories.
"""

from __future__ import annotations

import contextlib
import errno
import os
import re
import secrets
import time
from pathlib import Path

from console.core import i18n
from console.core.i18n import DomainError

FILE_MODE = 0o660
DIR_MODE = 0o2770
TEMP = re.compile(r"^\..+\.tmp\.\d+\.[0-9a-f]+$")

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
    "store.exists": ("{path} 已存在，没有覆盖。请换一个文件名。",
                     "{path} already exists and was not overwritten: choose another name."),
    "store.append_only": ("{name} 只能追加，不能修改或删除；请补记一条更正。",
                          "{name} is append-only: add a correcting entry instead of changing it."),
})


class StoreError(DomainError):
    """Storage failure (disk full, unreadable file, bad directory).

    ``key`` says which: store.disk_full, store.write_failed, store.corrupt,
    store.no_dir, store.not_writable, store.bad_name, store.append_only, store.exists."""


def write_error(path: Path, exc: OSError) -> StoreError:
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return StoreError("store.disk_full")
    return StoreError("store.write_failed", path=str(path), reason=exc.strerror or exc)


def fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def mkdir(path: Path) -> None:
    """Create a group-shared directory (and parents) if missing."""
    if path.is_dir():
        return
    mkdir(path.parent)
    try:
        path.mkdir()
        os.chmod(path, DIR_MODE)
    except FileExistsError:
        return
    except OSError as exc:
        raise write_error(path, exc) from exc


def write_all(fd: int, payload: bytes) -> None:
    """Write every byte of ``payload`` (a short write is retried; a write that
    makes no progress is an error, never silently a shorter file)."""
    view = memoryview(payload)
    while view:
        n = os.write(fd, view)
        if n <= 0:
            raise OSError(errno.EIO, "short write")
        view = view[n:]


def atomic_write(path: str | os.PathLike, payload: bytes, *, replace: bool = True) -> Path:
    """Replace ``path`` with ``payload`` so a crash leaves old or new, never
    half; group-shared. On a full disk or any write error the temp file is
    removed, the old file stays and :class:`StoreError` is raised. With
    ``replace=False`` an existing ``path`` is never written over
    (``store.exists``), even one that appears while this one is written."""
    path = Path(path)
    mkdir(path.parent)
    tmp = path.parent / f".{path.name}.tmp.{os.getpid()}.{secrets.token_hex(4)}"
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE)
        try:
            os.fchmod(fd, FILE_MODE)
            write_all(fd, payload)
            os.fsync(fd)
            if os.fstat(fd).st_size != len(payload):
                raise OSError(errno.EIO, "short write")
        finally:
            os.close(fd)
        if replace:
            os.replace(tmp, path)
        else:
            _install_new(tmp, path)
        fsync_dir(path.parent)
    except OSError as exc:
        with contextlib.suppress(OSError):
            tmp.unlink()
        if isinstance(exc, FileExistsError):
            raise StoreError("store.exists", path=str(path)) from exc
        raise write_error(path, exc) from exc
    return path


def _install_new(tmp: Path, path: Path) -> None:
    """Put ``tmp`` at ``path`` only if nothing is there (FileExistsError otherwise)."""
    try:
        os.link(tmp, path)            # atomic: fails if the name is taken
    except OSError as exc:
        if exc.errno not in (errno.EPERM, errno.EOPNOTSUPP, errno.ENOSYS):
            raise
        if path.exists():             # a file system without hard links (a USB stick)
            raise FileExistsError(errno.EEXIST, "exists", str(path)) from None
        os.replace(tmp, path)
        return
    os.unlink(tmp)


def copy_file(src: Path, dest: Path, size: int | None = None) -> None:
    """A real (never hard-linked) copy of ``src``, or of its first ``size`` bytes."""
    with open(src, "rb") as fh:
        data = fh.read() if size is None else fh.read(size)
    atomic_write(dest, data)


def remove_temp_files(root: Path, skip: set[str], older_than: float = 60.0) -> list[Path]:
    """Remove temp files left by crashed writers (older than ``older_than``
    seconds, so a write in progress keeps its own); returns what was removed."""
    gone = []
    limit = time.time() - older_than
    for dirpath, dirnames, filenames in os.walk(root):
        if Path(dirpath) == root:
            dirnames[:] = [d for d in dirnames if d not in skip]
        for f in filenames:
            path = Path(dirpath) / f
            with contextlib.suppress(FileNotFoundError):
                if TEMP.match(f) and path.stat().st_mtime < limit:
                    path.unlink()
                    gone.append(path)
    return gone
