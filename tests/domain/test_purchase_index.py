"""The requests the Purchases tab, the unpaid list and the gate read come
from a folded index (console/purchases/index.py); they agree with a full
read of the table whatever happens: requests made, filled in, joined to a
run, paid, settled, cancelled; inserts, updates and removals by hand;
another desk writing; checkpoints; a rewrite; a restart.
"""

from __future__ import annotations

import datetime as dt

from hypothesis import HealthCheck, given, settings as hsettings, strategies as st

from console.checkpoint import gate as cp
from console.core import cache
from console.core.i18n import DomainError
from console.core.store import Store
from console.purchases import index
from console.purchases import orders as P
from console.purchases import runs as R
from console.purchases import settlement as D

from tests.domain.programs import DOORS, LEADER, run_program, small_directory


def reference(store: Store) -> list[dict]:
    return [{**r, "id": r.doc_id} for r in sorted(store.table(P.REQUESTS).all(),
                                                   key=lambda r: r.doc_id, reverse=True)]


def assert_agrees(store: Store) -> None:
    ref = reference(store)
    assert P.requests(store) == ref
    for status in ("new", "in_run", ("bought", "out", "delivered")):
        wanted = (status,) if isinstance(status, str) else status
        assert P.requests(store, status) == [r for r in ref if r["status"] in wanted]
    for run in {r["run"] for r in ref if r.get("run") is not None}:
        assert P.requests(store, run=run) == [r for r in ref if r.get("run") == run]
    assert D.unpaid(store) == sorted((r for r in ref if r["status"] in ("bought", "out", "delivered")
                                      and not r.get("settlement")), key=lambda r: r["id"])
    assert cp.requests(store) == [r for r in ref if isinstance(r.get("source"), dict)
                                  and "checkpoint" in r["source"]]


@st.composite
def steps(draw):
    return (draw(st.sampled_from(["create", "create", "empty", "set lines", "cancel", "run", "paid",
                                  "settle", "deliver", "by hand", "remove", "other desk",
                                  "checkpoint"])),
            draw(st.integers(0, 30)), draw(st.sampled_from(DOORS)))


def apply(store: Store, other: Store, kind: str, k: int, door: str) -> None:
    ids = [r.doc_id for r in store.table(P.REQUESTS).all()]
    target = ids[k % len(ids)] if ids else None
    try:
        if kind == "create" or target is None:
            P.create_request(store, LEADER, door, lines="土豆2斤", source={"checkpoint": "西门"} if k % 2 else None)
        elif kind == "empty":
            P.create_request(store, LEADER, door)
        elif kind == "set lines":
            P.set_lines(store, LEADER, target, "牛奶1箱", note="x")
        elif kind == "cancel":
            P.cancel_request(store, LEADER, target, "不要了")
        elif kind == "run":
            R.create_run(store, LEADER, dt.date(2099, 1, 1 + k % 20), f"超市{k}", "23:59")
        elif kind == "paid":
            R.record_paid(store, LEADER, target, "12.5")
        elif kind == "settle":
            D.settle(store, LEADER, target, "paid")
        elif kind == "deliver":
            D.deliver(store, LEADER, target)
        elif kind == "by hand":
            store.table(P.REQUESTS).update({"note": f"手改{k}"}, doc_ids=[target])
        elif kind == "remove":
            store.table(P.REQUESTS).remove(doc_ids=[target])
        elif kind == "other desk":
            P.create_request(other, LEADER, door, lines="白菜1斤")
        else:
            other.checkpoint()
    except DomainError as exc:  # refused (already settled, not bought...): nothing was written
        assert exc.key.startswith("purchases."), exc.key


@hsettings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(steps(), min_size=1, max_size=20))
def test_requests_agree_with_a_full_read(program):
    run_program(program, apply, assert_agrees)


def test_a_rewrite_and_a_restart_start_from_the_records(tmp_path):
    store = small_directory(tmp_path)
    for door in DOORS:
        P.create_request(store, LEADER, door, lines="土豆2斤")
    assert_agrees(store)
    store.redact(lambda table, day, r: {**r, "person": "某"} if table == index.REQUESTS else r)
    assert_agrees(store)
    assert {r["person"] for r in P.requests(store)} == {"某"}
    store.checkpoint()
    cache._folded.clear()  # a new process: nothing derived yet
    restarted = Store(store.root)
    restarted.actor = store.actor
    assert_agrees(restarted)
    P.create_request(restarted, LEADER, DOORS[0], lines="鸡蛋1盒")
    assert_agrees(restarted)
