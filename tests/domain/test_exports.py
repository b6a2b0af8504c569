"""Lists out as .xlsx and CSV: read back with openpyxl and csv, formula-leading
text neutralised, phones text, Chinese intact, refused paths write nothing,
0660 whatever the umask, the leader's key-person export audited."""

from __future__ import annotations

import csv
import datetime as dt
import errno
import io
import os
import stat

import openpyxl
import pytest

import app
from console import features
from console.checkpoint import gate as cp
from console.core import clock, exports, spreadsheet, store_files
from console.core.i18n import DomainError
from console.households import marks
from console.stock import ledger as stock

GATE = "西门"
DAY = "2026-03-05"
T0 = dt.datetime(2026, 3, 5, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))
GATE_LOG = cp.EXPORTS[0]
HOSTILE = ["=cmd|' /C calc'!A0", "+1+1", "-2+3", "@SUM(A1)", "\t=1", "\r=1"]


@pytest.fixture
def day(freeze_clock):
    return freeze_clock(T0)


def visit(store, volunteer, **kw):
    fields = {"name": "王伟", "phone": "13800001234", "door": "1-302", "direction": "in",
              "purpose": "buy", "outcome": "turned_away", "temp": "36.6", "plate": "", "note": ""}
    return cp.log_entry(store, volunteer, GATE, {**fields, **kw})


def run(store, *args) -> int:
    return app.main(["--data-dir", str(store.root), "export", *args])


def cells(path):
    sheet = openpyxl.load_workbook(path).active
    return [list(row) for row in sheet.iter_rows()]


def test_gate_log_xlsx_reads_back_as_text_with_no_formula(store, volunteer, day, tmp_path):
    for name in ("=cmd|' /C calc'!A0", "+1+1", "-2+3", "@SUM(A1)"):
        visit(store, volunteer, name=name, note="说了很久")
    visit(store, volunteer, name="李四", phone="", org="顺丰快递", door="", temp="37.8")
    out = tmp_path / "gate.xlsx"
    assert run(store, "checkpoint", "--day", DAY, "-o", str(out)) == 0
    rows = cells(out)
    header = [c.value for c in rows[0]]
    assert header[:6] == ["no", "time", "gate", "name", "phone", "door"]
    body = rows[1:]
    assert [r[3].value for r in body] == ["'=cmd|' /C calc'!A0", "'+1+1", "'-2+3", "'@SUM(A1)", "李四"]
    assert not [c for r in rows for c in r if c.data_type == "f"]
    phone = body[0][4]
    assert (phone.value, phone.data_type, phone.number_format) == ("13800001234", "s", "@")
    temp = body[-1][header.index("temperature")]
    assert temp.value == 37.8 and temp.data_type == "n"
    assert body[-1][header.index("fever")].value == "Yes" and "说了很久" in [c.value for c in body[0]]
    text = tmp_path / "gate.csv"
    assert run(store, "checkpoint", "--day", DAY, "-o", str(text)) == 0
    names = [r[3] for r in csv.reader(io.StringIO(text.read_text("utf-8-sig"), newline=""))][1:]
    assert names == [r[3].value for r in body]
    sheet = openpyxl.load_workbook(out).active
    assert sheet.freeze_panes == "A2"
    assert sheet.column_dimensions["D"].width >= len("=cmd|' /C calc'!A0")


def test_csv_neutralises_every_formula_start(store, volunteer):
    table = spreadsheet.Table("t", [spreadsheet.Column("name", "checkpoint.csv.name")],
                              [{"name": n} for n in [*HOSTILE, "王伟", "1-302"]])
    text = spreadsheet.to_csv(table).decode("utf-8-sig")
    names = [r[0] for r in csv.reader(io.StringIO(text, newline=""))][1:]
    assert names == ["'" + n for n in HOSTILE] + ["王伟", "1-302"]
    assert not [n for n in names if n[0] in "=+-@\t\r"]


def test_a_date_range_takes_every_day_and_bad_ranges_are_refused(store, volunteer, day, tmp_path, capsys):
    visit(store, volunteer)
    day.t = T0 + dt.timedelta(days=2)
    visit(store, volunteer, name="后天")
    out = tmp_path / "range.csv"
    assert run(store, "checkpoint", "--from", DAY, "--to", "2026-03-07", "-o", str(out)) == 0
    names = [r[3] for r in csv.reader(io.StringIO(out.read_text("utf-8-sig")))][1:]
    assert names == ["王伟", "后天"]
    for args, says in ((["--from", "2026-03-07", "--to", DAY], "after the last day"),
                       (["--from", DAY], "together"), (["--day", "3月5日"], "Cannot read the date"),
                       (["--day", DAY, "--from", DAY, "--to", DAY], "either")):
        capsys.readouterr()
        assert run(store, "checkpoint", *args, "-o", str(tmp_path / "no.csv")) == 1
        assert says in capsys.readouterr().err
    assert not (tmp_path / "no.csv").exists()
    assert run(store, "unpaid", "--day", DAY) == 1 and "takes no dates" in capsys.readouterr().err


def test_refused_paths_write_nothing(store, volunteer, day, tmp_path, capsys):
    visit(store, volunteer)
    taken = tmp_path / "taken.xlsx"
    taken.write_bytes(b"keep me")
    cases = [(taken, "already exists"), (tmp_path, "is a folder"),
             (tmp_path / "nowhere" / "x.xlsx", "does not exist"),
             (tmp_path / "x.pdf", "must end in .xlsx or .csv"),
             ("/proc/desk-export.csv", "Could not write")]
    for path, says in cases:
        capsys.readouterr()
        assert run(store, "checkpoint", "--day", DAY, "-o", str(path)) == 1
        err = capsys.readouterr().err
        assert says in err and "Traceback" not in err
    assert taken.read_bytes() == b"keep me"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["data", "taken.xlsx"]
    assert not (tmp_path / "nowhere").exists()


def test_a_full_disk_leaves_no_half_file(store, volunteer, day, tmp_path, monkeypatch):
    visit(store, volunteer)

    def full(fd, payload):
        raise OSError(errno.ENOSPC, "No space left on device")
    monkeypatch.setattr(store_files, "write_all", full)
    with pytest.raises(DomainError, match="disk is full"):
        exports.export(store, volunteer, GATE_LOG, [DAY], tmp_path / "g.xlsx")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["data"]


def test_files_are_0660_whatever_the_umask(store, volunteer, day, tmp_path):
    visit(store, volunteer)
    old = os.umask(0o022)
    try:
        path, n = exports.export(store, volunteer, GATE_LOG, [DAY])
        other, _ = exports.export(store, volunteer, GATE_LOG, [DAY], tmp_path / "g.csv")
    finally:
        os.umask(old)
    assert n == 1 and path.parent == store.root / "exports"
    assert stat.S_IMODE(path.stat().st_mode) == 0o660 == stat.S_IMODE(other.stat().st_mode)
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o2770


def test_key_persons_masked_for_a_volunteer_full_and_audited_for_a_leader(store, leader, volunteer,
                                                                          tmp_path):
    marks.set_mark(store, leader, "1-101", "red", "确诊，方舱", clock.today() + dt.timedelta(days=3))
    key_persons = exports.get(features.EXPORTS, "key-persons")
    masked, _ = exports.export(store, volunteer, key_persons, path=tmp_path / "v.xlsx")
    full, _ = exports.export(store, leader, key_persons, path=tmp_path / "l.xlsx")
    values = lambda p: [c.value for c in cells(p)[1]]  # noqa: E731
    assert "13800001101" not in values(masked) and "确诊，方舱" not in values(masked)
    assert "13800001101" in values(full) and "确诊，方舱" in values(full)
    logged = [e["after"] for e in store.history(clock.today().isoformat()) if e["table"] == exports.LOG]
    assert [(e["what"], e["by"], e["role"]) for e in logged] == [
        ("key-persons", "志愿者乙", "volunteer"), ("key-persons", "组长甲", "leader")]


def test_every_list_exports_as_both_formats(store, leader, volunteer, day, tmp_path):
    from console.households import roll
    from console.purchases import orders as purchases
    visit(store, volunteer)
    roll.report(store, volunteer, "1-101", "fever", 38.2)
    stock.receive(store, volunteer, "mercury", 3, "中心A", "3.5")
    stock.issue(store, volunteer, "1-102")
    purchases.create_request(store, volunteer, "1-103", lines="土豆2斤")
    marks.set_mark(store, leader, "2-101", "yellow", "密接", DAY)
    # 48 households, one away per building: 46 expected, one reported
    expect = {"checkpoint": 1, "roll": 2 + 2 + 1, "not-reported": 45, "handouts": 47,
              "key-persons": 1, "unpaid": 0}
    assert set(expect) == {e.name for e in features.EXPORTS}
    for what, n in expect.items():
        ex = exports.get(features.EXPORTS, what)
        chosen = [DAY] if ex.dated else None
        for fmt in spreadsheet.FORMATS:
            path, rows = exports.export(store, leader, ex, chosen, tmp_path / f"{what}.{fmt}")
            assert rows == n, what
        assert len(cells(tmp_path / f"{what}.xlsx")) == n + 1
        lines = list(csv.reader(io.StringIO((tmp_path / f"{what}.csv").read_text("utf-8-sig"))))
        assert len(lines) == n + 1
    summary = cells(tmp_path / "roll.xlsx")
    total = [c.value for c in summary[-1]]
    assert total[1] == "total" and total[-2:] == [1, 45]   # one fever, 45 not reported
