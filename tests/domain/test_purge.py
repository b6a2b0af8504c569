"""End of the lockdown: `purge --before DATE` leaves no purged name or phone
anywhere in the data directory (every byte of every file, snapshots and the
journal included) while the anonymous counts stay as they were."""

from __future__ import annotations

import datetime as dt
import os

import pytest

import app
from console import features
from console.checkpoint import gate as cp
from console.core import clock, exports, purge, settings
from console.core.i18n import DomainError
from console.errands import errand
from console.households import marks, roll
from console.purchases import orders
from console.stock import ledger as stock

TZ = dt.timezone(dt.timedelta(hours=8))
OLD = dt.datetime(2026, 1, 10, 9, 0, tzinfo=TZ)
NOW = dt.datetime(2026, 3, 20, 9, 0, tzinfo=TZ)
BEFORE = "2026-02-01"
# people who only ever appear in records older than BEFORE
GONE = [("欧阳震华", "13911112222"), ("司马相如", "13933334444"), ("诸葛孔明", "13955556666")]
STAYS = ("上官婉儿", "13977778888")


@pytest.fixture
def history(store, leader, volunteer, freeze_clock):
    if not hasattr(store, "redact"):
        pytest.skip("this store cannot rewrite its journal (Store.redact)")
    now = freeze_clock(OLD)
    for name, phone in GONE[:2]:
        cp.log_entry(store, volunteer, "西门", {
            "name": name, "phone": phone, "door": "", "org": "顺丰快递", "direction": "in",
            "purpose": "deliver", "outcome": "turned_away", "temp": "37.9", "plate": "鄂A12345",
            "note": f"{name}说明天再来"})
    cp.log_entry(store, volunteer, "西门", {
        "name": "王伟", "phone": "", "door": "1-302", "direction": "in", "purpose": "buy",
        "outcome": "allowed", "temp": "36.5", "plate": "", "note": ""})
    name, phone = GONE[2]
    e = errand.request(store, volunteer, person=name, phone=phone, org="华中食品厂", purpose="买白糖",
                       start=OLD + dt.timedelta(hours=1), end=OLD + dt.timedelta(hours=3),
                       items="白糖 50 kg", destination="中百仓储")
    errand.reject(store, leader, e["number"], f"{name}材料不全")
    orders.create_request(store, volunteer, "1-103", person=GONE[0][0], phone=GONE[0][1],
                          lines="土豆2斤", note=f"给{GONE[0][0]}的")
    stock.receive(store, volunteer, "mercury", 5, "中心A", "3.5")
    stock.issue(store, volunteer, "1-102")
    stock.issue(store, volunteer, "2-101")
    roll.report(store, volunteer, "1-101", "fever", 38.4)
    roll.report(store, volunteer, "1-104", "normal", 36.4)
    marks.set_mark(store, leader, "1-101", "orange", f"发热，{GONE[1][0]}密接", OLD.date())
    marks.open_record(store, volunteer, "1-101")
    exports.export(store, leader, cp.EXPORTS[0], [OLD.date().isoformat()])
    store.snapshot()
    now.t = NOW
    cp.log_entry(store, volunteer, "西门", {
        "name": STAYS[0], "phone": STAYS[1], "door": "", "org": "京东物流", "direction": "in",
        "purpose": "deliver", "outcome": "turned_away", "temp": "", "plate": "", "note": ""})
    store.snapshot()
    for path in (store.root / "exports").glob("*.xlsx"):   # written on the old day
        os.utime(path, (OLD.timestamp(), OLD.timestamp()))
    return store


def found(store, text: str) -> list[str]:
    """Files under the data directory whose bytes hold ``text`` (UTF-8 or JSON-escaped)."""
    forms = {text.encode(), text.encode("unicode_escape").replace(b"\\u", b"\\\\u"),
             text.encode("ascii", "backslashreplace")}
    hits = []
    for folder, _, files in os.walk(store.root):
        for f in files:
            data = open(os.path.join(folder, f), "rb").read()
            if any(form in data for form in forms):
                hits.append(os.path.relpath(os.path.join(folder, f), store.root))
    return hits


def test_purge_leaves_no_name_or_phone_and_keeps_the_counts(history, leader):
    store = history
    counts = purge.counts(store, BEFORE)
    assert counts["entries"] == {"2026-01-10 turned_away": 2, "2026-01-10 allowed": 1}
    assert counts["fevers"] == {"2026-01-10": 3} and counts["handouts"] == {"1": 1, "2": 1}
    for name, phone in GONE:
        assert found(store, name) and (name == GONE[2][0] or found(store, phone))
    plan = purge.preview(store, BEFORE, features.PURGE_RULES)
    assert plan["tables"]["checkpoint"] == 3 and plan["files"] == 1
    done = purge.purge(store, leader, BEFORE, features.PURGE_RULES)
    assert done["records"] == sum(plan["tables"].values())
    for name, phone in GONE:
        assert found(store, name) == [] and found(store, phone) == []
    assert found(store, "鄂A12345") == [] and found(store, "材料不全") == []
    assert purge.counts(store, BEFORE) == counts
    assert found(store, STAYS[0]) and found(store, STAYS[1])      # today's entry stays
    assert marks.key_persons(store) == []
    day = roll.summary(store, OLD.date().isoformat())["total"]
    assert (day["fever"], day["normal"]) == (1, 1)
    assert purge.preview(store, BEFORE, features.PURGE_RULES)["tables"] == {}


def test_dates_that_would_purge_today_are_refused(store, leader, freeze_clock):
    freeze_clock(NOW)
    for bad, says in (("2026-03-21", "after today"), ("2027-01-01", "after today"),
                      ("3月1日", "Cannot read")):
        with pytest.raises(DomainError, match=says):
            purge.preview(store, bad, features.PURGE_RULES)
    with pytest.raises(DomainError, match="Only a leader"):
        from console.core.operators import Actor
        purge.purge(store, Actor("志愿者乙", "volunteer"), "2026-03-01", features.PURGE_RULES)


def test_the_command_shows_what_goes_and_asks_twice(history, monkeypatch, capsys):
    store = history
    answers = iter(["y", "2026-01-31"])                # the second answer is the wrong date
    monkeypatch.setattr("builtins.input", lambda prompt="": next(answers))
    assert app.main(["--data-dir", str(store.root), "purge", "--before", BEFORE]) == 1
    out = capsys.readouterr().out
    assert "checkpoint: 3 records" in out and "Nothing was purged" in out
    assert found(store, GONE[0][0])
    answers = iter(["y", BEFORE])
    assert app.main(["--data-dir", str(store.root), "purge", "--before", BEFORE]) == 0
    assert "Purged personal data from before 2026-02-01" in capsys.readouterr().out
    assert found(store, GONE[0][0]) == []


def test_retention_purges_once_a_day(history, leader):
    store = history
    assert purge.run_retention(store, features.PURGE_RULES) is None      # off by default
    with pytest.raises(DomainError):
        settings.put(store, leader, "retention_days", "2")
    settings.put(store, leader, "retention_days", "60")
    done = purge.run_retention(store, features.PURGE_RULES)
    assert done["before"] == (NOW.date() - dt.timedelta(days=60)).isoformat() and done["records"]
    assert found(store, GONE[1][1]) == []
    assert purge.run_retention(store, features.PURGE_RULES) is None      # already ran today
    assert clock.today() == NOW.date()


async def test_a_leader_purges_from_the_households_tab(history, leader, volunteer):
    from app import DeskApp
    from screens.widgets.confirm import ConfirmScreen
    from screens.purge import PurgeScreen
    from textual.widgets import Input, Static

    store = history
    async with DeskApp(store, actor=volunteer, gate="西门").run_test(size=(80, 24)) as pilot:
        await pilot.press("f5", "g")
        await pilot.pause()
        await pilot.press("p")
        await pilot.pause()
        assert not isinstance(pilot.app.screen, PurgeScreen)          # not for a volunteer
    async with DeskApp(store, actor=leader, gate="西门").run_test(size=(80, 24)) as pilot:
        await pilot.press("f5", "g")
        await pilot.pause()
        await pilot.press("p")
        await pilot.pause()
        screen = pilot.app.screen
        assert isinstance(screen, PurgeScreen)
        field = screen.query_one("#purge-before", Input)
        field.value = BEFORE
        await pilot.press("enter")
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        report = str(screen.query_one("#purge-report", Static).render())
        assert "checkpoint: 3 records" in report and found(store, GONE[0][0])
        await pilot.press("ctrl+s")
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(pilot.app.screen, ConfirmScreen)
        await pilot.press("y")
        await pilot.pause()
        assert isinstance(pilot.app.screen, ConfirmScreen)            # asked a second time
        await pilot.press("y")
        await pilot.pause()
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        assert "Purged personal data" in str(screen.query_one("#purge-report", Static).render())
    assert found(store, GONE[0][0]) == []
