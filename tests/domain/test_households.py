"""Registry import, grids, marks, the daily roll and the building sheet (no UI)."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from console import features
from console.households import registry as hh, marks, roll, sheets
from console.core.i18n import DomainError
from console.households.registry_import import check_households, import_households
from console.core.safe_text import decode
from tests import needs

TODAY = dt.datetime(2026, 3, 5, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))


@pytest.fixture(autouse=True)
def frozen(freeze_clock):
    return freeze_clock(TODAY)


HEADER = "楼号,单元,门牌,户主,电话,人数,网格,楼长,在家\n"


# --- import -------------------------------------------------------------------

def test_gbk_file_with_bad_rows_imports_good_rows_and_lists_bad_ones(store, leader):
    text = (HEADER
            + "1,1,101,张新,13800009999,4,1,组长甲,在家\n"      # update: new head + leader
            + "\n"                                               # empty line skipped
            + "1,2,1-701,钱七,13900001111,2,1,,外出\n"            # new door, new floor
            + "1,1,999x,坏门,,2,1,,\n"                            # unreadable door
            + "2,1,2-701,孙八,,0,2,,\n"                           # members 0
            + "2,1,702,李九,,2,9,,\n"                             # unknown grid
            + "7,1,101,周十,,2,1,,\n"                             # unknown building
            + "2,1,703,吴一,,2,1,,\n"                             # building 2 is grid 2
            + ",,,,,,,,\n")                                     # blank cells: skipped
    data = text.encode("gbk")
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")
    report = import_households(store, leader, data)
    assert report.encoding == "GBK"
    assert (report.rows, report.added, report.updated) == (7, 1, 1)
    assert [line for line, _, _ in report.rejected] == [5, 6, 7, 8, 9]
    reasons = dict((line, reason) for line, _, reason in report.rejected)
    assert "999x" in reasons[5]
    assert "Members" in reasons[6]
    assert "grid “9”" in reasons[7]
    assert "Building 7 is not in the registry" in reasons[8]
    assert "grid “2”" in reasons[9]
    assert hh.find(store, "1-101")["head"] == "张新"
    new = hh.find(store, "1-701")
    assert (new["floor"], new["room"], new["at_home"], new["unit"]) == (7, "701", False, 2)
    assert hh.building(store, 1)["leader"] == "组长甲"
    assert hh.building(store, 1)["floors"] == 7
    with pytest.raises(DomainError):
        hh.find(store, "2-701")
    assert any("Line 6" in line for line in report.lines())


def test_reimport_updates_instead_of_duplicating(store, leader):
    data = (HEADER + "1,1,101,张三,,3,1,,\n1,1,801,新户,,2,1,,\n").encode("utf-8")
    first = import_households(store, leader, data)
    assert (first.added, first.updated, first.rejected) == (1, 1, [])
    before = len(store.table("households"))
    again = import_households(store, leader, data)
    assert (again.added, again.updated, again.same) == (0, 0, 2)
    assert len(store.table("households")) == before
    changed = import_households(store, leader, data.replace("新户".encode(), "新户主".encode()))
    assert (changed.added, changed.updated) == (0, 1)
    assert len(store.table("households").search(hh.where("door") == "1-801")) == 1
    assert hh.find(store, "1-801")["head"] == "新户主"


def test_utf8_bom_and_english_header(store, leader):
    text = "building,door,head,members,grid,phone\n2,2-101,Ann,2,2,+86 138-0000-1234\n"
    report = import_households(store, leader, b"\xef\xbb\xbf" + text.encode())
    assert report.encoding == "UTF-8 (BOM)" and report.ok
    assert hh.find(store, "2-101")["phone"] == "13800001234"


def test_import_refuses_a_phone_the_console_refuses(store, leader):
    text = "building,door,head,members,grid,phone\n2,2-101,Ann,2,2,1234567\n2,2-102,Bob,2,2,\n"
    report = import_households(store, leader, text.encode())
    assert [(line, reason) for line, _, reason in report.rejected] == [
        (2, "Phone “1234567”: a phone is 11 digits starting with 1, or empty.")]
    assert hh.find(store, "2-102")["phone"] == ""


@pytest.mark.parametrize("header, needle", [
    ("楼号,门牌,户主,人数\n", "Missing columns: 网格/grid"),
    ("楼号,门牌,户主,人数,网格,备注\n", "Unknown columns: 备注"),
    ("楼号,门牌,户主,人数,网格,网格\n", "appears twice"),
])
def test_wrong_columns_import_nothing(store, leader, header, needle):
    before = store.version("households")
    report = import_households(store, leader, (header + "1,101,张三,3,1,x\n").encode())
    assert report.fatal and needle in report.fatal and not report.written
    assert "Nothing imported" in report.lines()[0]
    assert store.version("households") == before


def test_unreadable_encodings_and_empty_file(store, leader):
    assert "UTF-16" in import_households(store, leader, "楼号".encode("utf-16")).fatal
    assert "empty" in import_households(store, leader, b"\n\n  \n").fatal
    assert decode("楼号".encode("gb18030")) == ("楼号", "GBK")


def test_duplicate_doors_in_file_rejected_on_every_line(store, leader):
    data = (HEADER + "1,1,301,甲,,3,1,,\n1,1,1-301,乙,,3,1,,\n1,1,302,丙,,3,1,,\n").encode()
    report = import_households(store, leader, data)
    assert [(ln, door) for ln, door, _ in report.rejected] == [(2, "1-301"), (3, "1-301")]
    assert "lines 2, 3" in report.rejected[0][2]
    assert hh.find(store, "1-301")["head"] == "户主1301"   # untouched
    assert report.updated == 1


def test_check_only_writes_nothing_and_volunteer_cannot_import(store, leader, volunteer):
    data = (HEADER + "1,1,901,甲,,3,1,,\n").encode()
    before = store.version("households")
    report = check_households(store, leader, data)
    assert report.added == 1 and not report.written
    assert store.version("households") == before
    with pytest.raises(DomainError, match="Only a leader"):
        import_households(store, volunteer, data)


def test_first_import_into_empty_registry_sets_up_buildings(empty_store, leader):
    from console.core import operators
    operators.create_first_leader(empty_store, leader.name, "123456")
    data = (HEADER + "3,1,101,甲,,3,东区,组长甲,\n3,1,201,乙,,3,东区,,\n5,1,101,丙,,3,2,路人,\n"
            ).encode()
    report = import_households(empty_store, leader, data)
    assert report.new_buildings == [3]        # building 5's only row was rejected
    assert "not an active member" in report.rejected[0][2]
    b3 = hh.building(empty_store, 3)
    assert (b3["grid"], b3["floors"], b3["leader"]) == ("东区", 2, "组长甲")


def test_leader_conflict_within_file(store, leader):
    from console.core import operators
    operators.add_member(store, leader, "丙", "volunteer", "1234")
    data = (HEADER + "1,1,101,甲,,3,1,组长甲,\n1,1,102,乙,,3,1,丙,\n").encode()
    report = import_households(store, leader, data)
    assert report.rejected[0][0] == 3 and "Line 2 names 组长甲" in report.rejected[0][2]


# --- registry: grids, buildings, home/away -----------------------------------

def test_grids_workers_and_leaders_from_roster(store, leader, volunteer):
    with pytest.raises(DomainError, match="Only a leader"):
        hh.set_grid(store, volunteer, "1", worker="志愿者乙")
    hh.set_grid(store, leader, "1", worker="志愿者乙", head="组长甲")
    with pytest.raises(DomainError, match="not an active member"):
        hh.set_grid(store, leader, "2", worker="陌生人")
    with pytest.raises(DomainError, match="no grid"):
        hh.set_grid(store, leader, "9", worker="志愿者乙")
    hh.add_grid(store, leader, "３", worker="志愿者乙")
    with pytest.raises(DomainError, match="already exists"):
        hh.add_grid(store, leader, "3")
    hh.add_building(store, leader, 3, "3", floors=5)
    hh.set_building_leader(store, leader, 3, "志愿者乙")
    rows = {g["grid"]: g for g in hh.grids(store)}
    assert list(rows) == ["1", "2", "3"]
    assert rows["1"]["worker"] == "志愿者乙" and rows["1"]["head"] == "组长甲"
    assert rows["1"]["households"] == 24 and rows["3"]["buildings"] == [3]
    assert hh.building(store, 3)["leader"] == "志愿者乙"
    with pytest.raises(DomainError, match="not in the registry"):
        hh.set_building_leader(store, leader, 42, "志愿者乙")


def test_home_away_toggle_and_phone_mask(store, volunteer):
    assert hh.set_at_home(store, volunteer, "1栋101", False)["at_home"] is False
    assert hh.find(store, "1-101")["at_home"] is False
    assert hh.mask_phone("13800001101") == "138****1101"
    assert hh.mask_phone("") == ""
    with pytest.raises(DomainError, match="No household"):
        hh.set_at_home(store, volunteer, "9-101", True)


# --- marks ----------------------------------------------------------------------

def test_marks_only_leaders_review_not_in_past_and_history_kept(store, leader, volunteer):
    with pytest.raises(DomainError, match="Only a leader"):
        marks.set_mark(store, volunteer, "1-101", "red", "确诊", "2026-03-20")
    with pytest.raises(DomainError) as err:
        marks.set_mark(store, leader, "1-101", "yellow", "密接", "2026-03-04")
    assert err.value.field == "review" and "past" in str(err.value)
    with pytest.raises(DomainError, match="red, orange or yellow"):
        marks.set_mark(store, leader, "1-101", "green", "x", "2026-03-20")
    with pytest.raises(DomainError, match="reason"):
        marks.set_mark(store, leader, "1-101", "red", "  ", "2026-03-20")
    marks.set_mark(store, leader, "1-101", "yellow", "密接 居家隔离", "3-19", since="3-5")
    marks.set_mark(store, leader, "1-101", "orange", "发热 38.1", "2026-03-08")
    marks.set_mark(store, leader, "2-203", "red", "确诊 送医", "2026-03-05")
    marks.set_mark(store, leader, "1-204", "orange", "疑似", "2026-03-06")
    marks.clear_mark(store, leader, "2-203", "治愈出院")
    history = marks.history(store)
    assert [(h["door"], h["action"], h["colour"]) for h in history] == [
        ("1-101", "set", "yellow"), ("1-101", "change", "orange"), ("2-203", "set", "red"),
        ("1-204", "set", "orange"), ("2-203", "clear", None)]
    assert history[1]["before"] == "yellow"
    listed = marks.key_persons(store)
    assert [(m["door"], m["review"]) for m in listed] == [("1-204", "2026-03-06"),
                                                         ("1-101", "2026-03-08")]
    assert listed[0]["reason"] == hh.MASK and listed[0]["phone"] == "138****1204"
    with pytest.raises(DomainError, match="has no mark"):
        marks.clear_mark(store, leader, "2-203", "again")


def test_key_person_list_sorted_by_colour_then_review(store, leader):
    marks.set_mark(store, leader, "1-101", "yellow", "a", "2026-03-06")
    marks.set_mark(store, leader, "1-102", "red", "b", "2026-03-30")
    marks.set_mark(store, leader, "1-103", "orange", "c", "2026-03-09")
    marks.set_mark(store, leader, "1-104", "red", "d", "2026-03-10")
    assert [m["door"] for m in marks.key_persons(store)] == ["1-104", "1-102", "1-103", "1-101"]


def test_open_record_unmasks_and_is_logged(store, leader, volunteer):
    marks.set_mark(store, leader, "1-101", "red", "确诊", "2026-03-20")
    record = marks.open_record(store, volunteer, "1-101")
    assert record["phone"] == "13800001101" and record["mark"]["reason"] == "确诊"
    assert len(record["history"]) == 1
    views = store.table("record_views", day="2026-03-05").all()
    assert [(v["door"], v["by"]) for v in views] == [("1-101", "志愿者乙")]


def test_review_due_and_fever_alerts(store, leader, volunteer):
    marks.set_mark(store, leader, "1-101", "yellow", "密接", "2026-03-05")
    roll.report(store, volunteer, "1-102", "fever", "38.4")
    roll.report(store, volunteer, "1-103", "fever")
    marks.set_mark(store, leader, "1-103", "orange", "发热", "2026-03-07")
    got = [a.message for a in features.alerts(store, TODAY)]
    assert any("due for review" in m and "1-101" in m for m in got)
    assert any("1-102 reported a fever" in m for m in got)
    assert not any("1-103 reported" in m for m in got)


# --- roll -----------------------------------------------------------------------

def test_roll_summary_per_building_and_grid_and_not_reported(store, volunteer):
    roll.report_many(store, volunteer, {"1-101": ("normal", "36.5"), "1-102": ("fever", "38.0"),
                                        "2-101": ("normal", None), "1-604": ("normal", None)})
    s = roll.summary(store)
    b1, b2 = s["buildings"]
    # building 1: 24 households, 1-604 is away but reported, so still expected
    assert b1 == {"building": 1, "grid": "1", "households": 24, "away": 0, "expected": 24,
                  "normal": 2, "fever": 1, "missing": 21}
    assert (b2["away"], b2["expected"], b2["normal"], b2["missing"]) == (1, 23, 1, 22)
    assert [g["grid"] for g in s["grids"]] == ["1", "2"]
    assert s["total"]["missing"] == 43 and s["total"]["households"] == 48
    missing = roll.not_reported(store, building=1)
    assert len(missing) == 21 and "1-101" not in {m["door"] for m in missing}
    assert missing[0]["phone"].count("*") == 4
    assert len(roll.not_reported(store, grid="2")) == 22
    roll.report(store, volunteer, "1-101", None)          # cleared: not reported again
    assert roll.summary(store)["buildings"][0]["missing"] == 22
    assert "Grid 1" in roll.report_text(store)


def test_roll_bad_input(store, volunteer):
    with pytest.raises(DomainError, match="fever, not normal"):
        roll.report(store, volunteer, "1-101", "normal", "37.8")
    with pytest.raises(DomainError, match="temperature"):
        roll.report(store, volunteer, "1-101", "normal", "3x")
    with pytest.raises(DomainError, match="future"):
        roll.report(store, volunteer, "1-101", "normal", day="2026-03-06")
    with pytest.raises(DomainError, match="No household"):
        roll.report(store, volunteer, "5-101", "normal")
    assert roll.parse_temp("３６.５℃") == 36.5
    assert roll.parse_temp("372") == 37.2 and roll.parse_temp("") is None
    roll.report(store, volunteer, "1-101", "normal", "36.6", day="2026-03-04")
    assert roll.day_reports(store, "2026-03-04")["1-101"]["temp"] == 36.6
    assert roll.day_reports(store) == {}
    assert store.days("roll") == ["2026-03-04"]


def test_roll_reports_update_in_place(store, volunteer):
    roll.report(store, volunteer, "1-101", "normal")
    roll.report(store, volunteer, "1-101", "fever", "38.2")
    rows = store.table("roll", day="2026-03-05").all()
    assert len(rows) == 1 and rows[0]["status"] == "fever"


# --- sheet ----------------------------------------------------------------------

def test_sheet_layout_top_floor_first_with_marks_and_away(store, leader):
    marks.set_mark(store, leader, "1-302", "orange", "发热", "2026-03-07")
    data = sheets.sheet(store, 1)
    assert data["columns"] == ["01", "02", "03", "04"]
    assert [f["floor"] for f in data["floors"]] == [6, 5, 4, 3, 2, 1]
    top = data["floors"][0]["cells"]
    assert top["04"]["door"] == "1-604" and top["04"]["at_home"] is False
    assert data["floors"][3]["cells"]["02"]["colour"] == "orange"
    assert (data["households"], data["home"]) == (24, 23)
    with pytest.raises(DomainError, match="Building 9"):
        sheets.sheet(store, 9)


@needs.font
def test_sheet_pdf_is_one_a4_page(store, leader, tmp_path):
    marks.set_mark(store, leader, "1-101", "red", "确诊", "2026-03-07")
    path = sheets.sheet_pdf(store, 1)
    raw = path.read_bytes()
    assert raw.startswith(b"%PDF")
    assert len(re.findall(rb"/Type\s*/Page(?!s)", raw)) == 1
    img = sheets.draw_sheet(sheets.sheet(store, 1))
    assert img.size == (1240, 1754)
    # the away box (1-604, top right) is dark, a normal box is white inside
    px = img.getpixel((1240 - 60 - 20, 60 + 130 + 60))
    assert max(px) < 100


def test_cli_import_prints_report_and_exits_1_on_rejected_rows(store, tmp_path, capsys):
    from console import cli
    good = tmp_path / "good.csv"
    good.write_bytes("楼号,门牌,户主,人数,网格\n1,701,甲,2,1\n".encode("gbk"))
    bad = tmp_path / "bad.csv"
    bad.write_text("楼号,门牌,户主,人数,网格\n1,702,乙,2,1\n1,703,丙,zero,1\n", encoding="utf-8")
    run = lambda *a: cli.main(["--data-dir", str(store.root), "--lang", "en", *a],
                              lambda s, a: 0)
    assert run("import", "households", str(good)) == 0
    assert "1 households added" in capsys.readouterr().out
    assert run("import", "households", str(bad)) == 1
    out = capsys.readouterr().out
    assert "Line 3" in out and "zero" in out
    assert hh.find(store, "1-702")["head"] == "乙"            # good rows still imported
    assert run("import", "households", "--check", str(good)) == 0
    assert "checked only" in capsys.readouterr().out


def test_a_marks_dates_are_checked_by_one_rule_for_the_form_and_the_save(freeze_clock):
    freeze_clock(dt.datetime(2026, 3, 10, 9, 0))
    assert marks.review_date("3-19") == dt.date(2026, 3, 19)
    assert marks.review_date("2026-03-10") == dt.date(2026, 3, 10)     # today is allowed
    assert marks.since_date("") == dt.date(2026, 3, 10)                # empty: today
    assert marks.since_date("3月1日") == dt.date(2026, 3, 1)
    for check, text, field in ((marks.review_date, "3-9", "review"), (marks.since_date, "3-11", "since"),
                               (marks.review_date, "soon", "review")):
        with pytest.raises(DomainError) as err:
            check(text)
        assert err.value.field == field
    with pytest.raises(DomainError) as err:      # the save says what the field said
        marks.check_mark("yellow", "密接", "3-1", "3-9")
    assert err.value.field == "review" and "2026-03-09" in str(err.value)
