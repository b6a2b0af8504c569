"""Gate log domain: validation, redirect requests, repeat visitors, recall,
gates, shifts and handover, errands out, CSV export, CLI, demo."""

from __future__ import annotations

import csv
import datetime as dt
import io
import random

import pytest

from console.checkpoint import gate as cp, gates, shifts, visitors
from console.core import clock, settings, spreadsheet
from console.core.i18n import DomainError
from console.core.store import Store

GATE = "西门"
T0 = dt.datetime(2026, 3, 5, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))


@pytest.fixture
def at(freeze_clock):
    """Frozen clock; call at(minutes=...) to move it to T0 + minutes."""
    clk = freeze_clock(T0)
    return lambda **delta: clk.set(T0 + dt.timedelta(**delta))


def form(**kw):
    base = {"name": "王伟", "phone": "13800001234", "door": "1-302", "direction": "in",
            "purpose": "buy", "outcome": "turned_away", "temp": "", "plate": "", "note": ""}
    return {**base, **kw}


def test_entry_saved_with_gate_actor_and_shift(store, volunteer, at):
    shift = shifts.open_shift(store, volunteer, GATE)
    e = cp.log_entry(store, volunteer, GATE, form(door="1栋302", temp="37.5", plate="鄂a 12345"))
    assert (e["door"], e["temp"], e["fever"], e["plate"]) == ("1-302", 37.5, True, "鄂A12345")
    rows = cp.entries(store, "2026-03-05")
    assert len(rows) == 1
    saved = rows[0]
    assert saved["gate"] == GATE and saved["by"] == volunteer.name and saved["shift"] == shift["id"]
    assert saved["_at"].startswith("2026-03-05T09:00")


@pytest.mark.parametrize("fields, field", [
    ({"temp": "45"}, "temp"), ({"temp": "abc"}, "temp"), ({"temp": "33.9"}, "temp"),
    ({"phone": "1380000123"}, "phone"), ({"phone": "23800001234"}, "phone"),
    ({"door": "9-999"}, "door"), ({"door": "1302"}, "door"),
    ({"name": "", "door": ""}, "name"), ({"purpose": "other"}, "purpose_note"),
    ({"outcome": "maybe"}, "outcome"),
])
def test_bad_input_names_its_field_and_saves_nothing(store, volunteer, at, fields, field):
    with pytest.raises(DomainError) as err:
        cp.log_entry(store, volunteer, GATE, form(**fields))
    assert err.value.field == field
    assert str(err.value)
    assert cp.entries(store, "2026-03-05") == []


def test_outsider_org_and_boundaries(store, volunteer, at):
    e = cp.log_entry(store, volunteer, GATE, form(name="", phone="", door="华中食品厂",
                                                   temp="42.0", outcome="allowed"))
    assert (e["door"], e["org"], e["temp"]) == ("", "华中食品厂", 42.0)
    e = cp.log_entry(store, volunteer, GATE, form(phone="１３８ ０００ ０１２３４", temp="37.2"))
    assert e["phone"] == "13800001234" and e["fever"] is False


def test_closed_or_unknown_gate_refused(store, volunteer, at):
    with pytest.raises(DomainError, match="sealed"):
        cp.log_entry(store, volunteer, "东门", form())
    with pytest.raises(DomainError, match="not configured"):
        cp.log_entry(store, volunteer, "天门", form())


def test_redirect_writes_request_in_same_write(store, volunteer, at):
    e = cp.log_entry(store, volunteer, GATE, form(phone="", outcome="redirected"))
    reqs = store.table("purchase_requests").all()
    assert len(reqs) == 1
    r = reqs[0]
    assert r["door"] == "1-302" and r["person"] == "王伟" and r["status"] == "new"
    assert r["phone"] == "13800001302"  # the household's phone when none was given
    assert r["source"] == {"checkpoint": "2026-03-05", "id": e["id"]} and r["lines"] == []
    assert e["request"]["id"] == r.doc_id and r["no"] == "0305-001"
    from console.purchases import orders as purchases
    assert purchases.get_request(store, r.doc_id)["person"] == "王伟"  # the Purchases tab reads it
    assert cp.requests(store)[0]["person"] == "王伟"


def test_redirect_failure_leaves_neither(store, volunteer, at, monkeypatch):
    def boom(*a, **k):
        raise RuntimeError("disk")
    monkeypatch.setattr(cp.i18n, "t", boom)  # fails inside the transaction
    with pytest.raises(RuntimeError):
        cp.log_entry(store, volunteer, GATE, form(outcome="redirected"))
    monkeypatch.undo()
    assert cp.entries(store, "2026-03-05") == []
    assert store.table("purchase_requests").all() == []


def test_repeat_today_and_turned_away_before(store, volunteer, at):
    at(days=-2)
    cp.log_entry(store, volunteer, GATE, form(phone="", outcome="turned_away"))
    at()
    assert "Turned away 1× before (last 03-03)" in visitors.repeat_info(store, "王伟", "", "1-302")["notice"]
    cp.log_entry(store, volunteer, GATE, form(outcome="allowed", purpose="medical"))
    at(minutes=30)
    info = visitors.repeat_info(store, "", "13800001234", "")  # by phone alone
    assert len(info["today"]) == 1 and "Came 1× today (last 09:00, allowed)" in info["notice"]
    assert visitors.repeat_info(store, "李四", "13900000000", "1-302")["notice"] == ""
    # half-typed values never raise
    assert visitors.repeat_info(store, "王", "138", "1-")["notice"] == ""


def test_recall_by_name_or_phone_prefix(store, volunteer, at):
    cp.log_entry(store, volunteer, GATE, form(plate="鄂A12345"))
    cp.log_entry(store, volunteer, GATE, form(name="王芳", phone="13900009999", door="2-101"))
    cp.log_entry(store, volunteer, GATE, form(name="李强", phone="", door="京东物流"))
    assert [r["name"] for r in visitors.recall(store, "王")] == ["王芳", "王伟"]
    hit = visitors.recall(store, "1380")
    assert len(hit) == 1 and hit[0]["door"] == "1-302" and hit[0]["plate"] == "鄂A12345"
    assert visitors.recall(store, "李")[0]["org"] == "京东物流"
    assert visitors.recall(store, "赵") == [] and visitors.recall(store, "") == []


def test_earlier_days_are_found_exactly_by_phone_or_name_and_door(store, volunteer, at):
    """An earlier day's log is packed in one value: the notices and recall
    read it as they read today's, a name never finding a longer name."""
    at(days=-3)
    cp.log_entry(store, volunteer, GATE, form(name="王伟", phone="13800001234", note="a\x1fb\nc"))
    cp.log_entry(store, volunteer, GATE, form(name="王伟明", phone="", door="1-302"))
    cp.log_entry(store, volunteer, GATE, form(name="王芳", phone="13900009999", outcome="allowed"))
    at(days=-1)
    cp.log_entry(store, volunteer, GATE, form(name="王伟", phone="", door="1-302"))
    at()
    by_phone = visitors.repeat_info(store, "", "13800001234", "")["turned"]
    assert [e["day"] for e in by_phone] == ["2026-03-02"]  # 1-302's 王伟 of 03-04 had no phone
    both = visitors.repeat_info(store, "王伟", "13800001234", "1-302")["turned"]
    assert [e["day"] for e in both] == ["2026-03-04", "2026-03-02"]  # each entry once, newest first
    assert visitors.repeat_info(store, "王", "", "1-302")["turned"] == []
    assert visitors.repeat_info(store, "王芳", "13900009999", "1-302")["turned"] == []  # allowed in
    assert [(r["name"], r["last"][:10]) for r in visitors.recall(store, "王")] == [
        ("王伟", "2026-03-04"), ("王芳", "2026-03-02"), ("王伟明", "2026-03-02"),
        ("王伟", "2026-03-02")]  # one per person: the 王伟 with a phone is another
    assert [r["name"] for r in visitors.recall(store, "wwm")] == ["王伟明"]  # pinyin initials
    assert [r["name"] for r in visitors.recall(store, "1390")] == ["王芳"]


def test_page_filters_newest_first(store, volunteer, at):
    for i in range(7):
        at(minutes=i)
        cp.log_entry(store, volunteer, GATE, form(name=f"人{i}", outcome="allowed" if i % 2 else "turned_away"))
    rows, n, pages = cp.page_of(store, "2026-03-05", outcome="allowed")
    assert n == 3 and [r["name"] for r in rows] == ["人5", "人3", "人1"]
    rows, n, pages = cp.page_of(store, "2026-03-05", size=3, page=2)
    assert (n, pages, [r["name"] for r in rows]) == (7, 3, ["人0"])
    assert cp.page_of(store, "2026-03-05", text="人4")[1] == 1
    assert cp.page_of(store, "2026-03-05", purpose="medical")[1] == 0


def test_find_a_door_as_people_write_it_and_only_that_household(store):
    store.table("checkpoint", "2026-03-05").insert_multiple([
        {"name": n, "door": d, "org": "", "outcome": "allowed", "purpose": "buy"}
        for n, d in (("甲", "5-302"), ("乙", "15-302"), ("丙", "5-3021"), ("丁", ""))])
    for text in ("5-302", "5栋302", "五栋三零二", "5#302"):
        rows, n, _ = cp.page_of(store, "2026-03-05", text=text)
        assert [r["name"] for r in rows] == ["甲"], text
    assert cp.page_of(store, "2026-03-05", text="15-302")[0][0]["name"] == "乙"


def test_gates_config_leader_only(store, leader, volunteer):
    assert gates.open_gates(store) == [GATE]
    assert len(gates.gates(store)) == 7
    with pytest.raises(DomainError, match="Only a leader"):
        gates.set_gates(store, volunteer, [{"name": "东门", "open": True}])
    with pytest.raises(DomainError):
        gates.set_gates(store, leader, [{"name": "东门", "open": False}])
    with pytest.raises(DomainError):
        gates.set_gates(store, leader, [{"name": "东门", "open": True}, {"name": "东门", "open": True}])
    gates.set_gates(store, leader, [{"name": "西门", "open": True}, {"name": "东门", "open": True}])
    assert gates.open_gates(store) == ["西门", "东门"]
    assert settings.get(store, "gates")[1] == {"name": "东门", "open": True}


def test_shift_handover_counts_and_errands(store, volunteer, leader, at):
    shifts.open_shift(store, volunteer, GATE)
    cp.log_entry(store, volunteer, GATE, form(temp="38.1"))
    cp.log_entry(store, volunteer, GATE, form(outcome="allowed", purpose="medical"))
    day = "2026-03-05"
    log = store.table("checkpoint", day)
    for who, direction, number in (("甲", "out", 7), ("乙", "out", 8), ("甲", "in", 7)):
        log.insert({"at": clock.stamp(), "name": who, "door": "1-101", "org": "", "phone": "",
                    "direction": direction, "purpose": "errand", "outcome": cp.PASS,
                    "temp": None, "gate": GATE, "pass": number})
    assert [e["name"] for e in shifts.out_on_errand(store, GATE)] == ["乙"]
    assert shifts.shift_label(shifts.current_shift(store, GATE)) == "志愿者乙 09:00–"
    at(hours=8)
    closed = shifts.close_shift(store, volunteer, GATE, "巷道二围挡松了")
    c = closed["counts"]
    assert (c["total"], c["fevers"], c["passes_out"], c["passes_in"]) == (5, 1, 2, 1)
    assert c["outcomes"]["turned_away"] == 1 and c["outcomes"]["allowed"] == 1
    assert c["out_on_errand"] == 1
    assert shifts.current_shift(store, GATE) is None
    last = shifts.last_handover(store, GATE)
    assert last["handover"] == "巷道二围挡松了" and last["closed_by"] == volunteer.name
    with pytest.raises(DomainError):
        shifts.close_shift(store, volunteer, GATE)
    assert shifts.last_handover(store, "东门") is None
    assert "巷道二围挡松了" in shifts.handover_notice(store, GATE)
    assert shifts.handover_notice(store, "东门") == ""


def test_the_next_volunteer_takes_over_the_open_shift(store, volunteer, leader, at):
    first = shifts.open_shift(store, volunteer, GATE)
    assert shifts.open_shift(store, volunteer, GATE)["id"] == first["id"]  # already theirs
    cp.log_entry(store, volunteer, GATE, form())
    at(hours=8)
    # the next one simply starts logging: no "close it first", their own shift
    e = cp.log_entry(store, leader, GATE, form(name="李四"))
    now = shifts.current_shift(store, GATE)
    assert now["opened_by"] == leader.name and e["shift"] == now["id"] != first["id"]
    old = next(s for s in store.table("shifts").all() if s.doc_id == first["id"])
    assert (old["closed_by"], old["taken_over_by"], old["handover"]) == (leader.name, leader.name, "")
    assert old["counts"]["total"] == 1
    # taking over with what the previous volunteer said: the note is kept and stamped
    at(hours=9)
    mine = shifts.open_shift(store, volunteer, GATE, handover="钥匙在抽屉")
    assert mine["opened_by"] == volunteer.name and mine["took_over"]["opened_by"] == leader.name
    last = shifts.last_handover(store, GATE)
    assert (last["handover"], last["taken_over_by"], last["opened_by"]) == (
        "钥匙在抽屉", volunteer.name, leader.name)
    assert len([s for s in store.table("shifts").all() if s["closed_at"] is None]) == 1


def test_shift_spanning_midnight_counts_both_days(store, volunteer, at):
    at(hours=14)  # 23:00
    shifts.open_shift(store, volunteer, GATE)
    cp.log_entry(store, volunteer, GATE, form())
    at(hours=16)  # 01:00 next day
    cp.log_entry(store, volunteer, GATE, form())
    assert shifts.close_shift(store, volunteer, GATE)["counts"]["total"] == 2


def test_gate_log_export_csv_utf8_bom(store, volunteer, at):
    cp.log_entry(store, volunteer, GATE, form(temp="37.8", note="说了很久"))
    data = spreadsheet.to_csv(cp.gate_log(store, volunteer, ["2026-03-05"]))
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows[0][:4] == ["no", "time", "gate", "name"]
    assert rows[1][3] == "王伟" and "37.8" in rows[1] and "说了很久" in rows[1] and "Yes" in rows[1]
    with pytest.raises(DomainError):
        cp.gate_log(store, volunteer, ["2026-3-5x"])


def test_cli_export(store, volunteer, at, tmp_path, capsys):
    import app
    cp.log_entry(store, volunteer, GATE, form())
    out = tmp_path / "x.csv"
    rc = app.main(["--data-dir", str(store.root), "export", "checkpoint", "--day", "2026-03-05",
                   "-o", str(out)])
    assert rc == 0 and "1 rows" in capsys.readouterr().out
    assert out.read_bytes().startswith(b"\xef\xbb\xbf") and "王伟" in out.read_text("utf-8-sig")
    rc = app.main(["--data-dir", str(store.root), "export", "checkpoint", "--day", "2026-03-05"])
    assert rc == 0 and len(list((store.root / "exports").glob("checkpoint-2026-03-05-*.xlsx"))) == 1


def test_demo_part_scale_and_mix(tmp_path):
    from console.demo import checkpoint as checkpoint_demo, roster as demo
    s = Store(tmp_path / "d")
    demo.add_roster(s)
    demo.add_households(s, random.Random(1))
    line = checkpoint_demo.part(s, random.Random(2), 5)
    assert "checkpoint:" in line
    days = s.days("checkpoint")
    assert len(days) == 5
    first = cp.entries(s, days[0])
    assert 1000 <= len(first) <= 2000
    mix = {o: sum(e["outcome"] == o for e in first) / len(first) for o in cp.OUTCOMES}
    assert mix["turned_away"] > 0.5 and mix["allowed"] > 0.05 and mix["redirected"] > 0.02
    assert shifts.current_shift(s, GATE) is not None and shifts.last_handover(s, GATE)["handover"]
    assert all(e["at"] <= clock.stamp() for e in cp.entries(s, days[-1]))
