"""console/store.py across real processes: every volunteer's SSH session is its
own process on one data directory. Children run tests/domain/_store_child.py and print
(or write to a pipe) a line per acknowledged write, so a SIGKILL leaves a
precise record of what the store promised.
"""

from __future__ import annotations

import os
import random
import select
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

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


def test_four_writers_keep_all_1000_inserts_and_a_reader_never_sees_half_a_transaction(tmp_path):
    data = tmp_path / "data"
    Store(data)
    go, stop = tmp_path / "go", tmp_path / "stop"
    reader = spawn("read", data, stop)
    writers = [spawn("insert", data, f"w{i}", 200, go) for i in range(2)]
    writers += [spawn("pairs", data, f"p{i}", 200, go) for i in range(2)]
    go.touch()
    acked = [[int(line) for line in finish(w)] for w in writers]
    stop.touch()
    [summary] = finish(reader)
    assert summary.startswith("done "), summary  # no error, never went back, never half a pair
    assert int(summary.split()[1]) > 0

    store = Store(data)
    rows = store.table("entries").all()
    assert sorted(acked[0] + acked[1]) == sorted(r.doc_id for r in rows) == list(range(1, 401))
    assert Counter(r["writer"] for r in rows) == {"w0": 200, "w1": 200}
    for i in range(2):  # each writer's own order is kept
        mine = sorted((r.doc_id, r["n"]) for r in rows if r["writer"] == f"w{i}")
        assert [n for _, n in mine] == list(range(200))
    left = sorted(d["key"] for d in store.table("left").all())
    assert left == sorted(d["key"] for d in store.table("right").all())
    assert len(left) == 400 == len(acked[2]) + len(acked[3])
    audited = [(e["table"], e["id"]) for e in store.history() if e["table"] == "entries"]
    assert sorted(i for _, i in audited) == list(range(1, 401))  # the journal is the audit trail


def _churn(data: Path, tag: str) -> tuple[int, int]:
    """Fork a writer running _store_child.churn; (pid, read end of its acks)."""
    import _store_child  # noqa: PLC0415

    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: write until killed, never return into pytest
        try:
            os.close(r)
            _store_child.churn(str(data), tag, w)
        finally:
            os._exit(3)
    os.close(w)
    return pid, r


def test_kill_9_at_random_moments_loses_no_acknowledged_transaction(tmp_path):
    """200+ SIGKILLs while three processes write (inserts, transactions over
    three tables with a counter, checkpoints): every acknowledged transaction is
    there, none is half there, the pass numbers are gap-free and unique, and
    check() finds nothing it could not repair."""
    data = tmp_path / "data"
    store = Store(data)
    sys.path.insert(0, str(CHILD.parent))
    rng = random.Random(20260305)
    acked_ins, acked_tx, kills = set(), {}, 0
    for round_ in range(70):
        procs = [_churn(data, f"r{round_}p{i}") for i in range(3)]
        select.select([procs[0][1]], [], [], 5)  # one has acknowledged: all are mid-stream
        time.sleep(rng.uniform(0.0, 0.03))
        for pid, _ in procs:
            os.kill(pid, signal.SIGKILL)
            kills += 1
        for pid, r in procs:
            _, status = os.waitpid(pid, 0)
            assert os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGKILL
            with os.fdopen(r, "rb") as fh:
                out = fh.read().decode()
            for line in out.splitlines(keepends=True):
                if not line.endswith("\n"):
                    continue
                kind, *rest = line.split()
                if kind == "ins":
                    acked_ins.add(rest[0])
                else:
                    acked_tx[rest[0]] = int(rest[1])
    assert kills >= 200 and len(acked_ins) >= 30 and len(acked_tx) >= 30

    problems = store.check()
    assert all(p["problem"] == "torn_tail" and p["action"] == "cut" for p in problems), problems
    fresh = Store(data)
    log = {d["key"]: d for d in fresh.table("checkpoint", day="2026-03-05").all()}
    assert acked_ins <= set(log)
    passes = {d["key"]: d["number"] for d in fresh.table("passes").all()}
    errands = {d["key"]: d["pass"] for d in fresh.table("errands").all()}
    gate = {k: d["pass"] for k, d in log.items() if "pass" in d}
    assert all(passes.get(k) == n for k, n in acked_tx.items())
    assert passes == errands == gate  # never half a transaction
    assert sorted(passes.values()) == list(range(1, len(passes) + 1))  # gap-free, never reused
    assert len(passes) >= len(acked_tx)  # committed, maybe killed before its ack was printed


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
