"""Errand requests and the approval state machine (console/, no UI)."""

from __future__ import annotations

import datetime as dt

import pytest

from console import features
from console.errands import errand as errands, passes
from console.checkpoint import scan as gate_scan
from console.core.i18n import DomainError
from tests.errand_helpers import T0, issued, make_errand


def _files(store):
    return {p: p.read_bytes() for p in store.data_files()}


def test_request_fills_from_household(store, volunteer, clk):
    e = make_errand(store, volunteer, person="", door="1栋101")
    assert e["door"] == "1-101" and e["person"] == "户主1101" and e["phone"] == "13800001101"
    assert e["state"] == "requested" and e["number"] == 1
    assert e["start"] == T0.isoformat() and e["end"] == (T0 + dt.timedelta(hours=2)).isoformat()


def test_organisation_request(store, volunteer, clk):
    e = make_errand(store, volunteer, door="", org="宏达食品厂", person="李经理", phone="139 0000 1111")
    assert e["kind"] == "org" and e["org"] == "宏达食品厂" and e["phone"] == "13900001111"
    assert passes.KIND_ORG == 2


@pytest.mark.parametrize("kw,key,field", [
    (dict(start="12:00", end="11:00"), "errands.window_order", "end"),
    (dict(start="03-05 12:00", end="03-05 11:00"), "errands.window_order", "end"),
    (dict(start="08:00", end="09:00"), "errands.window_past", "end"),
    (dict(start="3pm"), "errands.bad_time", "start"),
    (dict(door="", org=""), "errands.need_requester", "door"),
    (dict(org="厂"), "errands.both_requester", "org"),
    (dict(door="9-999"), "households.unknown_door", "door"),
    (dict(purpose=" "), "errands.need_purpose", "purpose"),
    (dict(escort="路人"), "errands.bad_escort", "escort"),
    (dict(start="10:00", end="03-06 12:00"), "errands.window_long", "end"),
])
def test_bad_requests_change_nothing(store, volunteer, clk, kw, key, field):
    before = _files(store)
    with pytest.raises(DomainError) as err:
        make_errand(store, volunteer, **kw)
    assert err.value.key == key and err.value.field == field
    assert str(err.value)
    assert _files(store) == before


def test_window_past_midnight(store, volunteer, clk):
    e = make_errand(store, volunteer, start="22:00", end="03-06 01:00")
    assert e["end"].startswith("2026-03-06T01:00")


def test_non_leader_cannot_approve_reject_or_revoke(store, leader, volunteer, clk):
    e = make_errand(store, volunteer)
    before = _files(store)
    for call in (lambda: errands.approve(store, volunteer, e["number"]),
                 lambda: errands.reject(store, volunteer, e["number"], "no"),
                 lambda: errands.revoke(store, volunteer, e["number"], "no")):
        with pytest.raises(DomainError) as err:
            call()
        assert err.value.key == "auth.leader_only"
    assert _files(store) == before
    assert errands.get(store, e["number"])["state"] == "requested"


def test_reject_needs_reason_and_is_final(store, leader, volunteer, clk):
    e = make_errand(store, volunteer)
    with pytest.raises(DomainError) as err:
        errands.reject(store, leader, e["number"], "  ")
    assert err.value.field == "reason"
    e = errands.reject(store, leader, e["number"], "可由代购志愿者代买")
    assert e["state"] == "rejected" and e["reason"] == "可由代购志愿者代买"
    with pytest.raises(DomainError) as err:
        errands.approve(store, leader, e["number"])
    assert err.value.key == "errands.bad_state"
    with pytest.raises(DomainError):
        errands.issue_pass(store, leader, e["number"])
    assert errands.close(store, volunteer, e["number"])["state"] == "closed"


def test_full_life_and_history(store, leader, volunteer, clk):
    e = issued(store, leader, volunteer)
    assert e["state"] == "issued" and e["pass_gen"] == 1 and e["code"]
    gate_scan.scan(store, e["code"], "西门", volunteer)
    clk.advance(minutes=30)
    gate_scan.scan(store, e["code"], "西门", volunteer)
    e = errands.close(store, volunteer, e["number"])
    assert [h["event"] for h in e["history"]] == [
        "requested", "approved", "issued", "out", "in", "closed"]
    assert e["approved_by"] == "组长甲"
    # stamped and audited
    audit = store.history(T0.date().isoformat())
    assert any(a["table"] == "errands" and a["op"] == "update" and a["after"]["state"] == "closed"
               for a in audit)


def test_cannot_close_while_out(store, leader, volunteer, clk):
    e = issued(store, leader, volunteer)
    gate_scan.scan(store, e["code"], "西门", volunteer)
    with pytest.raises(DomainError):
        errands.close(store, volunteer, e["number"])


def test_unknown_number(store, leader, clk):
    with pytest.raises(DomainError) as err:
        errands.approve(store, leader, 999)
    assert err.value.key == "errands.unknown"


def test_expired_and_overdue_status_and_alert(store, leader, volunteer, clk):
    a = issued(store, leader, volunteer)
    b = issued(store, leader, volunteer, door="1-102")
    gate_scan.scan(store, b["code"], "西门", volunteer)
    clk.set(T0 + dt.timedelta(hours=2, minutes=10))
    groups = errands.by_status(store)
    assert [e["number"] for e in groups["expired"]] == [a["number"]]
    assert [e["number"] for e in groups["out"]] == [b["number"]]
    assert features.alerts(store, clk.t) == []
    clk.set(T0 + dt.timedelta(hours=2, minutes=31))
    found = features.alerts(store, clk.t)
    assert [x.key for x in found] == [f"errand-overdue-{b['number']}"]
    assert "张三" in found[0].message and found[0].severity == "error"
    # once back, no more alert
    gate_scan.scan(store, b["code"], "西门", volunteer)
    assert features.alerts(store, clk.t) == []


def test_parse_time_forms(clk):
    assert errands.parse_time("１４：３０") == T0.replace(hour=14, minute=30)
    assert errands.parse_time("1430") == T0.replace(hour=14, minute=30)
    assert errands.parse_time("03-06 08:05").day == 6
    assert errands.parse_time("2026-03-07 8:05").day == 7
    with pytest.raises(DomainError):
        errands.parse_time("25:00")


def test_an_empty_request_lists_every_mistake_at_once(store, clk):
    _, errors = errands.check_request(store, person="", purpose="", start="", end="", phone="12")
    assert {e.field for e in errors} >= {"door", "person", "phone", "purpose", "start", "end"}


def test_phone_follows_the_one_phone_rule(store, volunteer, clk):
    with pytest.raises(DomainError, match="11 digits") as exc:
        make_errand(store, volunteer, phone="1234567")
    assert exc.value.field == "phone" and errands.all_errands(store) == []
