"""Files the console hands out: exports, sheets, slips, backups' folders.

Whatever the umask, a file is written whole (temp file, fsync, rename) with
mode 0660 and a folder made inside the data directory gets 2770. Outside the
data directory nothing is created but the file itself: its folder must
already exist, so a typo in ``-o`` cannot scatter residents' data about.
:func:`check_target` is the one check of where a file may go, for
:func:`write` (a sheet or slip, replacing an earlier one) and :func:`save_new`
(an export, never over an existing file).
"""

from __future__ import annotations

from pathlib import Path

from console.core import i18n
from console.core.i18n import DomainError
from console.core.store import Store, atomic_write
from console.core.store_files import mkdir

i18n.add({
    "output.is_dir": ("{path} 是一个文件夹：请写文件名，例如 {path}/名单.csv。",
                      "{path} is a folder: give a file name, e.g. {path}/list.csv."),
    "output.no_folder": ("文件夹 {folder} 不存在（数据目录以外的文件夹不会自动创建）。",
                         "The folder {folder} does not exist (folders outside the data "
                         "directory are never created)."),
})


def check_target(path: Path, *, make_parent: bool = False, new: bool = False) -> Path:
    """``path`` if a file may be written there, else a DomainError saying why
    not: a folder, an existing file when ``new``, or a missing folder (made
    only when ``make_parent``)."""
    if path.is_dir():
        raise DomainError("output.is_dir", path=str(path))
    if new and (path.exists() or path.is_symlink()):
        raise DomainError("store.exists", path=str(path))
    if not path.parent.is_dir():
        if not make_parent:
            raise DomainError("output.no_folder", folder=str(path.parent))
        mkdir(path.parent)
    return path


def write(store: Store, path: str | Path, payload: bytes) -> Path:
    """Write ``payload`` to ``path`` whole, 0660; returns the path written.
    A missing folder is made only inside the data directory. A full disk or a
    folder that refuses the file raises a DomainError and leaves any earlier
    file as it was."""
    path = Path(path).expanduser().absolute()
    check_target(path, make_parent=path.is_relative_to(store.root))
    atomic_write(path, payload)
    return path


def save_new(path: Path, payload: bytes, *, make_parent: bool = False) -> Path:
    """Write ``payload`` to a new file at ``path``, 0660: whole or not at all,
    never over an existing file (a DomainError says why)."""
    check_target(path, make_parent=make_parent, new=True)
    return atomic_write(path, payload, replace=False)
