"""The stock ledger's incremental indexes agree with a full recomputation.

``console/stock/index.py`` folds new movements and hand-out records into
per-directory values (``cache.folded``); the balances, sources, loans, who
holds what and the ledger's own checks read them. Whatever happens — hand-outs,
replacements, loans and returns, write-offs, stock-takes, corrections, another
desk or process writing, checkpoints, a rewrite, a restart — each view must
equal the one computed from every record as it is now.
"""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from pathlib import Path

from hypothesis import HealthCheck, given, settings as hsettings, strategies as st

from console.core import cache, clock
from console.core.i18n import DomainError
from console.core.store import Store
from console.stock import balances, index
from console.stock import ledger as stock

from tests.domain.programs import DOORS, LEADER, run_program, small_directory

ROOT = Path(__file__).resolve().parents[2]


def reference(store: Store, now: dt.datetime) -> dict:
    """Every view computed from the records, the way the ledger defines them."""
    moves = sorted((dict(m) for m in store.table(stock.MOVES).all()), key=lambda m: m["no"])
    tally: dict[str, dict] = {}
    open_: dict[int, dict] = {}
    src: dict[tuple, dict] = {}
    for m in moves:
        row = tally.setdefault(m["item"], dict.fromkeys(index.TALLY, 0))
        row["balance"] += m["delta"]
        if m["kind"] == "receive":
            row["received"] += m["qty"]
        elif m["kind"] == "issue":
            row["given"] += m["qty"]
        elif m["kind"] == "lend":
            open_[m["no"]] = m
            row["out"] += m["qty"]
        elif m.get("loan") in open_:
            row["out"] -= open_.pop(m["loan"])["qty"]
        elif m["kind"] == "reverse" and m.get("source") is not None:
            row["received"] -= m["qty"]
        elif m["kind"] == "reverse" and m.get("door"):
            row["given"] -= m["qty"]
        if m.get("source") is not None:
            s = src.setdefault((m["source"], m["item"]), {"source": m["source"], "item": m["item"],
                                                          "qty": 0, "cost_fen": 0, "first": m.get("date", "")})
            s["qty"] += (-1 if m["kind"] == "reverse" else 1) * m["qty"]
            s["cost_fen"] += m["cost_fen"]
            s["first"] = min(s["first"], m.get("date") or s["first"])
    return {"moves": moves, "tally": tally,
            "loans": [{**m, "overdue": dt.datetime.fromisoformat(m["due"]) < now} for m in open_.values()],
            "sources": sorted((s for s in src.values() if s["qty"]), key=lambda r: (r["first"], r["source"])),
            "held": {r["door"]: r["held"] for r in store.table(stock.HANDOUTS).all()},
            "reversed": {m["reverses"] for m in moves if m["kind"] == "reverse"}}


def assert_agrees(store: Store) -> None:
    now = clock.now()
    ref = reference(store, now)
    assert balances.movements(store) == ref["moves"]
    got = {b["item"]: {k: b[k] for k in index.TALLY} for b in balances.balances(store)}
    assert {k: v for k, v in got.items() if k in ref["tally"]} == ref["tally"]
    assert all(v == dict.fromkeys(index.TALLY, 0) for k, v in got.items() if k not in ref["tally"])
    assert balances.loans(store, now) == ref["loans"]
    assert balances.sources(store) == ref["sources"]
    assert balances.held_by_door(store) == ref["held"]
    idx = index.moves_index(store)
    assert idx.reversed == ref["reversed"] and idx.by_no == {m["no"]: m for m in ref["moves"]}
    # what the ledger checks against inside the lock is the same
    with stock.ledger(store, LEADER) as led:
        assert dict(led.balance) == {k: v["balance"] for k, v in ref["tally"].items()}
        assert led.open_loans() == [{k: v for k, v in m.items() if k != "overdue"} for m in ref["loans"]]


@st.composite
def steps(draw):
    kind = draw(st.sampled_from(["receive", "issue", "issue", "replace", "lend", "return", "lost",
                                 "write off", "adjust", "reverse", "other desk", "checkpoint",
                                 "batch"]))
    return kind, draw(st.integers(0, 40)), draw(st.sampled_from(DOORS))


def apply(store: Store, other: Store, kind: str, k: int, door: str) -> None:
    due = clock.now() + dt.timedelta(hours=1 + k % 3)
    try:
        if kind == "receive":
            stock.receive(store, LEADER, "mercury", 1 + k % 4, f"中心{k % 3}", "3.5", f"2026-03-0{1 + k % 5}")
        elif kind == "issue":
            stock.issue(store, LEADER, door)
        elif kind == "replace":
            stock.issue(store, LEADER, door, reason="lost")
        elif kind == "lend":
            stock.lend(store, LEADER, "gun", f"第{k % 3}组", due)
        elif kind in ("return", "lost"):
            stock.give_back(store, LEADER, team=f"第{k % 3}组", outcome=kind)
        elif kind == "write off":
            stock.write_off(store, LEADER, "mercury", 1, "broken", "摔了")
        elif kind == "adjust":
            stock.stock_take(store, LEADER, "mercury", k % 7, "盘点")
        elif kind == "reverse":
            stock.reverse(store, LEADER, 1 + k % max(1, len(balances.movements(store))), "更正")
        elif kind == "other desk":
            stock.issue(other, LEADER, door, reason="broken")
        elif kind == "checkpoint":
            other.checkpoint()
        else:  # several movements in one transaction
            with stock.ledger(store, LEADER) as led:
                led.receive("mercury", 3, "街道", 0)
                led.issue(door, reason="lost")
                led.lend("gun", "第9组", due)
    except DomainError as exc:  # refused (not enough stock, nothing lent...): nothing was written
        assert exc.key.startswith("stock."), exc.key


@hsettings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(steps(), min_size=1, max_size=20))
def test_stock_indexes_agree_with_a_full_recomputation(program):
    run_program(program, apply, assert_agrees, setup=lambda s: stock.receive(s, LEADER, "gun", 3, "区卫健委"))


def test_another_process_a_rewrite_and_a_restart(tmp_path):
    store = small_directory(tmp_path)
    stock.receive(store, LEADER, "mercury", 10, "中心1", "2")
    stock.issue(store, LEADER, "1-101")
    assert_agrees(store)  # built
    code = (f"import sys; sys.path.insert(0, {str(ROOT)!r})\n"
            "from console.core.store import Store\nfrom console.core.operators import Actor\n"
            "from console.stock import ledger as stock\n"
            f"s = Store({str(store.root)!r}); a = Actor({LEADER.name!r}, 'leader')\n"
            "stock.issue(s, a, '1-102'); stock.issue(s, a, '1-101', reason='lost')\n"
            "stock.reverse(s, a, 2, 'wrong door')\n")
    subprocess.run([sys.executable, "-c", code], check=True, timeout=60)
    assert_agrees(store)
    assert balances.held_by_door(store) == {"1-101": 1, "1-102": 1}
    store.redact(lambda table, day, r: {**r, "door": ""} if table == stock.HANDOUTS else r)
    assert_agrees(store)  # a rewrite: built again from the records
    store.checkpoint()
    cache._folded.clear()  # a new process: nothing derived yet
    restarted = Store(store.root)
    assert_agrees(restarted)
    stock.issue(restarted, LEADER, "2-101")
    assert_agrees(restarted)


def test_the_ledger_refuses_from_the_index_as_from_the_records(tmp_path):
    store = small_directory(tmp_path)
    stock.receive(store, LEADER, "mercury", 1, "中心1")
    stock.issue(store, LEADER, "1-101")
    other = Store(store.root)
    try:
        stock.issue(other, LEADER, "1-102")  # the last one went at the other desk
    except DomainError as exc:
        assert exc.key == "stock.negative"
    else:
        raise AssertionError("handed out stock that is not there")
    first = balances.movements(store)[0]["no"]
    stock.reverse(store, LEADER, first + 1, "发错")
    try:
        stock.reverse(other, LEADER, first + 1, "again")
    except DomainError as exc:
        assert exc.key == "stock.already_reversed"
    else:
        raise AssertionError("reversed twice")
    assert_agrees(store)
