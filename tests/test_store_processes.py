"""console/store.py across real processes: every volunteer's SSH session is its
own process on one data directory. Children run tests/_store_child.py and print
a line per acknowledged write, so a SIGKILL leaves a precise record of what
the store promised.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
from collections import Counter
from pathlib import Path

import orjson
import pytest
from tinydb import where

from console.core.store import Store

CHILD = Path(__file__).with_name("_store_child.py")


def spawn(*args: object) -> subprocess.Popen:
    proc = subprocess.Popen([sys.executable, str(CHILD), *map(str, args)], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, bufsize=1)
    line = proc.stdout.readline()
    if line != "ready\n":
        proc.kill()
        raise AssertionError(f"child did not start: {line!r} {proc.stderr.read()}")
    return proc


def finish(proc: subprocess.Popen) -> list[str]:
    out, err = proc.communicate(timeout=120)
    assert proc.returncode == 0, err
    return out.splitlines()


def every_file_parses(root: Path) -> None:
    for dirpath, _, files in os.walk(root):
        for f in files:
            if f.endswith(".json") and not f.startswith("."):
                data = orjson.loads((Path(dirpath) / f).read_bytes())
                assert isinstance(data, dict), f


def test_four_writers_keep_all_1000_inserts_and_a_reader_never_sees_a_broken_file(tmp_path):
    data = tmp_path / "data"
    Store(data)
    go, stop = tmp_path / "go", tmp_path / "stop"
    reader = spawn("read", data, stop)
    writers = [spawn("insert", data, f"w{i}", 250, go) for i in range(4)]
    go.touch()
    acked = [int(line) for w in writers for line in finish(w)]
    stop.touch()
    [summary] = finish(reader)
    assert summary.startswith("done "), summary  # no parse error, no StoreError, never went back
    assert int(summary.split()[1]) > 0

    rows = Store(data).table("entries").all()
    assert len(rows) == 1000 == len(acked)
    assert len({r.doc_id for r in rows}) == 1000
    assert sorted(acked) == sorted(r.doc_id for r in rows) == list(range(1, 1001))
    assert Counter(r["writer"] for r in rows) == {f"w{i}": 250 for i in range(4)}
    for i in range(4):  # each writer's own order is kept
        mine = sorted((r.doc_id, r["n"]) for r in rows if r["writer"] == f"w{i}")
        assert [n for _, n in mine] == list(range(250))
    audit = [e for day in Store(data).days("audit") for e in Store(data).table("audit", day).all()]
    assert sorted(e["id"] for e in audit if e["table"] == "entries") == list(range(1, 1001))


def test_kill_9_at_random_moments_loses_no_acknowledged_write(tmp_path, monkeypatch):
    """At least 50 SIGKILLs while two processes write (plain inserts and
    transactions over two tables sharing one file): every file still parses, check() finds nothing
    damaged, every acknowledged write is there, and every record that is
    there has its audit entry."""
    monkeypatch.setitem(Store.FILES, "errands", "passes")  # as the children do
    data = tmp_path / "data"
    store = Store(data)
    rng = random.Random(20260305)
    acked_ins, acked_tx, kills = set(), {}, 0
    for round_ in range(26):
        procs = [spawn("churn", data, f"r{round_}p{i}") for i in range(2)]
        for proc in procs:
            proc.stdout.readline()  # it has acknowledged a write: it is mid-stream
        for proc in procs:
            try:
                proc.wait(timeout=rng.uniform(0.0, 0.03))
            except subprocess.TimeoutExpired:
                pass
            os.kill(proc.pid, signal.SIGKILL)
            kills += 1
        for proc in procs:
            out, _ = proc.communicate(timeout=30)
            assert proc.returncode == -signal.SIGKILL
            for line in out.splitlines(keepends=True):
                if not line.endswith("\n"):
                    continue  # cut off by the kill: never acknowledged
                kind, *rest = line.split()
                if kind == "ins":
                    acked_ins.add(rest[0])
                elif kind == "tx":
                    acked_tx[rest[0]] = int(rest[1])
    assert kills >= 50 and len(acked_ins) >= 26 and len(acked_tx) >= 5

    every_file_parses(data)
    assert store.check() == []
    leftovers = [f for _, _, fs in os.walk(data) for f in fs if ".tmp." in f]
    assert leftovers == []  # check() cleaned what the kills left behind

    log = {d["key"]: d for d in store.table("checkpoint", day="2026-03-05").all()}
    assert acked_ins <= set(log)
    passes = {d["key"]: d["number"] for d in store.table("passes").all()}
    errands = {d["key"]: d["pass"] for d in store.table("errands").all()}
    assert all(passes.get(k) == n == errands.get(k) for k, n in acked_tx.items())
    assert passes == errands  # two tables in one file (share_file) never disagree
    assert len(set(passes.values())) == len(passes)  # pass numbers never reused
    audited = {(e["table"], e["id"]) for day in store.days("audit") for e in store.table("audit", day).all()}
    stored = {("checkpoint", d.doc_id) for d in log.values()}
    stored |= {("passes", d.doc_id) for d in store.table("passes").all()}
    assert stored <= audited


def test_a_search_sees_another_process_write_of_a_moment_before(tmp_path):
    """The reader's cache is keyed by file identity; same-size updates in quick
    succession (inode numbers get reused) must still be seen every time."""
    data = tmp_path / "data"
    store = Store(data)
    table = store.table("shared")
    other = spawn("follow", data)

    def tell(line: str) -> None:
        other.stdin.write(line + "\n")
        other.stdin.flush()
        assert other.stdout.readline() == "ok\n"

    tell("insert a")
    assert [d["v"] for d in table.all()] == ["0"]
    for i in range(1, 60):
        tell(f"a {i % 10}")  # same size every time
        assert table.get(where("k") == "a")["v"] == str(i % 10), i
        assert [d["v"] for d in table.search(where("k") == "a")] == [str(i % 10)]
    finish(other)


@pytest.mark.parametrize("sellers", [2, 4])
def test_check_then_write_in_a_transaction_never_oversells(tmp_path, sellers):
    data = tmp_path / "data"
    store = Store(data)
    store.table("stock").insert({"item": "体温计", "balance": 120})
    go = tmp_path / "go"
    procs = [spawn("sell", data, f"s{i}", go) for i in range(sellers)]
    go.touch()
    sold = []
    for proc in procs:
        lines = finish(proc)
        assert lines[-1] == "sold out"
        sold += [int(n) for n in lines[:-1]]
    assert sorted(sold) == list(range(1, 121))  # 120 sales, numbers unique and gap-free
    assert store.table("stock").all()[0]["balance"] == 0
    assert len(store.table("handouts")) == 120
