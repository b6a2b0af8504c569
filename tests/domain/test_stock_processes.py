"""Two desks (two processes) hand out the last thermometer at the same moment."""

from __future__ import annotations

import multiprocessing as mp

from console.core import operators
from console.stock import balances
from console.stock import ledger as stock
from console.core.store import Store


def _desk(root: str, door: str, barrier, results) -> None:
    from console.core import i18n  # noqa: PLC0415
    from console.core.i18n import DomainError  # noqa: PLC0415

    i18n.set_lang("en")
    store = Store(root)
    actor = operators.Actor("志愿者乙", "volunteer")
    barrier.wait()
    try:
        doc = stock.issue(store, actor, door)
        results.put((door, "ok", doc["no"]))
    except DomainError as exc:
        results.put((door, exc.key, str(exc)))


def test_last_thermometer_goes_to_exactly_one_desk(store, volunteer):
    stock.receive(store, volunteer, "mercury", 1, "城东社区卫生服务中心")
    ctx = mp.get_context("fork")
    for round_ in range(3):  # a few rounds: each starts with exactly one in stock
        barrier, results = ctx.Barrier(2), ctx.Queue()
        doors = [f"1-{round_ + 2}01", f"2-{round_ + 2}01"]
        procs = [ctx.Process(target=_desk, args=(str(store.root), d, barrier, results)) for d in doors]
        for p in procs:
            p.start()
        for p in procs:
            p.join(60)
            assert p.exitcode == 0
        out = sorted((results.get(timeout=5) for _ in procs), key=lambda r: r[1] != "ok")
        assert [r[1] for r in out] == ["ok", "stock.negative"], out
        assert "balance is 0" in out[1][2]  # the loser is told why
        winner, loser = out[0][0], out[1][0]
        held = balances.held_by_door(store)
        assert held.get(winner) == 1 and loser not in held
        assert balances.balances(store)[0]["balance"] == 0
        stock.receive(store, volunteer, "mercury", 1, "城东社区卫生服务中心")
    issued = [m for m in balances.movements(store) if m["kind"] == "issue"]
    assert len(issued) == 3
