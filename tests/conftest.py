"""Shared fixtures: a small data directory with a leader, a volunteer and two buildings."""

from __future__ import annotations

import pytest

from console.core import clock, i18n, operators
from console.core.store import Store

PIN = "1234"
LEADER_PIN = "123456"


def _small_households(store: Store) -> None:
    rows, buildings = [], []
    for b in (1, 2):
        buildings.append({"number": b, "grid": str(b), "floors": 6, "leader": f"楼长{b}"})
        for floor in range(1, 7):
            for door in range(1, 5):
                room = f"{floor}{door:02d}"
                rows.append({"door": f"{b}-{room}", "building": b, "unit": 1 + (door > 2),
                             "floor": floor, "room": room, "head": f"户主{b}{room}",
                             "phone": f"1380000{b}{room}", "members": 3, "grid": str(b),
                             "at_home": not (floor == 6 and door == 4)})
    with store.transaction("households", "buildings") as tx:
        tx.table("buildings").insert_multiple(buildings)
        tx.table("households").insert_multiple(rows)


@pytest.fixture(autouse=True)
def _cheap_pins(monkeypatch):
    """Tests hash PINs with a tiny scrypt cost (production: operators.SCRYPT,
    about 350 ms a check); hashes keep their cost, so both verify."""
    monkeypatch.setattr(operators, "SCRYPT", {"n": 2**4, "r": 1, "p": 1})


@pytest.fixture(autouse=True)
def _unexpected_errors_fail_tests(monkeypatch):
    """The console shows a short message for an unexpected error and goes on;
    in tests such an error fails the test (tests/test_crash.py turns this off)."""
    from app import DeskApp

    monkeypatch.setattr(DeskApp, "RAISE_UNEXPECTED", True)


@pytest.fixture(autouse=True)
def _english():
    """Tests read messages in English unless they switch language themselves."""
    before = i18n.lang()
    i18n.set_lang("en")
    yield
    i18n.set_lang(before)


@pytest.fixture
def empty_store(tmp_path) -> Store:
    return Store(tmp_path / "data")


@pytest.fixture
def store(empty_store: Store) -> Store:
    leader = operators.create_first_leader(empty_store, "组长甲", LEADER_PIN)
    operators.add_member(empty_store, leader, "志愿者乙", "volunteer", PIN)
    _small_households(empty_store)
    empty_store.actor = {"op": "", "role": ""}
    return empty_store


@pytest.fixture
def leader() -> operators.Actor:
    return operators.Actor("组长甲", "leader")


@pytest.fixture
def volunteer() -> operators.Actor:
    return operators.Actor("志愿者乙", "volunteer")


@pytest.fixture
def freeze_clock(monkeypatch):
    """freeze_clock(start) stops console.clock at start; move it with now["t"] = ..."""
    def freeze(start):
        now = {"t": start}
        monkeypatch.setattr(clock, "now", lambda: now["t"])
        return now
    return freeze
