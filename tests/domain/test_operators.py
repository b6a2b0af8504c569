"""Roster, PINs, sign-in delays and leader-only refusals."""

from __future__ import annotations

import datetime as dt

import pytest
import orjson

from console.core import operators
from console.core.i18n import DomainError
from console.core.operators import Actor
from conftest import LEADER_PIN, PIN


def test_first_leader_only_once(empty_store):
    assert operators.needs_first_leader(empty_store)
    actor = operators.create_first_leader(empty_store, "  郭振兴 ", LEADER_PIN)
    assert actor == Actor("郭振兴", "leader")
    with pytest.raises(DomainError) as err:
        operators.create_first_leader(empty_store, "别人", LEADER_PIN)
    assert err.value.key == "auth.not_first"


def test_pin_hashes_are_kept_out_of_the_roster_and_the_journal(store, leader):
    """The journal is the audit trail and keeps every version of every record:
    a PIN hash there could be cracked offline long after the PIN changed."""
    operators.set_pin(store, leader, "志愿者乙", "8642")
    store.checkpoint()
    pins = orjson.loads((store.root / "keys" / "pins.json").read_bytes())
    hashes = [p["hash"].encode() for p in pins.values()]
    salts = [p["salt"].encode() for p in pins.values()]
    assert len(hashes) == 2 and all(len(h) == 64 for h in hashes)
    assert not {PIN, "8642", LEADER_PIN} & {str(v) for p in pins.values() for v in p.values()}
    stored = b"".join(p.read_bytes() for p in store.root.rglob("*.json*") if p.parent.name != "keys")
    assert not any(h in stored or s in stored for h, s in zip(hashes, salts))
    assert b"pin_hash" not in stored and b'"8642"' not in stored
    assert any(e["table"] == "roster" and "pin_set" in (e["after"] or {}) for e in store.history())


@pytest.mark.parametrize("pin", ["", "123", "123456789", "12a4", "１２３４x"])
def test_pin_of_wrong_form_refused(store, leader, pin):
    with pytest.raises(DomainError) as err:
        operators.add_member(store, leader, "新人", "volunteer", pin)
    assert err.value.key == "auth.bad_pin_form"
    assert "新人" not in [m["name"] for m in operators.roster(store)]


def test_sign_in_sets_who_on_every_record(store):
    actor = operators.sign_in(store, "志愿者乙", PIN)
    assert actor.role == "volunteer"
    store.table("notes").insert({"text": "hi"})
    by = store.table("notes").all()[0]["_by"]
    assert by["op"] == "志愿者乙" and by["role"] == "volunteer"
    assert by["unix"] and by["tty"]


def test_wrong_pins_make_the_next_try_wait(store, freeze_clock):
    t0 = dt.datetime(2026, 3, 5, 8, 0, tzinfo=dt.timezone.utc)
    clk = freeze_clock(t0)
    for _ in range(operators.FREE_TRIES):
        with pytest.raises(DomainError) as err:
            operators.sign_in(store, "志愿者乙", "0000")
        assert err.value.key == "auth.wrong_pin"
    # even the right PIN must wait now
    with pytest.raises(DomainError) as err:
        operators.sign_in(store, "志愿者乙", PIN)
    assert err.value.key == "auth.wait" and err.value.params["seconds"] > 0
    clk.set(t0 + dt.timedelta(seconds=6))
    with pytest.raises(DomainError):
        operators.sign_in(store, "志愿者乙", "9999")  # a fourth failure
    clk.set(t0 + dt.timedelta(seconds=12))
    with pytest.raises(DomainError) as err:
        operators.sign_in(store, "志愿者乙", PIN)
    assert err.value.key == "auth.wait"  # the delay grew: 10 s after the fourth
    clk.set(t0 + dt.timedelta(seconds=20))
    assert operators.sign_in(store, "志愿者乙", PIN).name == "志愿者乙"


def test_delays_grow_and_are_capped():
    waits = [operators.wait_seconds(n) for n in range(0, 12)]
    assert waits[:operators.FREE_TRIES] == [0] * operators.FREE_TRIES
    assert waits == sorted(waits) and waits[-1] == operators.MAX_WAIT


def test_volunteer_cannot_manage_roster(store, volunteer):
    with pytest.raises(DomainError) as err:
        operators.add_member(store, volunteer, "新人", "volunteer", PIN)
    assert err.value.key == "auth.leader_only"
    with pytest.raises(DomainError):
        operators.set_member(store, volunteer, "组长甲", role="volunteer")
    with pytest.raises(DomainError):
        operators.set_pin(store, volunteer, "组长甲", "5555")
    operators.set_pin(store, volunteer, "志愿者乙", "5555")  # own PIN is fine
    assert operators.sign_in(store, "志愿者乙", "5555")


def test_last_leader_cannot_be_removed(store, leader):
    with pytest.raises(DomainError) as err:
        operators.set_member(store, leader, "组长甲", active=False)
    assert err.value.key == "auth.last_leader"
    operators.set_pin(store, leader, "志愿者乙", LEADER_PIN)
    operators.set_member(store, leader, "志愿者乙", role="leader")
    operators.set_member(store, leader, "组长甲", active=False)
    with pytest.raises(DomainError) as err:
        operators.sign_in(store, "组长甲", LEADER_PIN)
    assert err.value.key == "auth.inactive"


def test_duplicate_and_unknown_names(store, leader):
    with pytest.raises(DomainError) as err:
        operators.add_member(store, leader, "志愿者乙", "volunteer", PIN)
    assert err.value.key == "auth.name_taken"
    with pytest.raises(DomainError) as err:
        operators.sign_in(store, "没这人", PIN)
    assert err.value.key == "auth.unknown"


def test_roster_changes_are_audited(store, leader):
    store.actor = {"op": leader.name, "role": leader.role}
    operators.set_pin(store, leader, "志愿者乙", LEADER_PIN)
    operators.set_member(store, leader, "志愿者乙", role="leader")
    trail = store.history()
    change = [e for e in trail if e["table"] == "roster" and e["op"] == "update"][-1]
    assert change["before"]["role"] == "volunteer" and change["after"]["role"] == "leader"
    assert change["by"]["op"] == "组长甲"


def test_audit_trail_keeps_every_change_and_names_tampering(store, leader):
    operators.set_pin(store, leader, "志愿者乙", LEADER_PIN)
    operators.set_member(store, leader, "志愿者乙", role="leader")
    operators.set_member(store, leader, "志愿者乙", role="volunteer")
    roles = [e["after"]["role"] for e in store.history() if e["table"] == "roster" and e["op"] == "update"]
    assert roles[-2:] == ["leader", "volunteer"]  # a later change leaves the earlier one in the trail
    [segment] = (store.root / "journal").glob("*.jsonl")
    raw = segment.read_bytes()
    at = raw.index(b'"role":"leader"')  # the first leader's line, long before the last one
    segment.write_bytes(raw[:at] + b'"role":"leadxr"' + raw[at + 15:])  # someone edits history
    problems = store.check(repair=False)
    assert [p["problem"] for p in problems] == ["bad_line"]
