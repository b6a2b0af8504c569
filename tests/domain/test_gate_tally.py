"""Shift counts, who is out on an errand and the pages of the day's log, read
from folded per-day values (console/checkpoint/tallies.py), agree with the full scan they replaced,
whatever happens to the log: entries at two gates, passes out and in,
annulments and fixes, updates and removals by hand, another desk writing,
checkpoints, several days, a restart. The hypothesis program of
test_gate_index.py checks it with the gate's other indexes.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter

from console.checkpoint import gate as cp, shifts, tallies
from console.checkpoint.rules import corrections_of, live
from console.core import cache
from console.core.store import Store
from console.core.temperature import is_fever

from tests.domain.test_gate_rules import DAY, T0

GATES = ("西门", "东门")
DAYS = (DAY, "2026-03-06")


def old_shift_counts(store: Store, gate: str, start: str, end: str) -> dict:
    t0, t1 = dt.datetime.fromisoformat(start), dt.datetime.fromisoformat(end)
    days = [(t0.date() + dt.timedelta(days=i)).isoformat() for i in range((t1.date() - t0.date()).days + 1)]
    by: Counter = Counter()
    fevers = p_out = p_in = total = 0
    for day in days:
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


def old_out_on_errand(store: Store, gate: str | None, today: str) -> list[dict]:
    out: dict = {}
    days = cp.recent_days(store, today, shifts.ERRAND_DAYS)
    for day in days:
        for e in live(store.table("checkpoint", day).all()):
            if e.get("outcome") != cp.PASS:
                continue
            key = e.get("pass") or e.get("errand") or (e.get("name"), e.get("door"), e.get("org"))
            if e.get("direction") == "out":
                out[key] = {**e, "day": day}
            elif e.get("direction") == "in":
                out.pop(key, None)
    return [r for r in out.values() if gate is None or r.get("gate") == gate]


def old_page_of(store: Store, day: str, outcome, text: str, page: int, size: int):
    everything = cp.entries(store, day)
    fixes = corrections_of(everything)
    rows = [{**e, "corrected_by": fixes[e["id"]]} if e["id"] in fixes else e
            for e in everything if cp.matches(e, outcome, None, text)]
    rows.reverse()
    pages = max(1, -(-len(rows) // size))
    page = min(max(page, 0), pages - 1)
    return rows[page * size:(page + 1) * size], len(rows), pages


def assert_agrees(store: Store, days: tuple[str, ...] = DAYS) -> None:
    """The day tallies equal tallies built from the records; shift counts,
    out-on-errand and the log's pages equal the full scan. ``days``: the
    days whose tallies and pages are compared."""
    for day in days:
        got = tallies.day_tally(store, day)
        built = tallies._build([(r.doc_id, dict(r)) for r in store.table("checkpoint", day).all()])
        assert got.rows == built.rows and got.passes == built.passes
        for outcome, text, page in ((None, "", 0), (None, "", 1), ("allowed", "", 0), (None, "人1", 0),
                                    (cp.PASS, "1-302", 0)):
            assert cp.page_of(store, day, outcome, None, text, page, size=4) == old_page_of(
                store, day, outcome, text, page, 4)
    start, end = T0.isoformat(), (T0 + dt.timedelta(days=1, hours=2)).isoformat()
    for gate in GATES:
        assert shifts.shift_counts(store, gate, start, end) == old_shift_counts(store, gate, start, end)
    for gate in (None, *GATES):
        assert shifts.out_on_errand(store, gate, today=DAYS[-1]) == old_out_on_errand(store, gate, DAYS[-1])


def row(n: int, k: int, gate: str, outcome: str, direction: str, flag: bool) -> dict:
    return {"at": (T0 + dt.timedelta(minutes=37 * n)).isoformat(), "name": f"人{k % 3}",
            "phone": "", "door": "1-302" if flag else "", "org": "" if flag else "顺丰",
            "direction": direction, "outcome": outcome, "gate": gate,
            "temp": 37.9 if k % 5 == 0 else 36.5, **({"pass": k % 3} if k % 2 else {})}


def test_two_gates_two_days_corrections_and_another_desk(tmp_path):
    """(The hypothesis program of test_gate_index.py checks the tally too.)"""
    store = Store(tmp_path / "data")
    other = Store(store.root)
    for n in range(24):
        day = DAYS[n % 2]
        store.table("checkpoint", day).insert(
            row(n, n, GATES[n % 3 % 2], cp.OUTCOMES[n % 4], "out" if n % 3 else "in", n % 5 > 1))
        if n % 6 == 5:
            assert_agrees(store)
    log = store.table("checkpoint", DAY)
    first, second = [r.doc_id for r in log.all()][:2]
    log.insert({"corrects": first, "correction": "annul", "at": T0.isoformat()})
    log.insert({**row(30, 1, GATES[1], cp.PASS, "out", True), "corrects": second, "correction": "fix"})
    assert_agrees(store)
    other.table("checkpoint", DAYS[1]).insert(row(31, 3, GATES[0], cp.PASS, "in", True))
    log.update({"gate": GATES[1]}, doc_ids=[first + 2])
    other.checkpoint()
    log.remove(doc_ids=[first + 3])
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
