"""Plain (single-process) tests for console/store.py: the TinyDB Table API,
transactions, counters, the journal as audit trail, files and failures.

Multi-process behaviour (locking, kill -9, cross-process freshness) is in
test_store_processes.py; damage and repair in test_store_damage.py; the 0.1
upgrade in test_store_migrate.py.
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
from tinydb import where

import console.core.store as store_mod
from console.core.store import Store, StoreError

NOW = dt.datetime(2026, 3, 5, 9, 30, tzinfo=dt.timezone(dt.timedelta(hours=8)))


@pytest.fixture
def frozen(freeze_clock):
    return freeze_clock(NOW)


@pytest.fixture
def db(tmp_path, frozen) -> Store:
    s = Store(tmp_path / "data")
    s.actor = {"op": "组长甲", "role": "leader"}
    return s


def audit(db: Store) -> list[dict]:
    """The audit trail (the journal), without counter changes."""
    return [e for e in db.history() if not e["table"].startswith("_")]


def journal_bytes(db: Store) -> bytes:
    return b"".join(p.read_bytes() for p in sorted((db.root / "journal").glob("*.jsonl")))


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
    assert entry["day"] is None and entry["id"] == doc_id and entry["seq"] == 1
    assert entry["before"] is None and entry["after"] == dict(doc)
    assert entry["by"]["op"] == "组长甲" and entry["at"] == NOW.isoformat()


def test_insert_multiple_gives_fresh_unique_ids(db):
    t = db.table("people")
    ids = t.insert_multiple([{"n": i} for i in range(5)])
    assert ids == [1, 2, 3, 4, 5]
    assert t.insert({"n": 5}) == 6
    assert len(t) == 6 and len(audit(db)) == 6
    version, size = t.version(), len(journal_bytes(db))
    assert t.insert_multiple([]) == [] and t.version() == version  # nothing to write
    assert len(journal_bytes(db)) == size


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


def test_update_stamps_and_audits_before_and_after(db, frozen):
    t = db.table("people")
    doc_id = t.insert({"name": "张三", "age": 30})
    later = NOW + dt.timedelta(minutes=5)
    frozen.set(later)
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


def test_one_journal_line_per_write_and_ids_never_reused(db):
    t = db.table("people")
    t.insert_multiple([{"name": "甲"}, {"name": "乙"}])
    t.remove(doc_ids=[2])
    assert t.insert({"name": "丙"}) == 3  # TinyDB would give 2 again: the journal must not
    lines = journal_bytes(db).splitlines()
    assert len(lines) == 3 and [orjson.loads(x)["seq"] for x in lines] == [1, 2, 3]
    assert db.position() == 3 and Store(db.root).table("people").insert({"n": 1}) == 4


# -- daily tables ----------------------------------------------------------------

def test_daily_tables_are_kept_per_day(db):
    db.table("checkpoint", day="2026-03-04").insert({"door": "1-101"})
    db.table("checkpoint", day=dt.date(2026, 3, 5)).insert({"door": "1-102"})
    db.table("checkpoint").insert({"door": "1-103"})  # default: today (frozen 03-05)
    db.table("checkpoint", day=True).insert({"door": "1-104"})
    assert [d["door"] for d in db.table("checkpoint", day="2026-03-04").all()] == ["1-101"]
    assert [d["door"] for d in db.table("checkpoint", day="2026-03-05").all()] == ["1-102", "1-103", "1-104"]
    assert db.days("checkpoint") == ["2026-03-04", "2026-03-05"]
    assert db.days("never") == []
    assert {e["day"] for e in audit(db)} == {"2026-03-04", "2026-03-05"}
    for bad in ("yesterday", "2026-3-5", "../x"):
        with pytest.raises(StoreError):
            db.table("checkpoint", day=bad)
    with pytest.raises(StoreError):
        db.table("Bad Name")


def test_extra_daily_table_can_be_registered(db, monkeypatch):
    monkeypatch.setattr(Store, "DAILY", Store.DAILY | {"errand_log"})
    db.table("errand_log").insert({"x": 1})
    assert db.days("errand_log") == ["2026-03-05"]


def test_old_days_are_evicted_and_load_again(db, monkeypatch):
    monkeypatch.setattr(Store, "KEEP_DAYS", 2)
    for d in range(1, 6):
        db.table("checkpoint", day=f"2026-03-0{d}").insert({"d": d})
    db.checkpoint()
    fresh = Store(db.root)
    for d in range(1, 6):
        assert fresh.table("checkpoint", day=f"2026-03-0{d}").all()[0]["d"] == d
    assert len([k for k in fresh._loaded if k.startswith("checkpoint/")]) <= 3  # 2 old days + today
    assert fresh.table("checkpoint", day="2026-03-01").all()[0]["d"] == 1  # evicted, loaded again


def test_a_big_checkpoint_loads_a_piece_at_a_time_and_equal_values_are_shared(db, monkeypatch):
    from console.core import store_checkpoint as ckpt

    monkeypatch.setattr(ckpt, "CHUNK", 300)  # a few records a piece
    rows = [{"n": i, "text": "多行\n文字" if i % 3 else "x", "lines": [{"item": "苹果", "qty": i % 2}],
             "nested": {"a": [i]}} for i in range(40)]
    db.table("orders").insert_multiple(rows)
    db.checkpoint()
    raw = (db.root / "tables" / "orders.json").read_bytes()
    assert raw.count(b",\n") == 39 and orjson.loads(raw)["orders"]["1"]["text"] == "x"  # plain JSON
    fresh = Store(db.root)
    got = fresh.table("orders").all()
    assert [{k: v for k, v in r.items() if not k.startswith("_")} for r in got] == rows
    assert [r.doc_id for r in got] == list(range(1, 41))
    assert got[0]["_by"] is got[39]["_by"] and got[0]["lines"][0] is got[2]["lines"][0]
    fresh.table("orders").update({"text": "y"}, doc_ids=[1])  # a shared value is never changed in place
    assert fresh.table("orders").get(doc_id=4)["text"] == "x" and fresh.check() == []


def test_a_checkpoint_written_in_one_line_still_loads(db):
    from console.core import store_checkpoint as ckpt
    from console.core.store_tables import Rows

    db.table("orders").insert_multiple([{"n": i} for i in range(3)])
    db.checkpoint()
    path = db.root / "tables" / "orders.json"
    head, rows = ckpt.load(path)
    body = orjson.dumps(rows.docs)  # as written before one record a line
    name = orjson.dumps("orders")
    head = {**head, "size": len(body), "sum": ckpt.hashlib.blake2b(body, digest_size=16).hexdigest()}
    path.write_bytes(b"".join((b'{"_checkpoint":', orjson.dumps(head), b",", name, b":", body, b"}")))
    assert ckpt.load(path)[1].docs == rows.docs and isinstance(rows, Rows)
    assert [r["n"] for r in Store(db.root).table("orders").all()] == [0, 1, 2]


def test_version_and_changed_since_follow_every_write(db):
    assert db.version("people") is None
    t = db.table("people")
    t.insert({"n": 1})
    v1 = db.version("people")
    seen = db.position()
    assert not db.changed_since(seen)
    other = Store(db.root)
    other.table("people").insert({"n": 2})
    v2 = db.version("people")
    assert v1 and v2 and v1 != v2 and t.version() == v2
    assert db.changed_since(seen)
    db.table("checkpoint").insert({"n": 1})
    assert db.version("checkpoint") == db.version("checkpoint", True) is not None
    assert db.version("people") == v2  # another table's write leaves it alone


def test_known_version_never_waits_and_is_never_newer_than_a_read(db):
    """What the event loop may ask: the version as this desk last caught up.
    Another desk's write shows only once this desk reads; a commit holding
    the store does not hold it up."""
    import threading

    db.table("people").insert({"n": 1})
    v1 = db.known_version("people")
    assert v1 == db.version("people") and db.known_version("nobody") is None
    Store(db.root).table("people").insert({"n": 2})
    assert db.known_version("people") == v1            # not caught up yet
    v2 = db.version("people")
    assert v2 != v1 and db.known_version("people") == v2
    held, free = threading.Event(), threading.Event()

    def commit() -> None:
        with db._mutex:
            held.set()
            free.wait(10)
    holder = threading.Thread(target=commit)
    holder.start()
    held.wait(5)
    try:
        assert db.known_version("people") == v2 and holder.is_alive()
    finally:
        free.set()
        holder.join()


# -- transactions ------------------------------------------------------------------

def test_transaction_is_one_journal_line_stamped_and_audited(db):
    with db.transaction("orders", ("checkpoint", "2026-03-05")) as tx:
        tx.table("orders").insert({"no": 1})
        tx.table("checkpoint", "2026-03-05").insert({"door": "1-101"})
    assert db.table("orders").all()[0]["_by"]["op"] == "组长甲"
    assert db.table("checkpoint").all()[0]["_at"] == NOW.isoformat()
    assert sorted((e["table"], e["op"], e["seq"]) for e in audit(db)) == [
        ("checkpoint", "insert", 1), ("orders", "insert", 1)]
    assert len(journal_bytes(db).splitlines()) == 1


def test_transaction_exception_changes_nothing_on_disk_or_in_memory(db):
    t = db.table("stock")
    t.insert({"item": "体温计", "balance": 3})
    before = journal_bytes(db)
    with pytest.raises(RuntimeError):
        with db.transaction("stock", "orders") as tx:
            tx.table("stock").update({"balance": 0}, where("item") == "体温计")
            tx.table("stock").insert({"item": "口罩"})
            tx.table("orders").insert({"no": 1})
            assert len(tx.table("stock")) == 2 and len(t) == 1  # others don't see it meanwhile
            raise RuntimeError("changed my mind")
    assert journal_bytes(db) == before
    assert [(d["item"], d["balance"]) for d in t.all()] == [("体温计", 3)]
    assert db.table("orders").all() == [] and db.version("orders") is None


def test_transaction_handles_stay_consistent(db):
    with db.transaction("orders") as tx:
        a = tx.table("orders")
        a.insert({"n": 1})
        tx.table("orders").insert({"n": 2})
        a.insert({"n": 3})
        assert a.count(where("n") > 1) == 2 and a.get(doc_id=3)["n"] == 3
        a.remove(doc_ids=[1])
        assert [d["n"] for d in a.all()] == [2, 3]
    assert sorted(d["n"] for d in db.table("orders").all()) == [2, 3]
    assert [e["op"] for e in audit(db)] == ["insert", "insert"]  # inserted and removed: nothing


def test_transaction_on_daily_table_defaults_to_the_named_day(db):
    with db.transaction(("checkpoint", "2026-03-01")) as tx:
        tx.table("checkpoint").insert({"door": "1-101"})
    with db.transaction("checkpoint") as tx:
        tx.table("checkpoint").insert({"door": "1-102"})
    assert db.days("checkpoint") == ["2026-03-01", "2026-03-05"]


def test_append_only_tables_refuse_update_and_remove(db, monkeypatch):
    monkeypatch.setattr(Store, "APPEND_ONLY", {"ledger"})
    t = db.table("ledger")
    t.insert({"qty": 1})
    for change in (lambda: t.update({"qty": 2}, doc_ids=[1]), lambda: t.remove(doc_ids=[1])):
        with pytest.raises(StoreError) as err:
            change()
        assert err.value.key == "store.append_only"
    assert t.all()[0]["qty"] == 1


def test_next_number_unique_gap_free_and_persistent(db):
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
    with again.transaction("errands", "passes") as tx:
        assert tx.next_number("order", "passes") == 1  # kept per table
    assert seen == [1, 2, 3]
    assert [d["no"] for d in db.table("orders").all()] == [1, 2, 3]


# -- files: permissions, encoding ---------------------------------------------------

@pytest.mark.parametrize("mask", [0o022, 0o077])
def test_group_shared_permissions_whatever_the_umask(tmp_path, mask, freeze_clock):
    freeze_clock(NOW)
    old = os.umask(mask)
    try:
        s = Store(tmp_path / "data")
        s.table("people").insert({"n": 1})
        s.table("checkpoint").insert({"n": 1})
        with s.transaction("stock") as tx:
            tx.table("stock").insert({"n": 1})
        s.snapshot()
        (s.root / "tables" / "people.json").write_bytes(b"{}")  # make check() keep + rebuild
        assert s.check()
        store_mod.atomic_write(s.root / "exports" / "x.csv", b"a,b\n")
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
    assert seen["file"] >= 10 and seen["lock"] >= 2 and seen["dir"] >= 7


def test_utf8_not_escaped(db):
    db.table("people").insert({"name": "张三", "note": "买菜 🥬"})
    db.checkpoint()
    for data in (journal_bytes(db), (db.root / "tables" / "people.json").read_bytes()):
        assert "张三".encode() in data and "🥬".encode() in data
        assert b"\\u" not in data
        data.decode("utf-8")


def test_records_must_be_json(db):
    with pytest.raises(ValueError):
        db.table("people").insert({"tags": {"a", "b"}})
    assert db.position() == 0


# -- failures: disk full, bad directory -----------------------------------------------

def _no_temp_files(root: Path) -> bool:
    return not [f for _, _, fs in os.walk(root) for f in fs if ".tmp." in f]


@pytest.mark.parametrize("op", ["insert", "update", "transaction"])
@pytest.mark.parametrize("fail", ["write", "short", "fsync"])
def test_a_failed_commit_is_a_clear_error_and_nothing_changes(db, monkeypatch, op, fail):
    """Injected faults at each step of a commit: the write (full disk), a
    write that stops half way, the fsync. Nothing is acknowledged, the journal
    is cut back, memory is as before, and the next commit works."""
    journal_mod = sys.modules["console.core.store_journal"]
    files_mod = sys.modules["console.core.store_files"]
    t = db.table("stock")
    t.insert({"item": "体温计", "balance": 3, "tags": ["x"]})
    before = journal_bytes(db)
    real_write = files_mod.os.write

    def full(fd, data):
        raise OSError(errno.ENOSPC, "No space left on device")

    def short(fd, data):  # half the line lands, then the disk is full
        real_write(fd, bytes(data[:len(data) // 2]))
        raise OSError(errno.ENOSPC, "No space left on device")

    def bad_fsync(fd):
        raise OSError(errno.EIO, "Input/output error")

    with monkeypatch.context() as m:
        if fail == "fsync":
            m.setattr(journal_mod.os, "fsync", bad_fsync)
        else:
            m.setattr(files_mod.os, "write", full if fail == "write" else short)
        with pytest.raises(StoreError) as err:
            if op == "insert":
                t.insert({"item": "口罩"})
            elif op == "update":
                t.update(lambda d: (d.update(balance=0), d["tags"].append("y")), where("item") == "体温计")
            else:
                with db.transaction("stock", "orders") as tx:
                    tx.table("orders").insert({"no": 1})
                    tx.table("stock").update({"balance": 2}, doc_ids=[1])
    if fail == "fsync":
        assert err.value.key == "store.write_failed" and "Input/output" in str(err.value)
    else:
        assert err.value.key == "store.disk_full"
        assert "disk is full" in str(err.value) and "intact" in str(err.value)
    assert journal_bytes(db) == before
    assert _no_temp_files(db.root)
    [doc] = t.all()
    assert doc["balance"] == 3 and doc["tags"] == ["x"]
    assert Store(db.root).table("stock").all()[0]["balance"] == 3
    t.insert({"item": "口罩"})  # and the store works again once there is space
    assert len(t) == 2 and len(Store(db.root).table("stock")) == 2


def test_atomic_write_checks_the_whole_payload_and_leaves_no_temp(tmp_path, monkeypatch):
    files_mod = sys.modules["console.core.store_files"]
    target = tmp_path / "exports" / "sheet.pdf"
    store_mod.atomic_write(target, b"old")
    real_write = files_mod.os.write
    monkeypatch.setattr(files_mod.os, "write", lambda fd, data: real_write(fd, bytes(data[:8])) and 0)
    with pytest.raises(StoreError):
        store_mod.atomic_write(target, b"%PDF" + b"x" * 9000)  # a write that stops making progress
    monkeypatch.setattr(files_mod.os, "write", lambda fd, data: (_ for _ in ()).throw(
        OSError(errno.ENOSPC, "No space left on device")))
    with pytest.raises(StoreError) as err:
        store_mod.atomic_write(target, b"%PDF" + b"x" * 9000)
    assert err.value.key == "store.disk_full"
    assert target.read_bytes() == b"old" and _no_temp_files(tmp_path)


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
        repo = str(Path(__file__).resolve().parents[2])
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


# -- checkpoints and snapshots ----------------------------------------------------------

def test_checkpoint_folds_the_tail_and_a_new_session_reads_only_the_tail(db, monkeypatch):
    t = db.table("people")
    t.insert_multiple([{"n": i} for i in range(5)])
    assert db.checkpoint()
    t.update({"n": 99}, doc_ids=[1])
    head = orjson.loads((db.root / "tables" / "people.json").read_bytes())
    assert head["_checkpoint"]["seq"] == 1 and len(head["people"]) == 5  # TinyDB format
    read = []
    journal_mod = sys.modules["console.core.store_journal"]
    real = journal_mod.Journal.read
    monkeypatch.setattr(journal_mod.Journal, "read",
                        lambda self, pos, upto=None: read.append(pos.seq) or real(self, pos, upto))
    fresh = Store(db.root)
    assert fresh.table("people").get(doc_id=1)["n"] == 99 and len(fresh.table("people")) == 5
    assert min(read) == 1  # started after the checkpointed line
    assert not db.needs_checkpoint()
    monkeypatch.setattr(Store, "CHECKPOINT_LINES", 3)
    t.insert_multiple([{"n": 1}])
    t.insert_multiple([{"n": 2}])
    assert db.needs_checkpoint() and db.checkpoint() and not db.needs_checkpoint()


def test_snapshot_is_a_real_copy_and_a_data_directory(db):
    db.table("people").insert({"n": 1})
    db.table("checkpoint").insert({"n": 1})
    snap = db.snapshot()
    assert snap in db.snapshots()
    for p in snap.rglob("*"):
        if p.is_file():
            live = db.root / p.relative_to(snap)
            assert not live.exists() or os.stat(live).st_ino != os.stat(p).st_ino
    db.table("people").insert({"n": 2})  # the snapshot keeps the old content
    assert len(Store(snap).table("people")) == 1
    assert len(db.table("people")) == 2


def test_snapshot_keeps_only_the_newest(db, frozen):
    db.table("people").insert({"n": 1})
    for i in range(4):
        frozen.set(NOW + dt.timedelta(seconds=i))
        db.snapshot(keep=2)
    assert [p.name.split("-")[1] for p in db.snapshots()] == ["093002", "093003"]


def test_reads_see_writes_of_another_store_object(db):
    other = Store(db.root)
    t = db.table("people")
    assert other.table("people").all() == []
    t.insert({"n": 1})
    assert [d["n"] for d in other.table("people").all()] == [1]
    other.table("people").insert({"n": 2})
    assert [d["n"] for d in t.all()] == [1, 2]
    assert t.insert({"n": 3}) == 3  # ids come from fresh data


def test_a_new_segment_starts_when_one_is_full(db, monkeypatch):
    journal_mod = sys.modules["console.core.store_journal"]
    monkeypatch.setattr(journal_mod, "SEGMENT_BYTES", 600)
    other = Store(db.root)
    t = db.table("people")
    for i in range(12):
        t.insert({"n": i, "pad": "x" * 100})
    segments = sorted(p.name for p in (db.root / "journal").glob("*.jsonl"))
    assert len(segments) > 2 and segments[0] == "000000000001.jsonl"
    assert [d["n"] for d in other.table("people").all()] == list(range(12))
    assert db.check() == []


def test_history_of_a_day_reads_only_that_day_and_follows_new_lines(db, frozen):
    for d in ("2026-03-04", "2026-03-05"):
        frozen.set(dt.datetime.fromisoformat(f"{d}T09:00:00+08:00"))
        db.table("people").insert({"day": d})
    assert db.history_days() == ["2026-03-04", "2026-03-05"]
    assert [e["after"]["day"] for e in db.history("2026-03-04")] == ["2026-03-04"]
    Store(db.root).table("people").insert({"day": "2026-03-05"})  # another session appends
    assert [e["after"]["day"] for e in db.history("2026-03-05")] == ["2026-03-05", "2026-03-05"]
    assert db.history("2026-03-06") == []
