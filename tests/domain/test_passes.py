"""Pass codes: layout, round trip, every verdict, single-digit changes, keys, the scan ledger."""

from __future__ import annotations

import datetime as dt
import os
import stat

import pytest

from console.errands import errand as errands, keys, passes
from console.checkpoint import scan as gate_scan
from console.core.i18n import DomainError
from console.core.store import Store
from tests.errand_helpers import T0, issued


def test_layout_and_round_trip(store, pass_):
    code = pass_["code"]
    assert len(code) == passes.LENGTH == 52 and code.isdigit()
    assert passes.damm(code) == 0
    f = passes.parse(code)
    assert f.number == pass_["pass_no"] and f.generation == 1
    assert f.key_id == pass_["pass_key"] and f.kind == passes.KIND_HOUSEHOLD
    assert f.valid_from == T0 and f.minutes == 120 and f.escort is True
    assert passes.encode(f, keys.keyring(store).get(f.key_id).secret) == code


def test_qr_is_version_3_at_ecc_h(pass_):
    from console.errands import slips
    matrix = slips.qr_matrix(pass_["code"])
    assert len(matrix) == 29 + 2 * slips.QUIET


def test_damm_catches_every_single_digit_and_adjacent_swap():
    body = "1234567890" * 5
    code = body + str(passes.damm(body))
    assert passes.damm(code) == 0
    for i in range(len(code)):
        for d in "0123456789":
            if d != code[i]:
                assert passes.damm(code[:i] + d + code[i + 1:]) != 0
    for i in range(len(code) - 1):
        if code[i] != code[i + 1]:
            swapped = code[:i] + code[i + 1] + code[i] + code[i + 2:]
            assert passes.damm(swapped) != 0


def test_no_single_digit_change_verifies_valid(store, pass_):
    code = pass_["code"]
    assert passes.verify(store, code).kind == "valid_out"
    seen = set()
    for i in range(len(code)):
        for d in "0123456789":
            if d == code[i]:
                continue
            v = passes.verify(store, code[:i] + d + code[i + 1:])
            assert not v.ok, (i, d)
            seen.add(v.kind)
    assert seen == {"typo"}


def test_changed_field_with_fixed_check_digit_reads_forged(store, pass_):
    code = pass_["code"]
    # a later end: the minutes field 0120 -> 0999, check digit recomputed
    pos = 1 + 3 + 6 + 2 + 1 + 8
    body = code[:pos] + "0999" + code[pos + 4:-1]
    forged = body + str(passes.damm(body))
    assert passes.verify(store, forged).kind == "forged"
    # another pass number, same tag
    body = code[:4] + f"{pass_['pass_no'] + 1:06d}" + code[10:-1]
    assert passes.verify(store, body + str(passes.damm(body))).kind == "forged"


def test_full_width_digits_spaces_and_groups_are_accepted(store, pass_):
    code = pass_["code"]
    wide = "".join(chr(ord(c) - 0x30 + 0xFF10) for c in code)
    assert passes.verify(store, wide).kind == "valid_out"
    assert passes.verify(store, passes.groups(code)).kind == "valid_out"
    assert passes.verify(store, "hello").kind == "typo"
    assert passes.verify(store, "").kind == "typo"
    assert passes.verify(store, code[:-1]).kind == "typo"


def test_other_sites_key_reads_unknown_key(store, pass_, tmp_path, leader, volunteer):
    other = Store(tmp_path / "other")
    other.table("households").insert({"door": "1-101", "head": "x", "phone": ""})
    from console.core import operators
    operators.create_first_leader(other, "组长甲", "123456")
    operators.add_member(other, leader, "志愿者乙", "volunteer", "1234")
    theirs = issued(other, leader, volunteer)
    ring_here = keys.keyring(store)
    if theirs["pass_key"] in ring_here.keys:      # 1 in 900: same random id
        assert passes.verify(store, theirs["code"]).kind == "forged"
    else:
        assert passes.verify(store, theirs["code"]).kind == "unknown_key"
    # a key id that exists nowhere
    fields = passes.parse(pass_["code"])
    bogus = passes.PassFields(**{**fields.__dict__, "key_id": "000"})
    assert passes.verify(store, passes.encode(bogus, b"x" * 32)).kind == "unknown_key"


def test_window_verdicts(store, pass_, clk):
    code = pass_["code"]
    clk.set(T0 - dt.timedelta(minutes=1))
    v = passes.verify(store, code)
    assert v.kind == "not_yet_valid" and "03-05 10:00" in v.message
    clk.set(T0 + dt.timedelta(hours=2))
    assert passes.verify(store, code).kind == "expired"
    assert errands.status(errands.get(store, pass_["number"])) == "expired"


def test_out_in_already_used_and_ledger(store, pass_, clk, volunteer):
    code = pass_["code"]
    v = gate_scan.scan(store, code, "西门", volunteer)
    assert v.kind == "valid_out" and v.errand["state"] == "out"
    # a double beep of the scanner is not a return
    v = gate_scan.scan(store, code, "西门", volunteer)
    assert v.kind == "already_used" and not v.ok
    assert errands.get(store, pass_["number"])["state"] == "out"
    clk.advance(minutes=50)
    v = gate_scan.scan(store, code, "西门", volunteer)
    assert v.kind == "valid_in" and v.errand["state"] == "back" and not v.late
    v = gate_scan.scan(store, code, "西门", volunteer)
    assert v.kind == "already_used"
    day = T0.date().isoformat()
    log = store.table("checkpoint", day=day).all()
    assert [(r["direction"], r["outcome"], r["errand"], r["note"], r["gate"]) for r in log] == [
        ("out", "allowed_with_pass", pass_["number"], f"pass {pass_['pass_no']}", "西门"),
        ("in", "allowed_with_pass", pass_["number"], f"pass {pass_['pass_no']}", "西门")]
    assert log[0]["name"] == "张三" and log[0]["door"] == "1-101" and log[0]["temp"] is None
    assert [s["verdict"] for s in store.table("scans", day=day).all()] == [
        "valid_out", "already_used", "valid_in", "already_used"]


def test_late_return_is_let_in_and_flagged(store, pass_, clk, volunteer):
    gate_scan.scan(store, pass_["code"], "西门", volunteer)
    clk.set(T0 + dt.timedelta(hours=3))
    assert errands.status(errands.get(store, pass_["number"])) == "overdue"
    v = gate_scan.scan(store, pass_["code"], "西门", volunteer)
    assert v.kind == "valid_in" and v.late
    assert errands.get(store, pass_["number"])["late"] is True


def test_an_errand_out_is_due_back_at_the_end_of_its_window(store, pass_, clk, volunteer):
    """Who is out now (F9, the shift screen) gives an errand the due time its
    overdue alert gives, and calls it late when the errand is overdue."""
    from console.checkpoint import inside
    gate_scan.scan(store, pass_["code"], "西门", volunteer)
    [row] = inside.out_now(store)
    assert (row["door"], row["via"], row["due"], row["late"]) == ("1-101", "errand", T0 + dt.timedelta(hours=2), False)
    clk.set(T0 + dt.timedelta(hours=2, minutes=10))   # past the end, within the grace
    assert not inside.out_now(store)[0]["late"]
    clk.set(T0 + dt.timedelta(hours=3))
    assert errands.status(errands.get(store, pass_["number"])) == "overdue"
    assert inside.out_now(store)[0]["late"]
    assert not [a for a in inside.inside_alerts(store, T0 + dt.timedelta(hours=3))]   # the errand's own alert says it


def test_revoked_a_second_ago(store, pass_, clk, leader, volunteer):
    errands.revoke(store, leader, pass_["number"], "疫情升级")
    v = gate_scan.scan(store, pass_["code"], "西门", volunteer)
    assert v.kind == "revoked"
    assert store.table("checkpoint", day=T0.date().isoformat()).all() == []
    assert errands.get(store, pass_["number"])["state"] == "revoked"


def test_reprint_replaces_old_slip(store, pass_, leader):
    new = errands.issue_pass(store, leader, pass_["number"])
    assert new["pass_gen"] == 2 and new["pass_no"] == pass_["pass_no"]
    v = passes.verify(store, pass_["code"])
    assert v.kind == "replaced" and "2" in v.message
    assert passes.verify(store, new["code"]).kind == "valid_out"


def test_not_issued_when_record_is_missing(store, pass_):
    from tinydb import where
    store.table("errands").remove(where("number") == pass_["number"])
    assert passes.verify(store, pass_["code"]).kind == "not_issued"


def test_every_verdict_has_text_in_both_languages(store):
    from console.core import i18n
    for kind in passes.VERDICTS:
        for lang in ("zh", "en"):
            i18n.set_lang(lang)
            assert passes.Verdict(kind, "", params={"start": "x", "end": "y", "hours": "z",
                                                    "generation": 2}).message


def test_verify_records_nothing(store, pass_):
    before = {p.name: p.stat().st_mtime_ns for p in store.data_files()}
    assert passes.verify(store, pass_["code"]).ok
    after = {p.name: p.stat().st_mtime_ns for p in store.data_files()}
    assert before == after


def test_rotation_keeps_old_passes_and_retire_stops_them(store, pass_, leader, volunteer):
    old_key = pass_["pass_key"]
    with pytest.raises(DomainError):
        keys.rotate_key(store, volunteer)
    new_key = keys.rotate_key(store, leader)
    assert new_key != old_key
    assert passes.verify(store, pass_["code"]).kind == "valid_out"
    second = issued(store, leader, volunteer, door="1-102")
    assert second["pass_key"] == new_key
    with pytest.raises(DomainError):
        keys.retire_key(store, leader, new_key)     # the key in use
    keys.retire_key(store, leader, old_key)
    assert passes.verify(store, pass_["code"]).kind == "unknown_key"
    assert passes.verify(store, second["code"]).kind == "valid_out"


def test_key_file_is_group_shared_not_world_readable_and_secret_not_audited(store, pass_):
    path = store.root / keys.KEYS_FILE
    mode = stat.S_IMODE(os.stat(path).st_mode)
    assert mode & 0o007 == 0 and mode & 0o060 == 0o060
    secret = next(iter(keys.keyring(store).keys.values())).secret.hex()
    store.checkpoint()
    assert [e["after"]["event"] for e in store.history() if e["table"] == keys.KEY_LOG] == ["create"]
    for path in store.data_files():  # the journal (the audit trail) and the checkpoints
        assert secret.encode() not in path.read_bytes()


def test_missing_or_damaged_key_file_is_reported_never_replaced(store, pass_, leader):
    path = store.root / keys.KEYS_FILE
    good = path.read_bytes()
    path.unlink()
    [problem] = store.check()
    assert problem["problem"] == "side_file" and "missing" in problem["detail"]
    with pytest.raises(DomainError) as err:
        keys.rotate_key(store, leader)
    assert err.value.key == "passes.keys_missing" and not path.exists()  # not silently re-created
    path.write_bytes(good[:20])
    [problem] = store.check()
    assert "damaged" in problem["detail"]
    path.write_bytes(good)
    assert store.check() == [] and passes.verify(store, pass_["code"]).ok
    backup = store.snapshot()
    assert (backup / keys.KEYS_FILE).read_bytes() == good  # backups include the key file


def test_cli_verify_exit_codes(store, pass_, clk):
    text, rc = gate_scan.cli_verify(store, pass_["code"])
    assert rc == 0 and "valid_out" in text and "张三" in text
    text, rc = gate_scan.cli_verify(store, pass_["code"][:-1] + "0" if pass_["code"][-1] != "0"
                                 else pass_["code"][:-1] + "1")
    assert rc == 1 and text.startswith("typo")
    clk.advance(hours=5)
    assert gate_scan.cli_verify(store, pass_["code"])[1] == 1
