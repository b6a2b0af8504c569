"""Plain (single-process) tests for console/store.py.

Multi-process behaviour (locking, kill -9, cross-process freshness) is in
test_store_processes.py.
"""

from __future__ import annotations

import datetime as dt
import errno
import os
import stat
import subprocess
import sys
import sysconfig
import tempfile
from pathlib import Path

import orjson
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from tinydb import where

import console.core.store as store_mod
from console.core import clock
from console.core.store import Store, StoreError

NOW = dt.datetime(2026, 3, 5, 9, 30, tzinfo=dt.timezone(dt.timedelta(hours=8)))


@pytest.fixture
def frozen(monkeypatch):
    monkeypatch.setattr(clock, "now", lambda: NOW)
    return NOW


@pytest.fixture
def db(tmp_path, frozen) -> Store:
    s = Store(tmp_path / "data")
    s.actor = {"op": "组长甲", "role": "leader"}
    return s


def audit(db: Store) -> list[dict]:
    return db.table("audit", day=True).all()


def raw(path: Path) -> dict:
    return orjson.loads(path.read_bytes())


# -- insert / search / get / update / remove / upsert ---------------------------

def test_insert_stamps_who_and_when_and_audits(db):
    t = db.table("people")
    doc_id = t.insert({"name": "张三", "door": "5-302"})
    doc = t.get(doc_id=doc_id)
    assert doc["name"] == "张三"
    assert doc["_at"] == NOW.isoformat()
    by = doc["_by"]
    assert by["op"] == "组长甲" and by["role"] == "leader"
    assert by["unix"] and by["tty"]
    [entry] = audit(db)
    assert entry["op"] == "insert" and entry["table"] == "people"
    assert entry["file"] == "people.json" and entry["id"] == doc_id
    assert entry["before"] is None and entry["after"] == dict(doc)
    assert entry["_by"]["op"] == "组长甲" and entry["_at"] == NOW.isoformat()


def test_insert_multiple_gives_fresh_unique_ids(db):
    t = db.table("people")
    ids = t.insert_multiple([{"n": i} for i in range(5)])
    assert ids == [1, 2, 3, 4, 5]
    assert t.insert({"n": 5}) == 6
    assert len(t) == 6 and len(audit(db)) == 6
    version = t.version()
    assert t.insert_multiple([]) == [] and t.version() == version  # nothing to write


def test_search_get_count_contains_all_iter(db):
    t = db.table("people")
    t.insert_multiple([{"name": n, "age": a} for n, a in [("甲", 30), ("乙", 40), ("丙", 40)]])
    assert [d["name"] for d in t.search(where("age") == 40)] == ["乙", "丙"]
    assert t.get(where("name") == "甲")["age"] == 30
    assert t.get(where("name") == "无") is None
    assert t.count(where("age") == 40) == 2
    assert t.contains(where("name") == "丙") and not t.contains(where("name") == "丁")
    assert t.contains(doc_id=1) and not t.contains(doc_id=99)
    assert len(t.all()) == 3 == len(t) == len(list(t))
    assert db.table("nothing_here").all() == [] and len(db.table("nothing_here")) == 0


def test_update_stamps_and_audits_before_and_after(db, monkeypatch):
    t = db.table("people")
    doc_id = t.insert({"name": "张三", "age": 30})
    later = NOW + dt.timedelta(minutes=5)
    monkeypatch.setattr(clock, "now", lambda: later)
    db.actor = {"op": "志愿者乙", "role": "volunteer"}
    assert t.update({"age": 31}, where("name") == "张三") == [doc_id]
    doc = t.get(doc_id=doc_id)
    assert doc["age"] == 31
    assert doc["_at"] == NOW.isoformat() and doc["_by"]["op"] == "组长甲"  # creation kept
    assert doc["_upd_at"] == later.isoformat() and doc["_upd_by"]["op"] == "志愿者乙"
    entry = [e for e in audit(db) if e["op"] == "update"]
    assert len(entry) == 1
    assert entry[0]["before"]["age"] == 30 and "_upd_at" not in entry[0]["before"]
    assert entry[0]["after"] == dict(doc)
    assert t.update({"age": 1}, where("name") == "无人") == []
    assert len([e for e in audit(db) if e["op"] == "update"]) == 1  # no-op not audited


def test_update_with_callable_keeps_audit_before_intact(db):
    """A callable that mutates a nested list in place must not leak into the
    audit's "before" (nor into other readers' cached data)."""
    t = db.table("people")
    doc_id = t.insert({"name": "张三", "tags": ["a"]})
    t.update(lambda d: d["tags"].append("b"), doc_ids=[doc_id])
    assert t.get(doc_id=doc_id)["tags"] == ["a", "b"]
    [entry] = [e for e in audit(db) if e["op"] == "update"]
    assert entry["before"]["tags"] == ["a"] and entry["after"]["tags"] == ["a", "b"]


def test_remove_audits_what_was_removed(db):
    t = db.table("people")
    t.insert_multiple([{"name": "甲"}, {"name": "乙"}])
    assert t.remove(where("name") == "甲") == [1]
    assert [d["name"] for d in t.all()] == ["乙"]
    assert t.remove(doc_ids=[2]) == [2]
    assert t.all() == []
    removed = [e for e in audit(db) if e["op"] == "remove"]
    assert [(e["id"], e["before"]["name"], e["after"]) for e in removed] == [(1, "甲", None), (2, "乙", None)]
    with pytest.raises(ValueError):
        t.remove()


def test_upsert_updates_when_found_inserts_otherwise(db):
    t = db.table("settings")
    assert t.upsert({"key": "idle", "value": 10}, where("key") == "idle") == [1]
    assert t.upsert({"key": "idle", "value": 5}, where("key") == "idle") == [1]
    assert [(d["key"], d["value"]) for d in t.all()] == [("idle", 5)]
    assert [e["op"] for e in audit(db)] == ["insert", "update"]


def test_audit_table_is_not_audited_itself(db):
    db.table("people").insert({"name": "甲"})
    assert len(audit(db)) == 1


# -- day sharding, shared files --------------------------------------------------

def test_daily_tables_get_one_file_per_day(db):
    db.table("checkpoint", day="2026-03-04").insert({"door": "1-101"})
    db.table("checkpoint", day=dt.date(2026, 3, 5)).insert({"door": "1-102"})
    db.table("checkpoint").insert({"door": "1-103"})  # default: today (frozen 03-05)
    db.table("checkpoint", day=True).insert({"door": "1-104"})
    root = db.root
    assert (root / "checkpoint" / "2026-03-04.json").is_file()
    assert raw(root / "checkpoint" / "2026-03-04.json")["checkpoint"]["1"]["door"] == "1-101"
    assert [d["door"] for d in db.table("checkpoint", day="2026-03-05").all()] == ["1-102", "1-103", "1-104"]
    assert db.days("checkpoint") == ["2026-03-04", "2026-03-05"]
    assert db.days("never") == []
    assert not (root / "checkpoint.json").exists()
    for bad in ("yesterday", "2026-3-5", "../x"):
        with pytest.raises(StoreError):
            db.table("checkpoint", day=bad)
    with pytest.raises(StoreError):
        db.table("Bad Name")


def test_extra_daily_table_can_be_registered(db, monkeypatch):
    monkeypatch.setattr(Store, "DAILY", Store.DAILY | {"errand_log"})
    db.table("errand_log").insert({"x": 1})
    assert db.days("errand_log") == ["2026-03-05"]


def test_version_changes_on_every_write(db):
    assert db.version("people") is None
    t = db.table("people")
    t.insert({"n": 1})
    v1 = db.version("people")
    t.insert({"n": 2})
    v2 = db.version("people")
    assert v1 and v2 and v1 != v2 and t.version() == v2
    db.table("checkpoint").insert({"n": 1})
    assert db.version("checkpoint") == db.version("checkpoint", True) is not None


def test_share_file_puts_two_tables_in_one_file_written_once(db, monkeypatch):
    monkeypatch.setitem(Store.FILES, "stock_moves", "stock")
    writes = []
    real = store_mod.os.replace

    def counting_replace(src, dst):
        writes.append(Path(dst).name)
        return real(src, dst)

    monkeypatch.setattr(store_mod.os, "replace", counting_replace)
    with db.transaction("stock", "stock_moves") as tx:
        tx.table("stock").insert({"item": "体温计", "balance": 10})
        tx.table("stock_moves").insert({"item": "体温计", "qty": 10})
    assert writes.count("stock.json") == 1
    assert not (db.root / "stock_moves.json").exists()
    data = raw(db.root / "stock.json")
    assert set(data) >= {"stock", "stock_moves"}
    assert db.table("stock_moves").all()[0]["qty"] == 10
    # a plain Table write goes to the shared file too
    db.table("stock_moves").insert({"item": "体温计", "qty": -1})
    assert len(raw(db.root / "stock.json")["stock_moves"]) == 2


# -- transactions ------------------------------------------------------------------

def test_transaction_commits_all_tables_stamped_and_audited(db):
    with db.transaction("orders", ("checkpoint", "2026-03-05")) as tx:
        tx.table("orders").insert({"no": 1})
        tx.table("checkpoint", "2026-03-05").insert({"door": "1-101"})
    assert db.table("orders").all()[0]["_by"]["op"] == "组长甲"
    assert db.table("checkpoint").all()[0]["_at"] == NOW.isoformat()
    assert sorted((e["table"], e["op"]) for e in audit(db)) == [("checkpoint", "insert"), ("orders", "insert")]


def test_transaction_exception_changes_nothing_on_disk_or_in_cache(db):
    t = db.table("stock")
    t.insert({"item": "体温计", "balance": 3})
    before = (db.root / "stock.json").read_bytes()
    audit_before = len(audit(db))
    with pytest.raises(RuntimeError):
        with db.transaction("stock", "orders") as tx:
            tx.table("stock").update({"balance": 0}, where("item") == "体温计")
            tx.table("stock").insert({"item": "口罩"})
            tx.table("orders").insert({"no": 1})
            raise RuntimeError("changed my mind")
    assert (db.root / "stock.json").read_bytes() == before
    assert not (db.root / "orders.json").exists()
    assert [(d["item"], d["balance"]) for d in t.all()] == [("体温计", 3)]  # cache not polluted
    assert len(audit(db)) == audit_before


def test_transaction_handles_stay_consistent(db):
    """Two handles on one table inside a transaction share the staged data."""
    with db.transaction("orders") as tx:
        a = tx.table("orders")
        a.insert({"n": 1})
        tx.table("orders").insert({"n": 2})
        a.insert({"n": 3})
    assert sorted(d["n"] for d in db.table("orders").all()) == [1, 2, 3]
    assert len({d.doc_id for d in db.table("orders").all()}) == 3


def test_transaction_on_daily_table_defaults_to_today(db):
    with db.transaction("checkpoint") as tx:
        tx.table("checkpoint").insert({"door": "1-101"})
    assert db.days("checkpoint") == ["2026-03-05"]


def test_next_number_unique_and_persistent(db, tmp_path):
    seen = []
    for _ in range(3):
        with db.transaction("orders") as tx:
            n = tx.next_number("order")
            tx.table("orders").insert({"no": n})
            seen.append(n)
    with db.transaction("orders") as tx:
        assert tx.next_number("pass") == 1  # counters are independent
        assert tx.next_number("order") == 4  # and several per transaction work
        assert tx.next_number("order") == 5
    again = Store(db.root)  # a new session continues the counter
    with again.transaction("orders") as tx:
        assert tx.next_number("order") == 6
    with pytest.raises(RuntimeError):
        with again.transaction("orders") as tx:
            tx.next_number("order")
            raise RuntimeError
    with again.transaction("orders") as tx:
        assert tx.next_number("order") == 7  # an aborted allocation is not kept
    assert seen == [1, 2, 3]
    assert "_counters" not in {e["table"] for e in audit(db)}
    assert [d["no"] for d in db.table("orders").all()] == [1, 2, 3]


def test_next_number_in_named_table_file(db):
    with db.transaction("errands", "passes") as tx:
        assert tx.next_number("pass", "passes") == 1
    assert "_counters" in raw(db.root / "passes.json")
    assert "_counters" not in raw(db.root / "errands.json") if (db.root / "errands.json").exists() else True


# -- files: permissions, encoding ---------------------------------------------------

@pytest.mark.parametrize("mask", [0o022, 0o077])
def test_group_shared_permissions_whatever_the_umask(tmp_path, mask, monkeypatch):
    monkeypatch.setattr(clock, "now", lambda: NOW)
    old = os.umask(mask)
    try:
        s = Store(tmp_path / "data")
        s.table("people").insert({"n": 1})
        s.table("checkpoint").insert({"n": 1})
        with s.transaction("stock") as tx:
            tx.table("stock").insert({"n": 1})
        s.snapshot()
        (s.root / "people.json").write_bytes(b"{broken")  # make check() quarantine + restore
        s.check()
    finally:
        os.umask(old)
    seen = {"file": 0, "lock": 0, "dir": 0}
    for dirpath, dirnames, filenames in os.walk(s.root):
        mode = stat.S_IMODE(os.stat(dirpath).st_mode)
        assert mode == 0o2770, (dirpath, oct(mode))
        seen["dir"] += 1
        for f in filenames:
            p = Path(dirpath) / f
            mode = stat.S_IMODE(os.stat(p).st_mode)
            assert mode == 0o660, (p, oct(mode))
            seen["lock" if f.endswith(".lock") else "file"] += 1
    assert seen["file"] >= 6 and seen["lock"] >= 3 and seen["dir"] >= 5  # snapshots, damaged, audit...


def test_utf8_not_escaped(db):
    db.table("people").insert({"name": "张三", "note": "买菜 🥬"})
    data = (db.root / "people.json").read_bytes()
    assert "张三".encode() in data and "🥬".encode() in data
    assert b"\\u" not in data
    data.decode("utf-8")


# -- failures: disk full, bad directory -----------------------------------------------

def _no_temp_files(root: Path) -> bool:
    return not [f for _, _, fs in os.walk(root) for f in fs if ".tmp." in f]


@pytest.mark.parametrize("op", ["insert", "update", "transaction"])
def test_disk_full_is_a_clear_error_and_nothing_changes(db, monkeypatch, op):
    t = db.table("stock")
    t.insert({"item": "体温计", "balance": 3, "tags": ["x"]})
    before = (db.root / "stock.json").read_bytes()
    audit_before = (db.root / "audit" / "2026-03-05.json").read_bytes()
    t.all()  # warm the cache

    def full(fd, data):
        raise OSError(errno.ENOSPC, "No space left on device")

    with monkeypatch.context() as m:
        m.setattr(store_mod.os, "write", full)
        with pytest.raises(StoreError) as err:
            if op == "insert":
                t.insert({"item": "口罩"})
            elif op == "update":
                t.update(lambda d: (d.update(balance=0), d["tags"].append("y")), where("item") == "体温计")
            else:
                with db.transaction("stock", "orders") as tx:
                    tx.table("orders").insert({"no": 1})
                    tx.table("stock").update({"balance": 2}, doc_ids=[1])
    assert err.value.key == "store.disk_full"
    assert "disk is full" in str(err.value) and "intact" in str(err.value)
    assert (db.root / "stock.json").read_bytes() == before
    assert (db.root / "audit" / "2026-03-05.json").read_bytes() == audit_before
    assert not (db.root / "orders.json").exists()
    assert _no_temp_files(db.root)
    [doc] = t.all()  # the cache was not polluted: old data comes back
    assert doc["balance"] == 3 and doc["tags"] == ["x"]
    t.insert({"item": "口罩"})  # and the store works again once there is space
    assert len(t) == 2


def test_disk_full_on_second_file_of_transaction_changes_neither(db, monkeypatch):
    """All temp files are written before any is put in place, so a full disk
    half way through a multi-file transaction leaves every file as it was."""
    db.table("a_first").insert({"n": 1})
    db.table("b_second").insert({"n": 1})
    files = {n: (db.root / f"{n}.json").read_bytes() for n in ("a_first", "b_second")}
    real, calls = store_mod.os.write, []

    def full_on_second(fd, data):
        calls.append(fd)
        if len(calls) > 1:
            raise OSError(errno.ENOSPC, "No space left on device")
        return real(fd, data)

    monkeypatch.setattr(store_mod.os, "write", full_on_second)
    with pytest.raises(StoreError):
        with db.transaction("a_first", "b_second") as tx:
            tx.table("a_first").insert({"n": 2})
            tx.table("b_second").insert({"n": 2})
    monkeypatch.undo()
    assert {n: (db.root / f"{n}.json").read_bytes() for n in files} == files
    assert _no_temp_files(db.root)


def test_other_write_error_names_the_file(db, monkeypatch):
    db.table("people").insert({"n": 1})

    def readonly(*a, **k):
        raise OSError(errno.EROFS, "Read-only file system")

    monkeypatch.setattr(store_mod.os, "write", readonly)
    with pytest.raises(StoreError) as err:
        db.table("people").insert({"n": 2})
    monkeypatch.undo()
    assert err.value.key == "store.write_failed"
    assert "people.json" in str(err.value) and "Read-only" in str(err.value)
    assert len(db.table("people")) == 1


def test_missing_data_dir_is_a_store_error(tmp_path):
    with pytest.raises(StoreError) as err:
        Store(tmp_path / "no" / "such" / "dir")
    assert err.value.key == "store.no_dir" and "such" in str(err.value)
    with pytest.raises(StoreError):
        Store(tmp_path / "absent", create=False)
    assert not (tmp_path / "absent").exists()


def test_read_only_data_dir_is_a_store_error():
    """Root ignores directory permissions, so as root this runs as 'nobody'."""
    base = Path(tempfile.mkdtemp(prefix="store-ro-"))
    try:
        os.chmod(base, 0o755)
        ro = base / "data"
        ro.mkdir()
        os.chmod(ro, 0o555)
        code = ("import sys; from console.core.store import Store, StoreError\n"
                "try:\n    Store(sys.argv[1])\nexcept StoreError as e:\n    print(e.key)\n")
        kwargs = {}
        if os.geteuid() == 0:
            kwargs = {"user": 65534, "group": 65534, "extra_groups": []}
        repo = str(Path(__file__).resolve().parents[1])
        env = {**os.environ, "PYTHONPATH": os.pathsep.join([repo, sysconfig.get_paths()["purelib"]])}
        out = None
        for python in (sys.executable, "/usr/bin/python3"):  # nobody may not reach the venv's base
            try:
                out = subprocess.run([python, "-c", code, str(ro)], capture_output=True, text=True,
                                     cwd=repo, env=env, timeout=60, **kwargs)
            except (PermissionError, FileNotFoundError):
                continue
            if out.returncode == 0:
                break
        if out is None or out.returncode:
            pytest.skip(f"cannot run python as an unprivileged user: {out and out.stderr[-300:]}")
        assert out.stdout.strip() == "store.not_writable", out.stderr
    finally:
        os.chmod(base / "data", 0o755)
        for p in base.iterdir():
            p.rmdir()
        base.rmdir()


# -- integrity check, snapshots, recovery ---------------------------------------------

def _corrupt(path: Path, payload: bytes = b'{"people": {"1": {"name": "trunc') -> None:
    """Damage a data file the way a crash or a bad editor would: replace it.

    Snapshots are hard links to the same inode, so writing into the file in
    place would damage the snapshot copies too; a new file os.replace()d over
    the old one leaves them alone (the store itself only ever replaces files).
    """
    tmp = path.with_name("bad-" + path.name + ".part")
    tmp.write_bytes(payload)
    os.replace(tmp, path)


def test_snapshot_hard_links_every_data_file(db):
    db.table("people").insert({"n": 1})
    db.table("checkpoint").insert({"n": 1})
    snap = db.snapshot()
    assert snap in db.snapshots()
    for rel in ("people.json", "checkpoint/2026-03-05.json", "audit/2026-03-05.json"):
        assert os.stat(db.root / rel).st_ino == os.stat(snap / rel).st_ino
    assert db.data_files() and all(db.root / SNAP not in p.parents
                                   for p in db.data_files() for SNAP in [store_mod.SNAPSHOTS])
    db.table("people").insert({"n": 2})  # the snapshot keeps the old content
    assert len(raw(snap / "people.json")["people"]) == 1


def test_snapshot_keeps_only_the_newest(db, monkeypatch):
    db.table("people").insert({"n": 1})
    for i in range(4):
        monkeypatch.setattr(clock, "now", lambda i=i: NOW + dt.timedelta(seconds=i))
        db.snapshot(keep=2)
    assert [p.name.split("-")[1] for p in db.snapshots()] == ["093002", "093003"]


def test_check_names_corrupt_file_quarantines_and_restores_newest_good_snapshot(db):
    t = db.table("people")
    t.insert({"name": "甲"})
    db.snapshot()
    t.insert({"name": "乙"})
    _corrupt(db.root / "people.json")
    with pytest.raises(StoreError) as err:
        t.all()
    assert err.value.key == "store.corrupt" and "people.json" in str(err.value)
    problems = db.check()
    assert len(problems) == 1
    p = problems[0]
    assert p["file"] == "people.json" and p["problem"] == "damaged" and p["action"] == "restored"
    assert p["from"].startswith(store_mod.SNAPSHOTS + "/")
    kept = db.root / p["kept"]
    assert kept.parent.parent == db.root / store_mod.QUARANTINE or store_mod.QUARANTINE in kept.parts
    assert kept.read_bytes().startswith(b'{"people": {"1": {"name": "trunc')  # nothing thrown away
    assert [d["name"] for d in t.all()] == ["甲"]
    assert db.check() == []


def test_check_skips_a_damaged_snapshot_for_an_older_good_one(db, monkeypatch):
    t = db.table("checkpoint")
    t.insert({"door": "1-101"})
    old = db.snapshot()
    monkeypatch.setattr(clock, "now", lambda: NOW + dt.timedelta(seconds=5))
    t.insert({"door": "1-102"})
    new = db.snapshot()
    _corrupt(new / "checkpoint" / "2026-03-05.json")
    _corrupt(db.root / "checkpoint" / "2026-03-05.json")
    [p] = db.check()
    assert p["file"] == "checkpoint/2026-03-05.json" and p["action"] == "restored"
    assert p["from"] == str((old / "checkpoint" / "2026-03-05.json").relative_to(db.root))
    assert [d["door"] for d in t.all()] == ["1-101"]


def test_corrupt_file_without_snapshot_is_reported_and_left_in_place(db):
    db.table("people").insert({"name": "甲"})
    _corrupt(db.root / "people.json", b"\x00\x00garbage")
    [p] = db.check()
    assert p == {"file": "people.json", "problem": "damaged", "action": "none", "from": ""}
    assert (db.root / "people.json").read_bytes() == b"\x00\x00garbage"
    assert not (db.root / store_mod.QUARANTINE).exists()
    assert db.check(repair=False) == [p]  # still reported next time: nothing silently dropped


def test_check_without_repair_only_reports(db):
    db.table("people").insert({"name": "甲"})
    db.snapshot()
    _corrupt(db.root / "people.json")
    [p] = db.check(repair=False)
    assert p["file"] == "people.json" and p["action"] == "none"
    with pytest.raises(StoreError):
        db.table("people").all()


@pytest.mark.parametrize("payload", [b"", b"[1, 2]", b'"text"', b"{\"people\": "])
def test_check_flags_empty_and_non_object_files(db, payload):
    """The store never writes an empty file, so a 0-byte data file is damage
    (e.g. truncated), not an empty table."""
    db.table("people").insert({"name": "甲"})
    _corrupt(db.root / "people.json", payload)
    assert [p["file"] for p in db.check()] == ["people.json"]


def test_check_removes_leftover_temp_files_only(db):
    db.table("people").insert({"n": 1})
    db.table("checkpoint").insert({"n": 1})
    leftovers = [db.root / ".people.json.tmp.4242.deadbeef",
                 db.root / "checkpoint" / ".2026-03-05.json.tmp.17.0badc0de"]
    for p in leftovers:
        p.write_bytes(b'{"half')
    keep = db.root / "notes.txt"
    keep.write_text("mine")
    assert db.check() == []
    assert not any(p.exists() for p in leftovers)
    assert keep.exists()
    assert len(db.table("people")) == 1


def test_reads_see_writes_of_another_store_object(db, tmp_path):
    other = Store(db.root)
    t = db.table("people")
    assert other.table("people").all() == []
    t.insert({"n": 1})
    assert [d["n"] for d in other.table("people").all()] == [1]
    other.table("people").insert({"n": 2})
    assert [d["n"] for d in t.all()] == [1, 2]
    assert t.insert({"n": 3}) == 3  # ids come from fresh data, not a cached next id


# -- the fast append path ---------------------------------------------------------------

json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-2**53, 2**53) | st.text(max_size=8)
    | st.floats(allow_nan=False, allow_infinity=False),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3),
    max_leaves=8)
json_docs = st.dictionaries(st.text(max_size=6), json_values, max_size=4)


@settings(max_examples=150, deadline=None)
@given(st.dictionaries(st.sampled_from(["t", "_counters", "other"]),
                       st.dictionaries(st.integers(1, 50).map(str), json_docs, max_size=4), max_size=3),
       st.lists(json_docs, min_size=1, max_size=3), st.booleans())
def test_spliced_append_is_exactly_a_full_serialisation(data, docs, pretty):
    raw = orjson.dumps(data, option=orjson.OPT_INDENT_2 if pretty else 0)
    new, ids, payload = store_mod._appended(data, "t", docs, raw)
    assert data.get("t", {}) == orjson.loads(raw).get("t", {})  # input untouched
    assert ids == list(range(max(map(int, data.get("t", {})), default=0) + 1,
                             max(map(int, data.get("t", {})), default=0) + 1 + len(docs)))
    if payload is not None:
        assert orjson.loads(payload) == new
        if not pretty:
            assert payload == orjson.dumps(new)


def test_appends_keep_the_file_canonical_and_other_tables_intact(db):
    with db.transaction("orders") as tx:
        tx.table("orders").insert({"no": 0})
        tx.next_number("order")  # "_counters" is now the file's last table
    t = db.table("orders")
    for i in range(1, 4):
        assert t.insert({"no": i, "名": "张"}) == i + 1
    raw_bytes = (db.root / "orders.json").read_bytes()
    assert raw_bytes == orjson.dumps(orjson.loads(raw_bytes))
    assert raw(db.root / "orders.json")["_counters"] == {"1": {"order": 1}}
    assert [d["no"] for d in Store(db.root).table("orders").all()] == [0, 1, 2, 3]
    # a hand-edited (indented) file is appended to correctly as well
    path = db.root / "people.json"
    db.table("people").insert({"n": 1})
    _corrupt(path, orjson.dumps(raw(path), option=orjson.OPT_INDENT_2))
    db.table("people").insert({"n": 2})
    assert [d["n"] for d in Store(db.root).table("people").all()] == [1, 2]


def test_appends_from_other_sessions_use_the_lock_file_hint_without_parsing(db, monkeypatch):
    """A writer whose cache is stale splices onto the file when the lock file's
    hint names the file's current identity, and parses it when it does not."""
    a, b = db, Store(db.root)
    a.table("checkpoint").insert({"n": 1})
    b.table("checkpoint").insert({"n": 2})  # b has never parsed the file
    parsed = []
    real_load = store_mod._load
    monkeypatch.setattr(store_mod, "_load", lambda raw_, path: parsed.append(path.name) or real_load(raw_, path))
    for i in range(3, 9):
        (a if i % 2 else b).table("checkpoint").insert({"n": i})
    assert parsed == []  # every append spliced: no writer parsed the day file or the audit
    b.table("checkpoint").update({"seen": True}, doc_ids=[1])  # a write that leaves no hint
    a.table("checkpoint").insert({"n": 9})  # so this one must parse
    assert "2026-03-05.json" in parsed
    # a hint that does not match the file is ignored
    lock = db.root / "checkpoint" / "2026-03-05.json.lock"
    lock.write_bytes(orjson.dumps({"ident": [1, 2, 3, 4], "last": "checkpoint", "high": 1}))
    Store(db.root).table("checkpoint").insert({"n": 10})
    lock.write_bytes(b"\x00garbage")
    Store(db.root).table("checkpoint").insert({"n": 11})
    monkeypatch.setattr(store_mod, "_load", real_load)
    rows = Store(db.root).table("checkpoint").all()
    assert [d["n"] for d in rows] == list(range(1, 12)) and [d.doc_id for d in rows] == list(range(1, 12))
    raw_bytes = (db.root / "checkpoint" / "2026-03-05.json").read_bytes()
    assert raw_bytes == orjson.dumps(orjson.loads(raw_bytes))
    trail = [e["after"]["n"] for e in audit(db) if e["op"] == "insert"]
    assert trail == list(range(1, 12))
    assert [e.doc_id for e in audit(db)] == list(range(1, 13))
