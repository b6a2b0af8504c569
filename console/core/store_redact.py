"""``Store.redact``: rewrite every stored copy of records (for the purge of
personal data at the end of a lockdown).

For the live directory and each snapshot the store keeps, the journal is
rewritten line by line into ``journal.redact/`` (each change's ``after`` and
``before`` passed through ``transform``, every line sealed again so the
checksum chain holds) and the checkpoints are rebuilt from it into
``tables.redact/``. Then ``redact.todo`` names the directories to swap and
the swap runs; a crash at any point leaves either the old files (no marker
yet) or a marker that the next open of the store finishes (:func:`finish`),
never a mix. The files kept aside by the 0.1 upgrade (``v0.1/``) are
rewritten in place the same way, and copies of damaged files (``damaged/``),
which cannot be read record by record, are removed. Old copies are deleted
once the swap is done; every session reloads (the ``epoch`` file changes).
"""

from __future__ import annotations

import contextlib
import os
import secrets
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import orjson

from console.core import store_checkpoint as ckpt
from console.core.store_check import side_lock
from console.core.store_files import atomic_write, fsync_dir, mkdir
from console.core.store_journal import SEGMENT_BYTES, Journal, Pos, seal, segment_name
from console.core.store_migrate import ASIDE
from console.core.store_repair import QUARANTINE
from console.core.store_tables import Rows, change_key

if TYPE_CHECKING:
    from console.core.store import Store

TODO = "redact.todo"
Transform = Callable[[str, "str | None", dict], dict]


def _images(change: dict, transform: Transform) -> int:
    """Pass a change's record images through ``transform``; how many changed."""
    if change["table"].startswith("_"):
        return 0
    n = 0
    for side in ("after", "before"):
        doc = change.get(side)
        if doc is not None:
            new = transform(change["table"], change.get("day"), orjson.loads(orjson.dumps(doc)))
            if new != doc:
                change[side] = new
                n += 1
    return n


def _rewrite(root: Path, transform: Transform, before: str | None) -> tuple[int, int]:
    """Write ``root/journal.redact`` and ``root/tables.redact`` from
    ``root/journal``; (lines changed, record images changed)."""
    source = Journal(root)
    out_dir, tables_dir = root / "journal.redact", root / "tables.redact"
    for d in (out_dir, tables_dir):
        shutil.rmtree(d, ignore_errors=True)
        mkdir(d)
    tables: dict[str, Rows] = {}
    segments: dict[str, list[bytes]] = {}
    pos, seg, size, lines_changed, images = Pos(), "", 0, 0, 0
    for line in source.lines():
        body = {k: v for k, v in line.items() if k not in ("prev", "sum")}
        if before is None or line["at"] < before:
            n = sum(_images(c, transform) for c in body["changes"])
            lines_changed += bool(n)
            images += n
        raw, digest = seal({**body, "prev": pos.last})
        if not seg or size >= SEGMENT_BYTES:
            seg, size = segment_name(body["seq"]), 0
        segments.setdefault(seg, []).append(raw)
        size += len(raw)
        pos = Pos(seg, size, body["seq"], digest)
        for change in body["changes"]:
            key = change_key(change)
            tables.setdefault(key, Rows()).apply(change)
    for name, raws in segments.items():
        atomic_write(out_dir / name, b"".join(raws))
    entries = {}
    for key, rows in tables.items():
        rows.seq = pos.seq
        mkdir(ckpt.path_of(tables_dir, key).parent)
        entries[key] = ckpt.write(tables_dir, key, rows)
    ckpt.write_manifest(tables_dir, pos, entries)
    return lines_changed, images


def _rewrite_legacy(folder: Path, transform: Transform) -> int:
    """Rewrite the 0.1 files kept aside (tables and the old audit trail)."""
    files = 0
    for path in sorted(folder.rglob("*.json")) if folder.is_dir() else []:
        try:
            data = orjson.loads(path.read_bytes())
        except (orjson.JSONDecodeError, OSError):
            continue
        day = path.stem if path.parent != folder else None
        for table, docs in data.items():
            if not isinstance(docs, dict) or table.startswith("_"):
                continue
            for key, doc in docs.items():
                if table == "audit":
                    _images(doc, transform)
                elif isinstance(doc, dict):
                    docs[key] = transform(table, day, dict(doc)) or doc  # may drop fields
        atomic_write(path, orjson.dumps(data))
        files += 1
    return files


def redact(store: Store, transform: Transform, before: str | None = None) -> dict[str, int]:
    roots = [store.root, *store.snapshots()]
    report = {"lines": 0, "records": 0, "snapshots": len(roots) - 1, "legacy_files": 0,
              "damaged_removed": 0}
    with side_lock(store, "checkpoint"), store.journal.locked(), store._mutex:
        store._catch_up(writing=True)
        finish(store.root)  # an earlier redaction cut short
        for i, root in enumerate(roots):
            lines, images = _rewrite(root, transform, before)
            if i == 0:
                report["lines"], report["records"] = lines, images
        todo = [str(r / name) for r in roots for name in ("journal", "tables")]
        atomic_write(store.root / TODO, orjson.dumps(todo))
        finish(store.root)
        report["legacy_files"] = _rewrite_legacy(store.root / ASIDE, transform)
        damaged = store.root / QUARANTINE
        if damaged.is_dir():
            report["damaged_removed"] = sum(1 for p in damaged.rglob("*") if p.is_file())
            shutil.rmtree(damaged)
        store._reset()
    return report


def finish(root: Path) -> None:
    """Complete a redaction's swap named by ``redact.todo`` (idempotent: run
    again after a crash at any step)."""
    marker = root / TODO
    if not marker.exists():
        return
    todo = [Path(p) for p in orjson.loads(marker.read_bytes())]
    for live in todo:
        new, old = live.with_name(live.name + ".redact"), live.with_name(live.name + ".old")
        if new.exists():
            if live.exists() and not old.exists():
                os.replace(live, old)
            elif live.exists():  # an old copy left by an earlier cut-short cleanup
                shutil.rmtree(old)
                os.replace(live, old)
            os.replace(new, live)
            fsync_dir(live.parent)
    atomic_write(root / "epoch", secrets.token_hex(8).encode())
    marker.unlink()
    fsync_dir(root)
    for live in todo:
        with contextlib.suppress(FileNotFoundError):
            shutil.rmtree(live.with_name(live.name + ".old"))
