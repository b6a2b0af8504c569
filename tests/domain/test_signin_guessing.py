"""PIN guessing is bounded across processes, a full disk signs nobody in,
nobody can lock a volunteer out, leaders hear of repeated failures, hashes
are upgraded to today's cost."""

from __future__ import annotations

import datetime as dt
import errno
import os
import subprocess
import sys
from pathlib import Path

import orjson
import pytest

from console import features
from console.core import keyfiles, operators
from console.core.i18n import DomainError
from console.core.store import Store
from conftest import LEADER_PIN, PIN

ROOT = Path(__file__).resolve().parents[1]
T0 = dt.datetime(2026, 3, 5, 8, 0, tzinfo=dt.timezone.utc)

# Each child waits for the start flag, then tries 5 wrong PINs for one name
# with the clock stopped at T0 (so no delay runs out) and prints each outcome.
CHILD = """
import datetime as dt, os, sys, time
sys.path.insert(0, sys.argv[1])
from console.core import clock, operators
from console.core.i18n import DomainError
from console.core.store import Store
t0 = dt.datetime(2026, 3, 5, 8, 0, tzinfo=dt.timezone.utc)
clock.now = lambda: t0
store = Store(sys.argv[2])
while not os.path.exists(sys.argv[3]):
    time.sleep(0.001)
for guess in range(5):
    try:
        operators.sign_in(store, "志愿者乙", f"{int(sys.argv[4]) * 10 + guess:04d}")
        print("in", flush=True)
    except DomainError as exc:
        print(exc.key, flush=True)
"""


def test_parallel_processes_get_only_the_free_tries(store, tmp_path):
    go = tmp_path / "go"
    procs = [subprocess.Popen([sys.executable, "-c", CHILD, str(ROOT), str(store.root), str(go),
                               str(n + 1)], stdout=subprocess.PIPE, text=True)
             for n in range(6)]
    go.touch()
    outcomes = [line for p in procs for line in p.communicate(timeout=120)[0].split()]
    assert len(outcomes) == 30
    assert outcomes.count("auth.wrong_pin") == operators.FREE_TRIES
    assert outcomes.count("auth.wait") == 30 - operators.FREE_TRIES
    record = store.table("signin_failures").all()[0]
    assert record["count"] == operators.FREE_TRIES  # every checked guess was counted


def test_no_sign_in_when_the_attempt_cannot_be_recorded(store, monkeypatch):
    def full(fd):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "fsync", full)
    for pin in ("0000", PIN):
        with pytest.raises(DomainError) as err:
            operators.sign_in(store, "志愿者乙", pin)
        assert err.value.key == "auth.cannot_record"
    assert store.actor["op"] == ""


def test_wrong_pins_elsewhere_do_not_lock_a_volunteer_out(store, freeze_clock):
    freeze_clock(T0)
    attacker = Store(store.root)
    attacker.identity = {"unix": "desk", "tty": "ssh:10.0.0.66"}
    for _ in range(operators.FREE_TRIES + 1):
        with pytest.raises(DomainError):
            operators.sign_in(attacker, "志愿者乙", "0000")
    with pytest.raises(DomainError) as err:
        operators.sign_in(attacker, "志愿者乙", PIN)  # the attacker's place waits
    assert err.value.key == "auth.wait"
    store.identity = {"unix": "desk", "tty": "ssh:10.0.0.5"}
    assert operators.sign_in(store, "志愿者乙", PIN).name == "志愿者乙"


def test_leaders_are_alerted_after_repeated_failures(store, freeze_clock):
    clk = freeze_clock(T0)
    for n in range(operators.ALERT_AFTER):
        clk.set(T0 + dt.timedelta(seconds=operators.MAX_WAIT * n))
        with pytest.raises(DomainError):
            operators.sign_in(store, "志愿者乙", "0000")
    found = [a for a in features.alerts(store, clk.t) if a.key.startswith("auth.guessing")]
    assert len(found) == 1 and found[0].leaders_only
    assert "志愿者乙" in found[0].message and f"{operators.ALERT_AFTER} wrong PINs" in found[0].message


def test_old_hashes_verify_and_are_upgraded_at_sign_in(store, monkeypatch):
    before = keyfiles.read(store, operators.PINS)["志愿者乙"]
    monkeypatch.setattr(operators, "SCRYPT", {"n": 2**5, "r": 1, "p": 2})
    assert operators.sign_in(store, "志愿者乙", PIN)
    after = keyfiles.read(store, operators.PINS)["志愿者乙"]
    assert (before["n"], before["p"]) == (2**4, 1) and (after["n"], after["p"]) == (2**5, 2)
    assert after["hash"] != before["hash"] and operators.sign_in(store, "志愿者乙", PIN)


def test_hash_kept_in_the_roster_by_an_older_version_moves_out(store, leader):
    """Roster records written before keys/pins.json kept the hash inline."""
    import hashlib

    salt = b"s" * 16
    legacy = hashlib.scrypt(b"4321", salt=salt, n=2**14, r=8, p=1, dklen=32).hex()
    store.table("roster").insert({"name": "老成员", "role": "volunteer", "active": True,
                                  "salt": salt.hex(), "pin_hash": legacy})
    assert operators.sign_in(store, "老成员", "4321").name == "老成员"
    member = store.table("roster").get(doc_id=store.table("roster").all()[-1].doc_id)
    assert member["name"] == "老成员" and "pin_hash" not in member and "salt" not in member
    assert "老成员" in keyfiles.read(store, operators.PINS)
    assert operators.sign_in(store, "老成员", "4321")  # now from the key file


def test_a_leader_with_a_short_pin_is_told_to_change_it(store, leader):
    assert not operators.needs_longer_pin(store, leader)
    with keyfiles.edit(store, operators.PINS) as pins:
        pins[leader.name]["long"] = False  # as left by a 4-digit leader PIN of old
    assert operators.needs_longer_pin(store, leader)
    operators.set_pin(store, leader, leader.name, LEADER_PIN)
    assert not operators.needs_longer_pin(store, leader)


def test_pin_file_is_group_only(store):
    mode = (store.root / "keys" / "pins.json").stat().st_mode & 0o777
    assert mode == 0o660
    assert orjson.loads((store.root / "keys" / "pins.json").read_bytes())
