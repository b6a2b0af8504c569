"""Helpers for the errands/passes tests: the clock at T0 and ready-made errands."""

from __future__ import annotations

import datetime as dt

import pytest

from console.errands import errand as errands

TZ = dt.timezone(dt.timedelta(hours=8))
T0 = dt.datetime(2026, 3, 5, 10, 0, tzinfo=TZ)


def make_errand(store, volunteer, **kw) -> dict:
    args = dict(door="1-101", person="张三", purpose="买白糖", items="白糖 50 kg",
                destination="中百超市", escort="志愿者乙", start="10:00", end="12:00")
    args.update(kw)
    return errands.request(store, volunteer, **args)


def issued(store, leader, volunteer, **kw) -> dict:
    e = make_errand(store, volunteer, **kw)
    errands.approve(store, leader, e["number"])
    return errands.issue_pass(store, leader, e["number"])


@pytest.fixture
def clk(freeze_clock):
    """The clock frozen at T0 (10:00 on 2026-03-05)."""
    return freeze_clock(T0)


@pytest.fixture
def pass_(store, leader, volunteer, clk) -> dict:
    """An approved errand with its pass issued, 10:00-12:00 on 2026-03-05."""
    return issued(store, leader, volunteer)
