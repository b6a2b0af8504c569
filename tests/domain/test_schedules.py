"""Scheduled deliveries with a frozen clock: due list, reminder, alarm, done."""

from __future__ import annotations

import datetime as dt

import pytest

from console import features
from console.core import clock
from console.purchases import schedules as S
from console.core.i18n import DomainError

TZ = dt.timezone(dt.timedelta(hours=8))


def at(day: int, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(2026, 3, day, hour, minute, tzinfo=TZ)


@pytest.fixture
def frozen(freeze_clock):
    return freeze_clock(at(5, 8))


@pytest.fixture
def meals(store, volunteer, frozen):
    return S.add_schedule(store, volunteer, "妈妈做的饭（无调料）", "2栋301", "隔离酒店 512 房",
                          "17:20, 11:30", start="2026-03-01")


def states(store):
    return [(s["time"], s["state"]) for s in S.due_list(store)]


def test_due_list_states_through_the_day(store, volunteer, frozen, meals):
    assert meals["times"] == ["11:30", "17:20"] and meals["door"] == "2-301"
    assert states(store) == [("11:30", "later"), ("17:20", "later")]
    frozen.t = at(5, 11, 20)
    assert states(store) == [("11:30", "soon"), ("17:20", "later")]
    frozen.t = at(5, 11, 30)
    assert states(store) == [("11:30", "overdue"), ("17:20", "later")]
    frozen.t = at(5, 11, 40)
    done = S.mark_done(store, volunteer, meals["id"], "2026-03-05", "11:30")
    assert done["by"] == volunteer.name and done["done_at"].startswith("2026-03-05T11:40")
    rows = S.due_list(store)
    assert rows[0]["state"] == "done" and rows[0]["done_by"] == volunteer.name
    e = pytest.raises(DomainError, S.mark_done, store, volunteer, meals["id"], "2026-03-05", "11:30")
    assert e.value.key == "schedules.already_done" and "11:40" in str(e.value)


def test_alerts_remind_ten_minutes_before_and_alarm_when_overdue(store, volunteer, frozen, meals):
    assert S.alerts in features.ALERT_PROVIDERS
    frozen.t = at(5, 11, 19)
    assert S.alerts(store, clock.now()) == []
    frozen.t = at(5, 11, 20)
    (remind,) = S.alerts(store, clock.now())
    assert remind.severity == "warning" and "11:30" in remind.message and "10 minutes" in remind.message
    frozen.t = at(5, 11, 31)
    (alarm,) = S.alerts(store, clock.now())
    assert alarm.severity == "error" and "Overdue" in alarm.message and alarm.key != remind.key
    frozen.t = at(5, 11, 41)
    (again,) = S.alerts(store, clock.now())
    assert again.key != alarm.key            # nags again every ten minutes
    assert [a.key for a in features.alerts(store, clock.now()) if a.key.startswith("schedule:")] == \
        [again.key]
    S.mark_done(store, volunteer, meals["id"], "2026-03-05", "11:30", by="周显甫")
    assert S.alerts(store, clock.now()) == []
    assert S.history(store, meals["id"])[0]["by"] == "周显甫"


def test_yesterdays_missed_slot_still_alarms(store, volunteer, frozen, meals):
    frozen.t = at(6, 7)
    keys = [a.key for a in S.alerts(store, clock.now())]
    assert any(":2026-03-05:17:20:late" in k for k in keys)


def test_every_other_day_and_end(store, volunteer, frozen):
    s = S.add_schedule(store, volunteer, "药", "1-101", "卫生院", "9:00", every=2,
                       start="2026-03-04", end="2026-03-08")
    days = [d for d in range(3, 11) if S.due_list(store, dt.date(2026, 3, d))]
    assert days == [4, 6, 8]
    e = pytest.raises(DomainError, S.mark_done, store, volunteer, s["id"], "2026-03-05", "09:00")
    assert e.value.key == "schedules.not_due"
    S.stop_schedule(store, volunteer, s["id"])
    assert S.due_list(store, dt.date(2026, 3, 6)) == []


@pytest.mark.parametrize("kw,key", [
    ({"times": "25:00"}, "purchases.bad_time"), ({"times": ""}, "schedules.no_times"),
    ({"door": "9-909"}, "households.unknown_door"), ({"to": " "}, "schedules.no_to"),
    ({"every": 0}, "schedules.bad_every"), ({"what": ""}, "schedules.no_what"),
    ({"every": "-5"}, "schedules.bad_every"), ({"every": "1.5"}, "schedules.bad_every"),
    ({"every": "31"}, "schedules.bad_every"), ({"every": "两"}, "schedules.bad_every"),
])
def test_bad_schedules(store, volunteer, frozen, kw, key):
    args = {"what": "饭", "door": "1-101", "to": "酒店", "times": "11:30", **kw}
    with pytest.raises(DomainError) as e:
        S.add_schedule(store, volunteer, **args)
    assert e.value.key == key
    assert S.schedules(store) == []


def test_every_is_read_as_typed():
    assert [S.parse_every(v) for v in ("1", " 7 ", "３０", 2)] == [1, 7, 30, 2]
    with pytest.raises(DomainError) as e:
        S.parse_every("-5")
    assert str(e.value) == "Repeat every 1 to 30 days (a whole number), not “-5”."
