"""The household registry from .xlsx: the same report as the CSV import (row
numbers are the sheet's), and every file it cannot read faithfully refused
whole with a message, nothing imported."""

from __future__ import annotations

import csv
import datetime as dt
import io

import msoffcrypto.format.ooxml
import openpyxl
import pytest
import xlwt

import app
from console.households import registry as hh
from console.households.registry_import import import_file, import_households

HEADER = ["楼号", "单元", "门牌", "户主", "电话", "人数", "网格", "楼长", "在家"]
ROWS = [
    [1, 1, 101, "张新", 13800009999, 4, 1, "组长甲", "在家"],   # numbers typed as numbers
    [1, 2, "1-701", "钱七", "13900001111", 2, "1", None, "外出"],
    [None] * 9,                                                 # an empty row is skipped
    [1, 1, "999x", "坏门", None, 2, 1, None, None],             # unreadable door
    [2, 1, "2-701", "孙八", None, 0, 2, None, None],             # members 0
]


def xlsx(rows=ROWS, edit=None) -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(HEADER)
    for row in rows:
        ws.append(row)
    if edit:
        edit(ws)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def as_csv(rows=ROWS) -> bytes:
    buf = io.StringIO()
    csv.writer(buf).writerows([HEADER] + [["" if v is None else v for v in r] for r in rows])
    return buf.getvalue().encode()


def test_xlsx_gives_the_same_report_as_the_csv(store, leader, empty_store):
    report = import_households(store, leader, xlsx(), fmt="xlsx")
    assert report.encoding == "Excel (.xlsx)" and report.written
    assert (report.rows, report.added, report.updated) == (4, 1, 1)
    assert [(line, door) for line, door, _ in report.rejected] == [(5, "999x"), (6, "2-701")]
    assert hh.find(store, "1-101")["head"] == "张新"
    assert hh.find(store, "1-101")["phone"] == "13800009999"
    assert hh.find(store, "1-701")["at_home"] is False
    text = import_households(store, leader, as_csv(), write=False)
    assert text.rejected == report.rejected
    assert report.lines()[1:] == text.lines()[1:]


@pytest.mark.parametrize("case, says", [
    ("merged", "merged cells (A2:A3)"),
    ("formula", "Cell D3 holds a formula"),
    ("date", "Cell C2 was turned into a date"),
    ("empty", "is empty"),
    ("password", "password-protected"),
    ("xls", "old .xls format"),
    ("csv", "really a CSV"),
    ("junk", "not an .xlsx file"),
])
def test_bad_files_are_refused_whole(store, leader, case, says):
    def formula(ws):
        ws["D3"] = "=A2&B2"

    def date(ws):
        ws["C2"] = dt.datetime(2026, 5, 12)          # Excel's reading of "5-12"
    made = {
        "merged": lambda: xlsx(edit=lambda ws: ws.merge_cells("A2:A3")),
        "formula": lambda: xlsx(edit=formula),
        "date": lambda: xlsx(edit=date),
        "empty": _empty,
        "password": _encrypted,
        "xls": _xls,
        "csv": as_csv,
        "junk": lambda: b"PK\x03\x04 not really a zip",
    }[case]()
    before = [dict(h) for h in store.table("households").all()]
    report = import_households(store, leader, made, fmt="xlsx")
    assert says in report.fatal and not report.written
    assert [dict(h) for h in store.table("households").all()] == before


def _empty() -> bytes:
    buf = io.BytesIO()
    openpyxl.Workbook().save(buf)
    return buf.getvalue()


def _encrypted() -> bytes:
    out = io.BytesIO()
    msoffcrypto.format.ooxml.OOXMLFile(io.BytesIO(xlsx())).encrypt("1234", out)
    return out.getvalue()


def _xls() -> bytes:
    book = xlwt.Workbook()
    sheet = book.add_sheet("住户")
    for c, name in enumerate(HEADER):
        sheet.write(0, c, name)
    buf = io.BytesIO()
    book.save(buf)
    return buf.getvalue()


def test_the_file_name_chooses_the_reader(store, leader, tmp_path, capsys):
    (tmp_path / "reg.xlsx").write_bytes(xlsx(ROWS[:2]))
    (tmp_path / "old.xls").write_bytes(_xls())
    report = import_file(store, leader, tmp_path / "reg.xlsx")
    assert report.ok and report.added == 1
    assert "old .xls" in import_file(store, leader, tmp_path / "old.xls").fatal
    rc = app.main(["--data-dir", str(store.root), "import", "households", str(tmp_path / "reg.xlsx"),
                   "--check"])
    assert rc == 0 and "Excel (.xlsx) file, 2 rows" in capsys.readouterr().out
