"""Upgrade of a version 0.1 data directory (one JSON file per table, daily
tables one file per day, a separate audit trail) to the journaled store.

Run on first open of such a directory, or by ``python app.py migrate``.
Every table becomes one journal line of inserts (keeping record ids; the
counters of each file become ``_counters`` rows), written to ``journal.new/``
and renamed to ``journal/`` only when complete, so a crash leaves the 0.1
directory as it was. Then the old files (data files, their lock files, the
0.1 audit trail and hard-link snapshots, damaged copies) move to ``v0.1/``:
kept aside, never deleted. The report says what was converted.

Version 0.1 kept each volunteer's PIN hash (a weaker scrypt) in the roster
record, so the converted journal, its checkpoints and the files kept aside
would hold it for good. :func:`scrub_pins` moves the hashes to the key file
(wrapped at today's cost, console/core/operators.py) and removes them from
every stored copy with ``Store.redact``. ``scrub.todo`` marks a conversion
whose scrub has not finished yet (it runs again on the next open).
"""

from __future__ import annotations

import contextlib
import os
import shutil
from pathlib import Path
from typing import TYPE_CHECKING

import orjson

from console.core import clock, i18n
from console.core.store_files import atomic_write, fsync_dir, mkdir
from console.core.store_journal import Journal, Pos

if TYPE_CHECKING:
    from console.core.store import Store

ASIDE = "v0.1"
_KEEP = {"journal", "journal.new", "tables", "snapshots", "keys", "slips", "exports", ASIDE}
_OLD_DIRS = {"snapshots", "damaged"}  # 0.1 hard-link snapshots and quarantined files
SCRUB_TODO = "scrub.todo"
_INLINE = b'"pin_hash"'

i18n.add({
    "migrate.table": ("{table}：{n} 条记录", "{table}: {n} records"),
    "migrate.days": ("{table}：{days} 天共 {n} 条记录", "{table}: {n} records over {days} days"),
    "migrate.audit": ("0.1 版操作记录 {n} 条保留在 {path}（不再显示在操作记录里）",
                      "0.1 audit trail: {n} entries kept in {path} (no longer shown in the audit screen)"),
    "migrate.unreadable": ("{file} 无法读取，未转换，原样保留在 {path}", "{file} could not be read and was "
                           "not converted; kept as it was in {path}"),
    "migrate.aside": ("旧文件已移到 {path}", "The old files were moved to {path}"),
    "migrate.pins": ("0.1 版的 PIN 哈希（{n} 个）已移到 keys/pins.json（按现在的强度再哈希一次，成员下次登录时换成新哈希），"
                     "并已从操作记录、存档和 {path} 里删除",
                     "0.1 PIN hashes: {n} moved to keys/pins.json (hashed again at today's cost; each is "
                     "replaced at its member's next sign-in) and removed from the journal, the "
                     "checkpoints and {path}"),
    "migrate.pins_left": ("{file} 无法读取，可能还含有 0.1 版的 PIN 哈希：其中不再需要的内容确认后请删除这个文件",
                          "{file} could not be read and may still hold 0.1 PIN hashes: delete it once "
                          "nothing in it is needed"),
})


def _legacy_files(root: Path) -> list[Path]:
    out = []
    for entry in sorted(root.iterdir()):
        if entry.is_file() and entry.suffix == ".json" and not entry.name.startswith("."):
            out.append(entry)
        elif entry.is_dir() and entry.name not in _KEEP | _OLD_DIRS:
            out += sorted(p for p in entry.glob("*.json") if not p.name.startswith("."))
    return out


def is_legacy(root: Path) -> bool:
    """A 0.1 directory: data files but no journal."""
    return not (root / "journal").is_dir() and bool(_legacy_files(root))


def _changes(path: Path, root: Path, data: dict) -> tuple[list[list[dict]], dict[str, int], int]:
    """The journal changes of one 0.1 file, one list per table; (changes,
    {table: records}, audit entries skipped)."""
    day = None if path.parent == root else path.stem
    scope = path.stem if day is None else f"{path.parent.name}/{day}"
    out, counts, audit = [], {}, 0
    for table, docs in data.items():
        if not isinstance(docs, dict):
            continue
        if table == "audit":
            audit += len(docs)
            continue
        where = {"table": table, **({"day": day} if day else {})}
        if table == "_counters":
            merged = {k: v for doc in docs.values() for k, v in doc.items()}
            out.append([{"table": "_counters", "op": "insert", "id": 0, "after": {"scope": scope, **merged}}])
            continue
        out.append([{**where, "op": "insert", "id": int(k), "after": doc}
                    for k, doc in sorted(docs.items(), key=lambda kv: int(kv[0]))])
        counts[table] = counts.get(table, 0) + len(docs)
    return out, counts, audit


def migrate(store: Store) -> list[str]:
    """Convert the 0.1 directory of ``store`` (see the module docstring);
    returns the report, one line per table."""
    root = store.root
    with store.journal.locked():
        if not is_legacy(root):
            return []
        shutil.rmtree(root / "journal.new", ignore_errors=True)
        new = Journal(root)
        new.dir = root / "journal.new"
        by = {"op": "migrate", "role": "", **store.identity}
        pos, counters, report = Pos(), 0, []
        per_table: dict[str, list[int]] = {}
        audit, aside = 0, root / ASIDE
        for path in _legacy_files(root):
            rel = path.relative_to(root)
            try:
                data = orjson.loads(path.read_bytes())
                if not isinstance(data, dict):
                    raise ValueError
            except (ValueError, OSError):
                report.append(i18n.t("migrate.unreadable", file=rel, path=aside / rel))
                continue
            groups, counts, skipped = _changes(path, root, data)
            audit += skipped
            for changes in groups:
                if changes and changes[0]["table"] == "_counters":
                    counters += 1
                    changes[0]["id"] = counters
                if changes:
                    pos, _ = new.append(pos, {"seq": pos.seq + 1, "at": clock.stamp(), "by": by,
                                              "changes": changes})
            for table, n in counts.items():
                per_table.setdefault(table, []).append(n)
        new.close()
        if pos.seq == 0:  # nothing but an audit trail or unreadable files: an empty journal
            mkdir(new.dir)
        atomic_write(root / SCRUB_TODO, b"")  # until the 0.1 PIN hashes are scrubbed
        os.replace(new.dir, root / "journal")
        fsync_dir(root)
        for table, ns in sorted(per_table.items()):
            report.append(i18n.t("migrate.table", table=table, n=ns[0]) if len(ns) == 1 and table not in store.DAILY
                          else i18n.t("migrate.days", table=table, days=len(ns), n=sum(ns)))
        if audit:
            report.append(i18n.t("migrate.audit", n=audit, path=aside / "audit"))
        _move_aside(root, aside)
        report.append(i18n.t("migrate.aside", path=aside))
    from console.core.store_check import checkpoint  # noqa: PLC0415

    store._reset()
    scrubbed = scrub_pins(store)  # redact rebuilds the checkpoints too
    if not scrubbed:
        checkpoint(store, wait=True)
    return report + scrubbed


def _holds_inline_hashes(root: Path) -> bool:
    """Any stored copy (journal, checkpoints, snapshots, files kept aside)
    with a 0.1 PIN hash in it: a byte search, for the ``migrate`` command."""
    for path in root.rglob("*"):
        if path.is_file() and path.parent.name != "keys" and path.suffix in (".json", ".jsonl"):
            with contextlib.suppress(OSError, ValueError):
                raw = path.read_bytes()
                if _INLINE in raw and (ASIDE not in path.relative_to(root).parts or orjson.loads(raw)):
                    return True  # (a damaged file kept aside cannot be redacted: reported instead)
    return False


def scrub_pins(store: Store, search: bool = False) -> list[str]:
    """Move 0.1 PIN hashes out of the roster into the key file and redact
    them from every stored copy; report lines (none when there was nothing
    to do). Runs after a conversion, when ``scrub.todo`` says one was cut
    short, or (``search``) when the bytes of one are found anywhere."""
    from console.core import operators  # noqa: PLC0415  (the PIN format is the roster's)

    root = store.root
    marked = (root / SCRUB_TODO).exists()
    if not marked and not (search and _holds_inline_hashes(root)):
        return []
    moved = operators.adopt_inline_hashes(store)
    report = []
    if moved or marked or search:
        store.redact(operators.strip_inline_hash)
        report.append(i18n.t("migrate.pins", n=moved, path=root / ASIDE))
    for path in sorted((root / ASIDE).rglob("*.json")) if (root / ASIDE).is_dir() else []:
        with contextlib.suppress(OSError):
            raw = path.read_bytes()
            if _INLINE in raw:  # the redaction rewrote every file it could read
                report.append(i18n.t("migrate.pins_left", file=path))
    with contextlib.suppress(FileNotFoundError):
        (root / SCRUB_TODO).unlink()
    fsync_dir(root)
    return report


def _move_aside(root: Path, aside: Path) -> None:
    mkdir(aside)
    for entry in sorted(root.iterdir()):
        if entry.name in _KEEP - {"snapshots"} or entry.name == "journal.lock":
            continue
        legacy_dir = entry.is_dir() and (entry.name in _OLD_DIRS or any(entry.glob("*.json")))
        if legacy_dir or (entry.is_file() and entry.suffix in (".json", ".lock")):
            with contextlib.suppress(FileNotFoundError):
                os.replace(entry, aside / entry.name)
    fsync_dir(root)
