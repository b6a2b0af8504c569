"""Shift counts and who is out on an errand, read from a folded day tally
(console/checkpoint/tallies.py), agree with the full scan they replaced,
whatever happens to the log: entries at two gates, passes out and in,
annulments and fixes, updates and removals by hand, another desk writing,
checkpoints, several days, a restart.
"""

from __future__ import annotations

import datetime as dt
import tempfile
from collections import Counter
from pathlib import Path

from hypothesis import HealthCheck, given, settings as hsettings, strategies as st

from console.checkpoint import gate as cp, tallies
from console.checkpoint.rules import live
from console.core import cache
from console.core.store import Store
from console.core.temperature import is_fever

from tests.domain.test_gate_rules import DAY, T0

GATES = ("西门", "东门")
DAYS = (DAY, "2026-03-06")


def old_shift_counts(store: Store, gate: str, start: str, end: str) -> dict:
    t0, t1 = dt.datetime.fromisoformat(start), dt.datetime.fromisoformat(end)
    by: Counter = Counter()
    fevers = p_out = p_in = total = 0
    for day in DAYS:
        for e in live(store.table("checkpoint", day).all()):
            if e.get("gate") != gate or not e.get("at"):
                continue
            if not t0 <= dt.datetime.fromisoformat(e["at"]) < t1 + dt.timedelta(seconds=1):
                continue
            total += 1
            by[e.get("outcome", "")] += 1
            fevers += bool(e.get("fever") or is_fever(e.get("temp")))
            if e.get("outcome") == cp.PASS:
                p_out += e.get("direction") == "out"
                p_in += e.get("direction") == "in"
    return {"total": total, "outcomes": {k: by.get(k, 0) for k in cp.OUTCOMES},
            "fevers": fevers, "passes_out": p_out, "passes_in": p_in}


def old_out_on_errand(store: Store, gate: str | None) -> list[dict]:
    out: dict = {}
    for day in DAYS:
        for e in live(store.table("checkpoint", day).all()):
            if e.get("outcome") != cp.PASS:
                continue
            key = e.get("pass") or e.get("errand") or (e.get("name"), e.get("door"), e.get("org"))
            if e.get("direction") == "out":
                out[key] = {**e, "day": day}
            elif e.get("direction") == "in":
                out.pop(key, None)
    return [r for r in out.values() if gate is None or r.get("gate") == gate]


def assert_agrees(store: Store) -> None:
    for day in DAYS:
        got = tallies.day_tally(store, day)
        built = tallies._build([(r.doc_id, dict(r)) for r in store.table("checkpoint", day).all()])
        assert got.rows == built.rows and got.passes == built.passes
    start, end = T0.isoformat(), (T0 + dt.timedelta(days=1, hours=2)).isoformat()
    for gate in GATES:
        assert cp.shift_counts(store, gate, start, end) == old_shift_counts(store, gate, start, end)
    for gate in (None, *GATES):
        assert cp.out_on_errand(store, gate, today=DAYS[-1]) == old_out_on_errand(store, gate)


def row(n: int, k: int, gate: str, outcome: str, direction: str, flag: bool) -> dict:
    return {"at": (T0 + dt.timedelta(minutes=37 * n)).isoformat(), "name": f"人{k % 3}",
            "phone": "", "door": "1-302" if flag else "", "org": "" if flag else "顺丰",
            "direction": direction, "outcome": outcome, "gate": gate,
            "temp": 37.9 if k % 5 == 0 else 36.5, **({"pass": k % 3} if k % 2 else {})}


@st.composite
def steps(draw):
    return (draw(st.sampled_from(["insert"] * 5 + ["annul", "fix", "update", "remove", "other desk",
                                                  "checkpoint", "fix a fix"])),
            draw(st.integers(0, 40)), draw(st.sampled_from(GATES)), draw(st.sampled_from(DAYS)),
            draw(st.sampled_from(cp.OUTCOMES)), draw(st.sampled_from(["in", "out"])),
            draw(st.booleans()))


@hsettings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(steps(), min_size=1, max_size=25))
def test_the_tally_agrees_with_a_full_scan(program):
    with tempfile.TemporaryDirectory() as tmp:
        store = Store(Path(tmp) / "data")
        other = Store(store.root)
        for n, (kind, k, gate, day, outcome, direction, flag) in enumerate(program):
            log = store.table("checkpoint", day)
            ids = [r.doc_id for r in log.all()]
            target = ids[k % len(ids)] if ids else None
            new = row(n, k, gate, outcome, direction, flag)
            if kind == "insert" or target is None:
                log.insert(new)
            elif kind == "annul":
                log.insert({"corrects": target, "correction": "annul", "at": new["at"]})
            elif kind in ("fix", "fix a fix"):
                fixes = [r.doc_id for r in log.all() if r.get("corrects")]
                aim = fixes[k % len(fixes)] if fixes and kind != "fix" else target
                log.insert({**new, "corrects": aim, "correction": "fix"})
            elif kind == "update":
                log.update({"gate": gate, "outcome": outcome, "direction": direction}, doc_ids=[target])
            elif kind == "remove":
                log.remove(doc_ids=[target])
            elif kind == "other desk":
                other.table("checkpoint", day).insert(new)
            else:
                other.checkpoint()
            if flag or n == len(program) - 1:
                assert_agrees(store)


def test_a_restart_starts_from_the_records(tmp_path):
    store = Store(tmp_path / "data")
    store.table("checkpoint", DAY).insert_multiple(
        [row(n, n, GATES[n % 2], cp.PASS, "out" if n % 3 else "in", True) for n in range(9)])
    assert_agrees(store)
    store.checkpoint()
    cache._folded.clear()  # a new process: nothing derived yet
    restarted = Store(store.root)
    assert_agrees(restarted)
    restarted.table("checkpoint", DAY).insert(row(10, 1, GATES[0], cp.PASS, "in", True))
    assert_agrees(restarted)
