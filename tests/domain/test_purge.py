"""End of the lockdown: `purge --before DATE` leaves no purged name or phone
anywhere in the data directory (every byte of every file, snapshots and the
journal included) while the anonymous counts stay as they were."""

from __future__ import annotations

import datetime as dt

import pytest

import app
from console import features
from console.core import clock, purge, settings
from console.core.i18n import DomainError
from console.households import marks, roll
from tests.purge_history import BEFORE, GONE, NOW, OLD, STAYS, found


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
