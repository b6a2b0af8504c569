"""Gate rules on a frozen clock: marks deny or advise, fevers, household
quota (countdown, next turn, late), overrides, the race for the last slot,
corrections, who is inside / out, leader settings."""

from __future__ import annotations

import datetime as dt
import threading

import pytest

from console import features
from console.checkpoint import corrections, inside
from console.checkpoint import gate as cp, shifts
from console.checkpoint import rules as gate_rules
from console.core import operators, settings, spreadsheet
from console.core.i18n import DomainError
from console.core.store import Store
from console.households import marks

GATE = "西门"
TZ = dt.timezone(dt.timedelta(hours=8))
T0 = dt.datetime(2026, 3, 5, 9, 0, tzinfo=TZ)
DAY = "2026-03-05"


@pytest.fixture
def now(freeze_clock):
    return freeze_clock(T0)


def form(**kw):
    base = {"name": "王伟", "phone": "", "door": "1-302", "direction": "out",
            "purpose": "buy", "outcome": "allowed", "temp": "", "plate": "", "note": ""}
    return {**base, **kw}


def decide(store, **kw):
    args = {"direction": "out", "door": "1-302", "name": "王伟"}
    return gate_rules.decide(store, **{**args, **kw})


def later(now, **delta):
    now.t = now.t + dt.timedelta(**delta)
    return now.t


# -- marks --------------------------------------------------------------------

def test_red_and_orange_deny_going_out_with_instruction_not_diagnosis(store, leader, now):
    marks.set_mark(store, leader, "1-302", "red", "确诊，已送医院", "2026-03-20")
    d = decide(store)
    assert d.denied and d.code == "mark"
    assert "may not go out" in d.message and "report to the community" in d.instruction
    assert "确诊" not in d.text and "red" not in d.text.lower()
    marks.set_mark(store, leader, "1-302", "orange", "发热待查", "2026-03-20")
    assert decide(store).denied and "community doctor" in decide(store).instruction
    # coming home is not refused
    assert not decide(store, direction="in").denied


def test_yellow_denies_until_review_then_advises(store, leader, now):
    marks.set_mark(store, leader, "2-101", "yellow", "密接", "2026-03-08")
    d = decide(store, door="2-101")
    assert d.denied and d.code == "quarantine" and "until 03-08" in d.message
    later(now, days=3)
    d = decide(store, door="2-101")
    assert d.kind == "advise" and d.code == "review_due" and "ask a leader" in d.message


def test_leader_settings_change_what_colours_do(store, leader, volunteer, now):
    marks.set_mark(store, leader, "1-302", "red", "确诊", "2026-03-20")
    rules = settings.get(store, "gate_marks")
    rules["red"] = {"action": "advise", "instruction": "请戴好口罩"}
    settings.put(store, leader, "gate_marks", rules)
    d = decide(store)
    assert d.kind == "advise" and d.instruction == "请戴好口罩"
    rules["red"]["action"] = "none"
    settings.put(store, leader, "gate_marks", rules)
    assert decide(store).kind == "allow"
    with pytest.raises(DomainError, match="deny, advise or none"):
        settings.put(store, leader, "gate_marks", {"red": {"action": "maybe"}})
    with pytest.raises(DomainError, match="Only a leader"):
        settings.put(store, volunteer, "gate_marks", rules)
    with pytest.raises(DomainError, match="80 characters"):
        settings.put(store, leader, "gate_marks", {"red": {"action": "deny", "instruction": "字" * 81}})
    assert settings.get(store, "gate_marks")["red"]["action"] == "none"


def test_fever_coming_in_is_advised_with_the_fever_instruction(store, leader, now):
    d = decide(store, direction="in", temp=37.8)
    assert d.kind == "advise" and d.code == "fever" and "37.8" in d.message
    assert "community doctor" in d.instruction
    assert decide(store, direction="in", temp=37.2).kind == "none"
    outsider = gate_rules.decide(store, direction="in", org="顺丰快递", name="李强", temp=38.0)
    assert outsider.kind == "advise"


# -- quota --------------------------------------------------------------------

def test_quota_allows_one_then_denies_with_next_turn(store, volunteer, now):
    d = decide(store)
    assert d.kind == "allow" and d.due_back == T0 + dt.timedelta(hours=2) and "back by 11:00" in d.message
    cp.log_entry(store, volunteer, GATE, form())
    later(now, minutes=30)
    d = decide(store, name="王芳")
    assert d.denied and d.code == "quota" and d.next_turn == T0 + dt.timedelta(days=2)
    assert "next turn 03-07 09:00" in d.message
    # another household is not affected
    assert decide(store, door="1-303").kind == "allow"
    later(now, minutes=60)
    cp.log_entry(store, volunteer, GATE, form(direction="in"))
    now.t = T0 + dt.timedelta(days=2)
    assert decide(store, name="王芳").kind == "allow"


def test_turned_away_does_not_use_the_quota(store, volunteer, now):
    cp.log_entry(store, volunteer, GATE, form(outcome="turned_away"))
    assert decide(store).kind == "allow"


def test_back_late_is_marked_and_moves_the_next_turn(store, leader, volunteer, now):
    cp.log_entry(store, volunteer, GATE, form())
    later(now, hours=2, minutes=40)
    assert [r["door"] for r in inside.out_now(store) if r["late"]] == ["1-302"]
    assert any("Out past their time: 1-302" in a.message for a in features.alerts(store, now.t))
    d = decide(store, direction="in")
    assert d.kind == "advise" and d.code == "late" and d.late_minutes == 40
    assert "next turn moves to 03-07 09:40" in d.text
    e = cp.log_entry(store, volunteer, GATE, form(direction="in"))
    assert e["rule"] == {"kind": "advise", "code": "late", "late_minutes": 40}
    assert inside.out_now(store) == []
    now.t = T0 + dt.timedelta(days=2, minutes=20)
    d = decide(store)
    assert d.denied and d.next_turn == T0 + dt.timedelta(days=2, minutes=40)
    rule = {**settings.get(store, "gate_quota"), "late_moves_turn": False}
    settings.put(store, leader, "gate_quota", rule)
    assert decide(store).kind == "allow"


def test_zero_people_means_no_quota(store, leader, volunteer, now):
    settings.put(store, leader, "gate_quota", {"people": 0})
    cp.log_entry(store, volunteer, GATE, form())
    d = decide(store, name="王芳")
    assert d.kind == "allow" and d.due_back is None


@pytest.mark.parametrize("value, field", [
    ({"people": -1}, "people"), ({"people": 500}, "people"), ({"people": 1.5}, "people"),
    ({"every_days": 0}, "every_days"), ({"every_days": 365}, "every_days"),
    ({"out_hours": 0}, "out_hours"), ({"out_hours": "abc"}, "out_hours"),
    ({"out_hours": float("nan")}, "out_hours"),
])
def test_absurd_quota_refused_and_nothing_changes(store, leader, value, field):
    with pytest.raises(DomainError) as err:
        settings.put(store, leader, "gate_quota", value)
    assert err.value.field == field and "must be" in str(err.value)
    assert settings.get(store, "gate_quota") == gate_rules.QUOTA_DEFAULT


def test_inside_limit_validated(store, leader):
    for bad in (-1, 0, 1000, "x"):
        with pytest.raises(DomainError):
            settings.put(store, leader, "gate_inside_hours", bad)
    assert settings.put(store, leader, "gate_inside_hours", "1.5") == 1.5


# -- saving: deny, override ---------------------------------------------------

def test_volunteer_cannot_let_a_denied_person_out(store, leader, volunteer, now):
    marks.set_mark(store, leader, "1-302", "red", "确诊", "2026-03-20")
    with pytest.raises(DomainError) as err:
        cp.log_entry(store, volunteer, GATE, form())
    assert err.value.field == "outcome" and "Only a leader" in str(err.value)
    assert cp.entries(store, DAY) == []
    e = cp.log_entry(store, volunteer, GATE, form(outcome="turned_away"))
    assert e["rule"]["kind"] == "deny" and "override" not in e


def test_leader_override_needs_a_reason_and_is_stored_and_audited(store, leader, now):
    marks.set_mark(store, leader, "1-302", "red", "确诊", "2026-03-20")
    with pytest.raises(DomainError) as err:
        cp.log_entry(store, leader, GATE, form(override="  "))
    assert err.value.field == "override"
    assert cp.entries(store, DAY) == []
    e = cp.log_entry(store, leader, GATE, form(override="送医院复查，120 接送"))
    assert e["override"]["reason"] == "送医院复查，120 接送" and e["override"]["by"] == leader.name
    assert e["override"]["rule"] == "mark"
    audit = [a for a in store.history(DAY) if a["table"] == "checkpoint"]
    assert audit[-1]["after"]["override"]["reason"] == "送医院复查，120 接送"


def test_two_desks_race_for_the_last_slot_exactly_one_allowed(store, volunteer, now):
    desks = [Store(store.root), Store(store.root)]
    barrier = threading.Barrier(2)
    results: list = []

    def desk(s: Store, name: str) -> None:
        barrier.wait()
        try:
            results.append(cp.log_entry(s, volunteer, GATE, form(name=name)))
        except DomainError as exc:
            results.append(exc)

    threads = [threading.Thread(target=desk, args=(s, n)) for s, n in zip(desks, ("王伟", "王芳"))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    saved = [r for r in results if isinstance(r, dict)]
    refused = [r for r in results if isinstance(r, DomainError)]
    assert len(saved) == 1 and len(refused) == 1 and refused[0].key == "gate.denied_entry"
    assert [e["outcome"] for e in cp.entries(store, DAY)] == ["allowed"]


# -- corrections --------------------------------------------------------------

def test_annul_frees_the_quota_keeps_the_original_and_refuses_twice(store, leader, volunteer, now):
    e = cp.log_entry(store, volunteer, GATE, form())
    assert decide(store, name="王芳").denied
    with pytest.raises(DomainError, match="reason"):
        corrections.annul(store, leader, DAY, e["id"], "")
    a = corrections.annul(store, leader, DAY, e["id"], "登记错了人")
    assert decide(store, name="王芳").kind == "allow"
    assert inside.out_now(store) == []
    rows, n, _ = cp.page_of(store, DAY)
    assert n == 2  # the original is still there, marked
    original = next(r for r in rows if r["id"] == e["id"])
    assert original["corrected_by"]["correction"] == "annul"
    assert original["corrected_by"]["reason"] == "登记错了人"
    with pytest.raises(DomainError, match="already corrected"):
        corrections.annul(store, leader, DAY, e["id"], "再来一次")
    with pytest.raises(DomainError, match="annulment"):
        corrections.annul(store, leader, DAY, a["id"], "x")


def test_volunteer_fixes_own_entry_within_five_minutes_only(store, leader, volunteer, now):
    e = cp.log_entry(store, volunteer, GATE, form(door="1-303", outcome="turned_away"))
    later(now, minutes=4)
    fixed = corrections.fix(store, volunteer, DAY, e["id"], form(door="1-302", outcome="turned_away"))
    assert fixed["at"] == e["at"] and fixed["corrects"] == e["id"]
    live = gate_rules.live(store.table("checkpoint", DAY).all())
    assert [(r["id"], r["door"]) for r in live] == [(fixed["id"], "1-302")]
    other = cp.log_entry(store, leader, GATE, form(door="2-101", outcome="turned_away"))
    with pytest.raises(DomainError, match="your own"):
        corrections.annul(store, volunteer, DAY, other["id"], "错了")
    later(now, minutes=6)
    with pytest.raises(DomainError, match="more than 5 minutes"):
        corrections.annul(store, volunteer, DAY, fixed["id"], "错了")
    assert len(cp.entries(store, DAY)) == 3


def test_fix_cannot_sneak_a_denied_person_out(store, leader, volunteer, now):
    marks.set_mark(store, leader, "1-302", "red", "确诊", "2026-03-20")
    e = cp.log_entry(store, volunteer, GATE, form(outcome="turned_away"))
    with pytest.raises(DomainError, match="Only a leader"):
        corrections.fix(store, volunteer, DAY, e["id"], form())
    assert len(cp.entries(store, DAY)) == 1


def test_shift_counts_follow_corrections(store, leader, volunteer, now):
    shifts.open_shift(store, volunteer, GATE)
    e = cp.log_entry(store, volunteer, GATE, form(outcome="turned_away", temp="38.0"))
    cp.log_entry(store, volunteer, GATE, form(door="2-101"))
    corrections.annul(store, leader, DAY, e["id"], "测试")
    later(now, hours=1)
    counts = shifts.close_shift(store, volunteer, GATE)["counts"]
    assert counts["total"] == 1 and counts["fevers"] == 0 and counts["residents_out"] == 1


# -- who is inside ------------------------------------------------------------

def test_outsiders_inside_until_logged_out_and_overstay_alert(store, leader, volunteer, now):
    cp.log_entry(store, volunteer, GATE, form(name="李强", door="顺丰快递", direction="in",
                                              purpose="deliver"))
    cp.log_entry(store, volunteer, GATE, form(name="赵六", door="供电所", direction="in",
                                              purpose="work", outcome="turned_away"))
    later(now, minutes=30)
    rows = inside.inside_now(store)
    assert [(r["name"], r["org"], r["minutes"], r["over"]) for r in rows] == [
        ("李强", "顺丰快递", 30, False)]
    d = gate_rules.decide(store, direction="out", name="李强", org="顺丰快递")
    assert "Inside since 09:00" in d.message
    later(now, hours=2)
    assert inside.inside_now(store)[0]["over"]
    assert any("Outsider still inside: 李强" in a.message for a in features.alerts(store, now.t))
    settings.put(store, leader, "gate_inside_hours", 4)
    assert not inside.inside_now(store)[0]["over"]
    cp.log_entry(store, volunteer, GATE, form(name="李强", door="顺丰快递", direction="out",
                                              purpose="deliver"))
    assert inside.inside_now(store) == []


def test_residents_out_listed_with_since_and_due(store, volunteer, now):
    cp.log_entry(store, volunteer, GATE, form())
    later(now, minutes=10)
    cp.log_entry(store, volunteer, GATE, form(door="2-101", name="陈静"))
    rows = inside.out_now(store)
    assert [(r["door"], r["name"], r["since"].strftime("%H:%M"), r["due"].strftime("%H:%M"))
            for r in rows] == [("1-302", "王伟", "09:00", "11:00"), ("2-101", "陈静", "09:10", "11:10")]


def test_demo_part_shows_every_rule(tmp_path, now):
    """Marked households turned away, an override, over quota, a late return,
    an annulment, both standing passes, outsiders inside (one overstaying)."""
    import random

    from console.demo import gate as gate_demo
    from console.demo import roster as demo
    from console.errands import standing
    s = Store(tmp_path / "d")
    demo.add_roster(s)
    demo.add_households(s, random.Random(1))
    boss = next(m["name"] for m in operators.roster(s) if m["role"] == "leader")
    for door, colour in (("1-101", "red"), ("1-102", "orange"), ("1-103", "yellow"),
                         ("1-104", "red"), ("1-105", "red")):
        marks.set_mark(s, operators.Actor(boss, "leader"), door, colour, "x", "2026-03-20")
    now.t = T0.replace(hour=15)
    line = gate_demo.part(s, random.Random(2), 1)
    assert "gate rules:" in line
    rows = cp.entries(s, DAY)
    assert sum(e.get("rule", {}).get("code") in ("mark", "quarantine") and
               e["outcome"] == "turned_away" for e in rows) == 4
    assert [e["override"]["reason"] for e in rows if e.get("override")] == ["发热门诊复查，社区医生陪同"]
    assert any(e.get("rule", {}).get("code") == "quota" and e["outcome"] == "turned_away" for e in rows)
    assert any(e.get("rule", {}).get("code") == "late" for e in rows)
    assert sum(e.get("correction") == "annul" for e in rows) == 1
    assert {p["pass_kind"] for p in standing.listing(s)} == {"household", "commuter"}
    inside_rows = inside.inside_now(s)
    assert len(inside_rows) == 4 and sum(r["over"] for r in inside_rows) == 1
    assert any(r["via"] == "household" for r in inside.out_now(s))


def test_rules_changed_together_or_not_at_all(store, leader):
    with pytest.raises(DomainError):
        settings.put_many(store, leader, {"gate_inside_hours": 3, "gate_quota": {"people": -2}})
    assert settings.get(store, "gate_inside_hours") == 2
    settings.put_many(store, leader, {"gate_inside_hours": 3, "gate_quota": {"people": 2}})
    assert settings.get(store, "gate_inside_hours") == 3
    assert settings.get(store, "gate_quota")["people"] == 2


def test_export_shows_overrides_and_corrections(store, leader, now):
    import csv
    import io
    marks.set_mark(store, leader, "1-302", "red", "确诊", "2026-03-20")
    e = cp.log_entry(store, leader, GATE, form(override="送医院"))
    corrections.annul(store, leader, DAY, e["id"], "登记错了")
    data = spreadsheet.to_csv(cp.gate_log(store, leader, [DAY]))
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows[0][-2:] == ["leader override", "correction"]
    assert rows[1][-2] == f"{leader.name}: 送医院" and rows[2][-1] == "annuls entry 1: 登记错了"
