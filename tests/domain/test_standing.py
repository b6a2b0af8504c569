"""Standing passes and pass scans under the gate rules (frozen clock):
household pass with the quota, work pass once a day within hours, a
household marked red between printing and scanning, errand approval,
revoke / reprint, `app.py verify`, bad input."""

from __future__ import annotations

import datetime as dt

import pytest

from console.checkpoint import gate as cp, shifts
from console.checkpoint import corrections, scan as gate_scan
from console.errands import errand as errands, passes, standing
from console.households import marks
from console.core.i18n import DomainError
from tests.errand_helpers import T0, issued, make_errand
GATE = "西门"
DAY = T0.date().isoformat()


@pytest.fixture
def now(freeze_clock):
    return freeze_clock(T0)


def later(now, **delta):
    now.t = now.t + dt.timedelta(**delta)


def test_household_pass_same_code_layout_kind_and_slip_fields(store, leader, now):
    p = standing.issue_household(store, leader, "1-302", until="2026-04-30")
    f = passes.parse(p["code"])
    assert len(p["code"]) == passes.LENGTH and f.kind == passes.KIND_HOUSEHOLD_PASS
    assert f.number == p["number"] and f.generation == 1
    assert p["person"] == "户主1302" and p["window"] == "2026-03-05 – 2026-04-30"
    assert standing.issue_household(store, leader, "1-303")["window"] == "2026-03-05 –"
    assert p["purpose"] == "本户成员（户主 户主1302，3 人） / Household members (head 户主1302, 3)"


def test_household_pass_out_back_then_over_quota(store, leader, volunteer, now):
    p = standing.issue_household(store, leader, "1-302")
    v = gate_scan.scan(store, p["code"], GATE, volunteer)
    assert v.kind == "valid_out" and v.message == "VALID: may go out; back by 12:00"
    later(now, minutes=1)
    assert gate_scan.scan(store, p["code"], GATE, volunteer).kind == "valid_in"
    later(now, minutes=30)
    v = gate_scan.scan(store, p["code"], GATE, volunteer)
    assert v.kind == "over_quota" and "next turn 03-07 10:00" in v.message
    log = cp.entries(store, DAY)
    assert [(e["direction"], e["pass_kind"], e["pass"]) for e in log] == [
        ("out", "household", p["number"]), ("in", "household", p["number"])]
    # the form sees the same quota: the household used its turn with the pass
    with pytest.raises(DomainError, match="Only a leader"):
        cp.log_entry(store, volunteer, GATE, {"name": "王伟", "door": "1-302", "direction": "out",
                                              "purpose": "buy", "outcome": "allowed"})


def test_household_marked_red_after_printing_reads_denied_key_person(store, leader, volunteer, now):
    p = standing.issue_household(store, leader, "1-302")
    e = issued(store, leader, volunteer, door="1-302")
    marks.set_mark(store, leader, "1-302", "red", "确诊", "2026-03-20")
    for code in (p["code"], e["code"]):
        v = gate_scan.scan(store, code, GATE, volunteer)
        assert v.kind == "denied_mark" and "key-person household" in v.message
        assert "report to the community" in v.message and "确诊" not in v.message
    assert cp.entries(store, DAY) == []
    assert errands.get(store, e["number"])["state"] == "issued"
    assert [s["verdict"] for s in store.table("scans", day=DAY).all()] == ["denied_mark"] * 2
    text, rc = gate_scan.cli_verify(store, p["code"])
    assert rc == 1 and text.startswith("denied_mark")


def test_work_pass_once_a_day_within_hours(store, leader, volunteer, now):
    w = standing.issue_commuter(store, leader, "2-101", "陈静", "华中食品厂", days=7,
                                hours="07:00-19:00")
    assert w["until"] == "2026-03-11" and w["hours"] == ["07:00", "19:00"]
    now.t = T0.replace(hour=6, minute=30)
    v = gate_scan.scan(store, w["code"], GATE, volunteer)
    assert v.kind == "outside_hours" and "07:00–19:00" in v.message
    assert cp.entries(store, DAY) == []
    now.t = T0.replace(hour=7, minute=30)
    assert gate_scan.scan(store, w["code"], GATE, volunteer).kind == "valid_out"
    now.t = T0.replace(hour=17, minute=50)
    assert gate_scan.scan(store, w["code"], GATE, volunteer).kind == "valid_in"
    now.t = T0.replace(hour=18)
    v = gate_scan.scan(store, w["code"], GATE, volunteer)
    assert v.kind == "already_used" and "once a day" in v.message
    # the work pass does not use the household's quota
    assert not cp.log_entry(store, volunteer, GATE, {
        "name": "户主", "door": "2-101", "direction": "out", "purpose": "buy",
        "outcome": "allowed"}).get("override")
    now.t = T0.replace(day=6, hour=8)
    assert gate_scan.verify(store, w["code"]).kind == "valid_out"
    now.t = T0.replace(day=12, hour=8)
    assert gate_scan.verify(store, w["code"]).kind == "expired"


def test_revoke_and_reprint(store, leader, volunteer, now):
    p = standing.issue_household(store, leader, "1-302")
    with pytest.raises(DomainError, match="Only a leader"):
        standing.reprint(store, volunteer, p["number"])
    new = standing.reprint(store, leader, p["number"])
    assert new["pass_gen"] == 2
    assert gate_scan.verify(store, p["code"]).kind == "replaced"
    assert gate_scan.verify(store, new["code"]).kind == "valid_out"
    with pytest.raises(DomainError, match="reason"):
        standing.revoke(store, leader, p["number"], " ")
    standing.revoke(store, leader, p["number"], "户主要求")
    assert gate_scan.scan(store, new["code"], GATE, volunteer).kind == "revoked"
    with pytest.raises(DomainError, match="already revoked"):
        standing.revoke(store, leader, p["number"], "again")
    assert standing.status(standing.get(store, p["number"])) == "revoked"


@pytest.mark.parametrize("call, field", [
    (lambda s, a: standing.issue_household(s, a, "1-302", until="2026-03-01"), "until"),
    (lambda s, a: standing.issue_household(s, a, "1-302", start="2026-03-10", until="2026-03-09"),
     "until"),
    (lambda s, a: standing.issue_household(s, a, "9-999"), "door"),
    (lambda s, a: standing.issue_commuter(s, a, "2-101", "陈静", "厂", days=0), "days"),
    (lambda s, a: standing.issue_commuter(s, a, "2-101", "陈静", "厂", days=400), "days"),
    (lambda s, a: standing.issue_commuter(s, a, "2-101", "陈静", "厂", days=3, hours="19:00-07:00"),
     "hours"),
    (lambda s, a: standing.issue_commuter(s, a, "2-101", "", "厂", days=3), "person"),
])
def test_bad_standing_pass_input_refused_nothing_written(store, leader, now, call, field):
    with pytest.raises(DomainError) as err:
        call(store, leader)
    assert err.value.field == field and str(err.value)
    assert standing.listing(store) == []


def test_errand_approval_for_a_denied_household_needs_a_reason(store, leader, volunteer, now):
    marks.set_mark(store, leader, "1-101", "orange", "发热待查", "2026-03-09")
    e = make_errand(store, volunteer)
    with pytest.raises(DomainError) as err:
        errands.approve(store, leader, e["number"])
    assert err.value.field == "note" and "key-person household" in str(err.value)
    assert errands.get(store, e["number"])["state"] == "requested"
    done = errands.approve(store, leader, e["number"], "送医院发热门诊")
    assert done["state"] == "approved" and done["history"][-1]["override"] == "mark"


def test_annulled_scan_lets_the_household_pass_out_again(store, leader, volunteer, now):
    p = standing.issue_household(store, leader, "1-302")
    gate_scan.scan(store, p["code"], GATE, volunteer)
    entry = cp.entries(store, DAY)[0]
    corrections.annul(store, leader, DAY, entry["id"], "误扫（测试）")
    later(now, minutes=5)
    assert gate_scan.scan(store, p["code"], GATE, volunteer).kind == "valid_out"


def test_annulled_errand_scan_takes_the_errand_back(store, leader, volunteer, now):
    e = issued(store, leader, volunteer)
    gate_scan.scan(store, e["code"], GATE, volunteer)
    later(now, minutes=30)
    gate_scan.scan(store, e["code"], GATE, volunteer)
    out_entry, in_entry = cp.entries(store, DAY)
    with pytest.raises(DomainError, match="scanned again later"):
        corrections.annul(store, leader, DAY, out_entry["id"], "误扫")
    corrections.annul(store, leader, DAY, in_entry["id"], "同一人扫了两次")
    assert errands.get(store, e["number"])["state"] == "out"
    assert [r["name"] for r in shifts.out_on_errand(store)] == ["张三"]
    corrections.annul(store, leader, DAY, out_entry["id"], "测试")
    assert errands.get(store, e["number"])["state"] == "issued"
    assert gate_scan.verify(store, e["code"]).kind == "valid_out"
