"""Spreadsheets in and out: one table as .xlsx or CSV, and the rows of an .xlsx.

Out: a :class:`Table` (columns and rows of plain values) becomes an .xlsx
(openpyxl, write-only) or a CSV (UTF-8 with BOM, so Excel and WPS show the
Chinese). Text columns stay text cells (phone numbers and pass codes would
lose digits as numbers: Excel keeps 15), every text cell that a spreadsheet
would run as a formula (OWASP: starting with = + - @ tab or CR) gets a
leading quote, the header row is frozen and each column sized to its
widest cell. Writing the file is :func:`console.core.output.save_new`'s part.

In: :func:`xlsx_rows` reads the first sheet of an .xlsx (read-only mode) as
text cells with their row numbers, refusing whole what it cannot read
faithfully: an old .xls, a password-protected file, something else renamed
.xlsx, merged cells, formulas, cells Excel turned into dates, an empty sheet.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import unicodedata
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from console.core import i18n
from console.core.i18n import DomainError

FORMATS = ("xlsx", "csv")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_MAX_WIDTH = 60

i18n.add({
    "sheet.format": ("文件名要以 .xlsx 或 .csv 结尾：{path}", "The file name must end in .xlsx or .csv: {path}"),
    "sheet.xls": ("这是旧的 .xls 格式。请在 Excel/WPS 里“另存为” .xlsx（Excel 工作簿）再导入。",
                  "This is the old .xls format. Save it as .xlsx (Excel workbook) in Excel/WPS, then import."),
    "sheet.encrypted": ("文件设了密码，读不了。请在 Excel/WPS 里去掉密码后另存，再导入。",
                        "The file is password-protected and cannot be read. Remove the password in "
                        "Excel/WPS, save, then import."),
    "sheet.csv_renamed": ("这个文件其实是 CSV（文本），只是改了名字。请把它改名为 .csv 再导入。",
                          "This file is really a CSV (text) renamed to .xlsx: rename it to .csv and import that."),
    "sheet.not_xlsx": ("这不是 .xlsx 文件（打不开：{reason}）。",
                       "This is not an .xlsx file (cannot open it: {reason})."),
    "sheet.empty": ("工作表“{sheet}”是空的。", "The sheet “{sheet}” is empty."),
    "sheet.merged": ("工作表里有合并单元格（{cells}）。请取消合并、每格填上内容后再导入。",
                     "The sheet has merged cells ({cells}). Unmerge them and fill every cell, then import."),
    "sheet.formula": ("单元格 {cell} 是公式（{formula}）。请复制后“选择性粘贴 → 数值”再导入。",
                      "Cell {cell} holds a formula ({formula}). Copy and Paste Special → Values, then import."),
    "sheet.date": ("单元格 {cell} 被表格软件当成了日期（{value}）。请把这一列设为“文本”格式，重新输入后再导入。",
                   "Cell {cell} was turned into a date ({value}) by the spreadsheet. Format the column as "
                   "Text, type it again, then import."),
})


@dataclass(frozen=True)
class Column:
    """``key`` in each row; ``header`` an i18n key; ``number`` an Excel number
    format for numeric columns ("0", "0.0", "0.00"); None means text."""
    key: str
    header: str
    number: str | None = None


@dataclass
class Table:
    title: str
    columns: Sequence[Column]
    rows: list[dict] = field(default_factory=list)


def neutralise(text: str) -> str:
    """A text cell a spreadsheet would run as a formula gets a leading quote."""
    return "'" + text if text.startswith(_FORMULA_START) else text


def _cell(value, col: Column):
    """The value as written: numbers in number columns, text otherwise."""
    if value is None or value == "" or value is False:
        return None
    if col.number is not None and isinstance(value, int | float) and not isinstance(value, bool):
        return value
    if value is True:
        return i18n.t("yes")
    return neutralise(_clean(str(value)))


def _clean(text: str) -> str:
    """No control characters a file format cannot hold (XML refuses most)."""
    return "".join(ch for ch in text if ch in "\t\n\r" or unicodedata.category(ch) != "Cc")


def _matrix(table: Table) -> tuple[list[str], list[list]]:
    header = [i18n.t(c.header) for c in table.columns]
    return header, [[_cell(r.get(c.key), c) for c in table.columns] for r in table.rows]


_PLACES = {"0": 0, "0.0": 1, "0.00": 2}


def _csv_text(value, places: int | None) -> str:
    if value is None:
        return ""
    if places is not None and isinstance(value, int | float):
        return f"{value:.{places}f}"
    return value


def to_csv(table: Table) -> bytes:
    header, rows = _matrix(table)
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(header)
    places = [_PLACES.get(c.number) for c in table.columns]
    w.writerows([_csv_text(v, p) for v, p in zip(row, places)] for row in rows)
    return ("\ufeff" + buf.getvalue()).encode("utf-8")


def _width(value) -> int:
    text = "" if value is None else str(value)
    longest = max((sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in line)
                   for line in text.split("\n")), default=0)
    return longest


def _sheet_title(title: str) -> str:
    return re.sub(r"[\[\]:*?/\\]", "-", title)[:31] or "Sheet1"


def to_xlsx(table: Table) -> bytes:
    from openpyxl import Workbook  # noqa: PLC0415  (only when a spreadsheet is written)
    from openpyxl.cell import WriteOnlyCell  # noqa: PLC0415
    from openpyxl.styles import Font  # noqa: PLC0415
    from openpyxl.utils import get_column_letter  # noqa: PLC0415

    header, rows = _matrix(table)
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(_sheet_title(table.title))
    for i, col in enumerate(table.columns):
        widest = max([_width(header[i])] + [_width(r[i]) for r in rows])
        ws.column_dimensions[get_column_letter(i + 1)].width = min(_MAX_WIDTH, widest + 2)
    ws.freeze_panes = "A2"
    bold = Font(bold=True)
    head = []
    for text in header:
        cell = WriteOnlyCell(ws, value=text)
        cell.font = bold
        head.append(cell)
    ws.append(head)
    formats = [c.number or "@" for c in table.columns]
    for row in rows:
        out = []
        for value, fmt in zip(row, formats):
            cell = WriteOnlyCell(ws, value=value)
            if isinstance(value, str):
                cell.data_type = "s"     # never a formula, whatever the text
            cell.number_format = fmt
            out.append(cell)
        ws.append(out)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def encode(table: Table, fmt: str) -> bytes:
    return to_xlsx(table) if fmt == "xlsx" else to_csv(table)


def format_of(path: Path) -> str:
    """"xlsx" or "csv" from the file name, else a DomainError."""
    fmt = path.suffix.lower().lstrip(".")
    if fmt not in FORMATS:
        raise DomainError("sheet.format", path=str(path))
    return fmt


# -- reading an .xlsx --------------------------------------------------------------

_MERGE = re.compile(rb'<(?:\w+:)?mergeCell\s[^>]*ref="([A-Z]+\d+:[A-Z]+\d+)"')


def _refuse_container(data: bytes) -> None:
    if data.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):   # an OLE2 compound file
        if "EncryptionInfo".encode("utf-16-le") in data:
            raise DomainError("sheet.encrypted")
        raise DomainError("sheet.xls")
    if not data.startswith(b"PK\x03\x04"):
        head = data[:4096]
        try:
            text = head.decode("utf-8-sig")
        except UnicodeDecodeError:
            try:
                text = head.decode("gb18030")
            except UnicodeDecodeError:
                text = ""
        if text and ("," in text or "\t" in text) and "\x00" not in text:
            raise DomainError("sheet.csv_renamed")
        raise DomainError("sheet.not_xlsx", reason=i18n.t("sheet.not_zip"))


i18n.add({"sheet.not_zip": ("不是 Excel 工作簿", "not an Excel workbook")})


def _text(value) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))           # 13812345678.0 or a 3.0 typed as a number
    return str(value)


def xlsx_rows(data: bytes) -> Iterable[tuple[int, list[str]]]:
    """(row number, cells as text) of every row of the first sheet, read-only.
    A DomainError refuses the whole file before any row is returned."""
    from openpyxl import load_workbook  # noqa: PLC0415
    from openpyxl.utils.exceptions import InvalidFileException  # noqa: PLC0415

    _refuse_container(data)
    try:
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise DomainError("sheet.not_xlsx", reason=str(exc) or type(exc).__name__) from None
    try:
        if not wb.worksheets:
            raise DomainError("sheet.empty", sheet="")
        ws = wb.worksheets[0]
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            merged = _MERGE.findall(z.read(ws._worksheet_path))  # noqa: SLF001 (read-only sheets hide merges)
        if merged:
            raise DomainError("sheet.merged", cells=", ".join(m.decode() for m in merged[:5]))
        ws.reset_dimensions()            # some programs write a wrong size: read every row
        rows = []
        for cells in ws.iter_rows():
            texts, row_no = [], None
            for cell in cells:
                value = getattr(cell, "value", None)
                if value is None:
                    texts.append("")
                    continue
                row_no = cell.row
                if cell.data_type == "f":
                    raise DomainError("sheet.formula", cell=cell.coordinate, formula=str(value)[:40])
                if isinstance(value, dt.datetime | dt.date | dt.time):
                    raise DomainError("sheet.date", cell=cell.coordinate, value=str(value)[:19])
                texts.append(_text(value))
            if row_no is not None:
                rows.append((row_no, texts))
        if not rows:
            raise DomainError("sheet.empty", sheet=ws.title)
        width = max(len(cells) for _, cells in rows)   # a sheet stores no trailing empty cells
        return [(n, cells + [""] * (width - len(cells))) for n, cells in rows]
    finally:
        wb.close()
