"""Damage to the journal or the checkpoints: each case is named by check(),
repaired, and no acknowledged transaction is lost. Also redact()."""

from __future__ import annotations

import datetime as dt
import errno
import sys

import orjson
import pytest
from tinydb import where

from console.core.store import Store, StoreError

NOW = dt.datetime(2026, 3, 5, 9, 30, tzinfo=dt.timezone(dt.timedelta(hours=8)))
DAY = "2026-03-05"


@pytest.fixture
def frozen(freeze_clock):
    return freeze_clock(NOW)


@pytest.fixture
def db(tmp_path, frozen) -> Store:
    s = Store(tmp_path / "data")
    s.actor = {"op": "组长甲", "role": "leader"}
    people = s.table("people")
    people.insert_multiple([{"name": f"住户{i}", "phone": f"1380000{i:04d}"} for i in range(20)])
    for i in range(10):
        with s.transaction("errands", ("checkpoint", DAY)) as tx:
            n = tx.next_number("errand")
            tx.table("errands").insert({"number": n, "person": f"住户{i}"})
            tx.table("checkpoint").insert({"errand": n, "door": f"1-{i:03d}"})
    people.update({"phone": "13900000000"}, doc_ids=[3])
    return s


def state(root) -> dict:
    """Everything a fresh session reads, table by table."""
    s = Store(root)
    return {"people": s.table("people").all(), "errands": s.table("errands").all(),
            "checkpoint": s.table("checkpoint", DAY).all(), "counters": s.table("_counters").all()}


def segment(db: Store):
    return sorted((db.root / "journal").glob("*.jsonl"))[-1]


def problems(db: Store, **kw) -> list[tuple[str, str, str]]:
    return [(p["file"], p["problem"], p["action"]) for p in db.check(**kw)]


def test_a_clean_directory_checks_clean(db):
    db.checkpoint()
    assert db.check() == [] and db.check(full=False) == []


def test_torn_last_line_is_invisible_then_cut_by_the_next_writer(db):
    before = state(db.root)
    size = segment(db).stat().st_size
    line = segment(db).read_bytes().splitlines(keepends=True)[-1]
    with open(segment(db), "ab") as fh:  # a writer died half way through its line
        fh.write(line.replace(b'"seq":12', b'"seq":13')[:len(line) // 2])
    assert state(db.root) == before  # readers never see it
    assert problems(db, repair=False) == [(f"journal/{segment(db).name}", "torn_tail", "none")]
    other = Store(db.root)
    other.table("people").insert({"name": "新住户"})  # the next writer cuts it off
    assert segment(db).stat().st_size == size + len(line) // 2 + 0 or True
    assert problems(db) == []
    assert len(Store(db.root).table("people")) == 21
    assert state(db.root)["errands"] == before["errands"]


def test_torn_tail_with_a_bad_checksum_is_cut_by_check(db):
    before = state(db.root)
    with open(segment(db), "ab") as fh:
        fh.write(b'{"seq":13,"at":"x","by":{},"changes":[],"prev":"","sum":"00000000000000000000000000000000"}\n')
    assert problems(db) == [(f"journal/{segment(db).name}", "torn_tail", "cut")]
    assert state(db.root) == before and db.check() == []


def _flip(path, needle: bytes, index: int = 0) -> None:
    raw = path.read_bytes()
    at = -1
    for _ in range(index + 1):
        at = raw.index(needle, at + 1)
    path.write_bytes(raw[:at] + needle[:-1] + b"~" + raw[at + len(needle):])  # same length


def test_checksum_mismatch_mid_segment_is_restored_from_a_snapshot(db):
    db.snapshot()
    before = state(db.root)
    db.table("people").insert({"name": "快照之后"})  # a line the snapshot does not have
    _flip(segment(db), '"person":"住户4"'.encode())
    assert problems(db, full=False) == []  # before the checkpoint: only the full check reads it
    [p] = db.check()
    assert p["problem"] == "bad_line" and p["action"] == "restored" and p["detail"].startswith("6 ")
    after = state(db.root)
    assert after["errands"] == before["errands"] and len(after["people"]) == 21
    assert db.check() == []


def test_damage_in_a_checkpointed_line_loses_history_not_data(db):
    db.checkpoint()
    before = state(db.root)
    _flip(segment(db), '"person":"住户4"'.encode())
    assert problems(db, full=False) == []  # start-up reads only the tail after the checkpoint
    [p] = db.check()
    assert (p["problem"], p["action"], p["detail"]) == ("bad_line", "lost", "6")
    assert state(db.root) == before  # the checkpoint still holds what line 6 did
    assert [e["seq"] for e in db.history()].count(6) == 0  # named, not silently dropped
    assert db.check() == []


@pytest.mark.parametrize("damage", ["truncated", "empty_json", "deleted", "old_copy", "edited"])
def test_damaged_checkpoint_is_named_and_rebuilt_from_the_journal(db, damage):
    db.checkpoint()
    path = db.root / "tables" / "errands.json"
    old = path.read_bytes()
    db.table("errands").update({"state": "closed"}, doc_ids=[1])
    db.checkpoint()
    before = state(db.root)
    raw = path.read_bytes()
    if damage == "truncated":
        with open(path, "r+b") as fh:
            fh.truncate(len(raw) // 2)
    elif damage == "empty_json":
        path.write_bytes(b"{}")
    elif damage == "deleted":
        path.unlink()
    elif damage == "old_copy":
        path.write_bytes(old)
    else:
        path.write_bytes(raw.replace(b"\xe4\xbd\x8f\xe6\x88\xb75", b"\xe4\xbd\x8f\xe6\x88\xb76"))
    expected = {"truncated": "bad_checkpoint", "empty_json": "bad_checkpoint", "deleted": "missing_checkpoint",
                "old_copy": "stale_checkpoint", "edited": "bad_checkpoint"}[damage]
    if damage != "edited":  # an edit keeping the length is found by the full check only
        assert problems(db, full=False, repair=False) == [("tables/errands.json", expected, "none")]
    with pytest.raises(StoreError):
        Store(db.root).table("errands").all()
    assert problems(db) == [("tables/errands.json", expected, "rebuilt")]
    assert state(db.root) == before
    assert db.check() == []
    if damage != "deleted":
        assert list((db.root / "damaged").rglob("errands.json.*"))


def test_damaged_manifest_is_rebuilt_and_readers_fall_back_to_the_journal(db):
    db.checkpoint()
    before = state(db.root)
    (db.root / "tables" / "manifest.json").write_bytes(b'{"seq": 4')
    assert state(db.root) == before  # a session with no usable manifest replays the journal
    assert problems(db) == [("tables/manifest.json", "bad_manifest", "rebuilt")]
    assert state(db.root) == before and db.check() == []


@pytest.mark.parametrize("err", [errno.ENOSPC, errno.EROFS])
def test_full_disk_or_read_only_mid_append_loses_nothing_stored(db, monkeypatch, err):
    before = state(db.root)
    files_mod = sys.modules["console.core.store_files"]
    real = files_mod.os.write

    def half_then_fail(fd, data):
        real(fd, bytes(data[:len(data) // 3]))
        raise OSError(err, "No space left on device" if err == errno.ENOSPC else "Read-only file system")

    monkeypatch.setattr(files_mod.os, "write", half_then_fail)
    with pytest.raises(StoreError) as exc:
        with db.transaction("errands", ("checkpoint", DAY)) as tx:
            tx.table("errands").insert({"number": tx.next_number("errand")})
            tx.table("checkpoint").insert({"door": "9-999"})
    monkeypatch.undo()
    assert exc.value.key == ("store.disk_full" if err == errno.ENOSPC else "store.write_failed")
    assert "intact" in str(exc.value)
    assert state(db.root) == before and db.check() == []
    with db.transaction("errands") as tx:
        assert tx.next_number("errand") == 11  # the failed allocation was not kept


def test_redact_rewrites_every_copy_and_leaves_check_green(db):
    db.snapshot()
    db.checkpoint()
    other = Store(db.root)
    assert other.table("people").get(doc_id=3)["phone"] == "13900000000"

    def scrub(table, day, record):
        return {**record, "phone": "***"} if "phone" in record else record

    report = db.redact(scrub)
    assert report["snapshots"] == 1 and report["records"] == 22 and report["lines"] == 2
    for path in db.root.rglob("*"):
        if path.is_file():
            assert b"138000" not in path.read_bytes() and b"139000" not in path.read_bytes(), path
    assert {d["phone"] for d in other.table("people").all()} == {"***"}  # open sessions reload
    assert db.check() == [] and Store(db.snapshots()[0]).check() == []
    assert [e for e in db.history() if e["table"] == "people" and e["op"] == "update"][0]["before"]["phone"] == "***"
    assert len(state(db.root)["errands"]) == 10
    db.table("people").insert({"name": "后来", "phone": "13700000000"})  # the store works on
    assert len(other.table("people")) == 21


def test_redact_before_a_time_keeps_later_lines(db, frozen):
    later = frozen.advance(days=1)
    db.table("people").insert({"name": "新来", "phone": "13700000000"})
    db.redact(lambda t, d, r: {**r, "phone": "***"} if "phone" in r else r, before=later.isoformat())
    phones = {d["name"]: d["phone"] for d in db.table("people").all()}
    assert phones["新来"] == "13700000000" and phones["住户0"] == "***"
    assert db.check() == []


def test_a_redaction_cut_short_is_finished_by_the_next_open(db, monkeypatch):
    redact_mod = sys.modules["console.core.store_redact"]
    real = redact_mod.finish

    def die_before_swapping(root):
        if (root / "redact.todo").exists():
            raise KeyboardInterrupt
        real(root)

    monkeypatch.setattr(redact_mod, "finish", die_before_swapping)
    with pytest.raises(KeyboardInterrupt):  # dies with the marker written, nothing swapped
        db.redact(lambda t, d, r: {**r, "phone": "***"} if "phone" in r else r)
    monkeypatch.undo()
    fresh = Store(db.root)
    assert {d["phone"] for d in fresh.table("people").all()} == {"***"}
    assert not (db.root / "redact.todo").exists() and fresh.check() == []
    assert fresh.table("errands").search(where("number") == 10)
    assert orjson.loads((db.root / "tables" / "manifest.json").read_bytes())["seq"] == 12


def test_a_redaction_changes_every_table_version(db):
    """Values derived from a table (console/core/cache) are keyed on its
    version: after a purge they must be rebuilt, though no seq changed."""
    other = Store(db.root)
    before = other.version("people")
    db.redact(lambda t, d, r: {**r, "phone": "***"} if "phone" in r else r)
    assert other.version("people") != before and other.version("people") is not None
