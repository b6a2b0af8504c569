"""``check``: verify the journal and the checkpoints, name what is wrong, repair.

Each problem is one dict ``{"file", "problem", "action", "detail"}``:

========================  =====================================================
problem                   action when repairing
========================  =====================================================
``torn_tail``             ``cut``: an unfinished last line (a writer died before
                          its fsync returned, so nothing acknowledged) is cut off
``bad_line``              ``restored`` from a snapshot's copy of the line, else
                          ``lost``: replaced by a marker keeping the chain; its
                          changes are listed as not recovered (``detail``)
``bad_manifest``          ``rebuilt``: every checkpoint rebuilt from the journal
``bad_checkpoint``        ``rebuilt`` from the journal (truncated, edited,
``missing_checkpoint``    replaced by other JSON, deleted, or an old copy);
``stale_checkpoint``      the damaged file is kept in ``damaged/``
``side_file``             ``none``: reported (e.g. the pass key file); never
                          replaced silently
========================  =====================================================

``action`` is ``none`` when not repairing or when nothing could be done. A
full check reads every line and every checkpoint; the start-up check reads
the journal tail and the checkpoint headers only.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import TYPE_CHECKING

import orjson

from console.core import clock
from console.core import store_checkpoint as ckpt
from console.core.store_check import SNAPSHOTS, _raw_lines, replay, side_lock
from console.core.store_files import StoreError, atomic_write, mkdir, remove_temp_files
from console.core.store_journal import Damage, Journal, Pos, unseal
from console.core.store_tables import Rows

if TYPE_CHECKING:
    from console.core.store import Store

QUARANTINE = "damaged"


def _problem(store: Store, path: Path, problem: str, action: str = "none", detail: str = "") -> dict:
    return {"file": str(path.relative_to(store.root)), "problem": problem, "action": action,
            "detail": detail}


def check(store: Store, repair: bool = True, full: bool = True) -> list[dict]:
    remove_temp_files(store.root, {SNAPSHOTS})
    problems: list[dict] = []
    with side_lock(store, "checkpoint"), store.journal.locked(), store._mutex:
        try:
            manifest = ckpt.read_manifest(store.tables_dir)
        except StoreError:
            manifest = None
            problems.append(_problem(store, store.tables_dir / ckpt.MANIFEST, "bad_manifest",
                                     "rebuilt" if repair else "none"))
        rewritten = _check_journal(store, problems, repair,
                                   Pos() if full or manifest is None else ckpt.manifest_pos(manifest))
        if manifest is None and problems and problems[0]["problem"] == "bad_manifest":
            if repair:
                _rebuild(store, None, None)
        elif manifest is not None:
            _check_checkpoints(store, manifest, problems, repair, full)
        for rel, checker in store.SIDE_FILES.items():
            text = checker(store, store.root / rel)
            if text:
                problems.append(_problem(store, store.root / rel, "side_file", detail=text))
        if rewritten:
            atomic_write(store.root / "epoch", secrets.token_hex(8).encode())
        store._reset()
    return problems


def _check_journal(store: Store, problems: list[dict], repair: bool, start: Pos) -> bool:
    """Read the journal from ``start``; report (and repair) damage. True if a
    segment was rewritten."""
    journal, rewritten = store.journal, False
    if start.segment and journal.size(start) < start.offset:
        start = Pos()  # the manifest points past the journal's end: read it all
    while True:
        _, pos, damage = journal.read(start)
        if damage is None:
            break
        path = journal.dir / damage.segment
        if not repair:
            problems.append(_problem(store, path, "bad_line", detail=str(damage.seq)))
            return rewritten
        action, detail = _fix_line(store, damage, pos)
        problems.append(_problem(store, path, "bad_line", action, detail))
        if action == "none":
            return rewritten
        rewritten, start = True, pos
    if pos.segment and journal.size(pos) > pos.offset:
        problems.append(_problem(store, journal.dir / pos.segment, "torn_tail",
                                 "cut" if repair else "none"))
        if repair:
            journal.cut(pos)
    return rewritten


def _fix_line(store: Store, damage: Damage, pos: Pos) -> tuple[str, str]:
    """Replace the damaged line at ``damage`` with a snapshot's good copy or,
    failing that, with a ``lost`` marker that keeps the chain; (action, detail)."""
    path = store.journal.dir / damage.segment
    data = path.read_bytes()
    end = data.find(b"\n", damage.offset)
    after = data[end + 1:]
    following = unseal(after[:after.find(b"\n") + 1]) if b"\n" in after else None
    expected = following["prev"] if following and following.get("seq") == damage.seq + 1 else None
    prefix = b'{"seq":%d,' % damage.seq
    for snap in reversed(store.snapshots()):
        for raw in _raw_lines(Journal(snap)):
            if raw.startswith(prefix):
                line = unseal(raw + b"\n")
                if line and line["prev"] == pos.last and expected in (None, line["sum"]):
                    atomic_write(path, data[:damage.offset] + raw + b"\n" + after)
                    return "restored", f"{damage.seq} ← {snap.relative_to(store.root)}"
                break
    if expected is None:
        return "none", str(damage.seq)
    _keep(store, path)
    marker = orjson.dumps({"seq": damage.seq, "at": clock.stamp(), "by": {"op": "check"},
                           "changes": [], "lost": True, "prev": pos.last})
    line = marker[:-1] + b',"sum":"' + expected.encode() + b'"}\n'
    atomic_write(path, data[:damage.offset] + line + after)
    return "lost", str(damage.seq)


def _keep(store: Store, path: Path) -> str:
    """Copy a damaged file into ``damaged/`` (kept, never deleted)."""
    rel = path.relative_to(store.root)
    kept = store.root / QUARANTINE / f"{rel}.{clock.now():%Y%m%d-%H%M%S}"
    mkdir(kept.parent)
    kept.write_bytes(path.read_bytes())
    os.chmod(kept, 0o660)
    return str(kept.relative_to(store.root))


def _check_checkpoints(store: Store, manifest: dict, problems: list[dict], repair: bool,
                       full: bool) -> None:
    bad: dict[str, str] = {}
    for key, entry in manifest["tables"].items():
        path = ckpt.path_of(store.tables_dir, key)
        if not path.exists():
            bad[key] = "missing_checkpoint"
            continue
        try:
            head = ckpt.load(path)[0] if full else ckpt.read_header(path)
        except StoreError:
            bad[key] = "bad_checkpoint"
            continue
        if head["seq"] < entry["seq"] or (head["seq"] == entry["seq"] and head["sum"] != entry["sum"]):
            bad[key] = "stale_checkpoint"
    if repair and bad:
        for key in bad:
            path = ckpt.path_of(store.tables_dir, key)
            if path.exists():
                _keep(store, path)
        _rebuild(store, manifest, set(bad))
    for key, problem in sorted(bad.items()):
        problems.append(_problem(store, ckpt.path_of(store.tables_dir, key), problem,
                                 "rebuilt" if repair else "none"))


def _rebuild(store: Store, manifest: dict | None, keys: set[str] | None) -> None:
    """Rebuild checkpoints from the journal: ``keys`` as of the manifest's seq,
    or (no manifest) every table as of the journal's end, with a new manifest."""
    upto = manifest["seq"] if manifest else None
    tables, seq = replay(store.journal, upto, keys)
    _, pos, _ = store.journal.read(Pos(), seq)
    entries = dict(manifest["tables"]) if manifest else {}
    for key in keys or tables:
        rows = tables.get(key)
        if rows is None:
            rows = Rows(seq=seq)
        rows.seq = manifest["seq"] if manifest else seq
        mkdir(ckpt.path_of(store.tables_dir, key).parent)
        entries[key] = ckpt.write(store.tables_dir, key, rows)
    ckpt.write_manifest(store.tables_dir, ckpt.manifest_pos(manifest) if manifest else pos, entries)
