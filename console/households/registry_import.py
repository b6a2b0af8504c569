"""Import the household registry from a spreadsheet (.xlsx or CSV), with a report.

The file needs a header row. Columns (Chinese or English names)::

    楼号 building | 单元 unit | 门牌 door | 户主 head | 电话 phone |
    人数 members | 网格 grid | 楼长 leader | 在家 at_home

``building``, ``door``, ``head``, ``members`` and ``grid`` are required.
``door`` is the room (302) or the full door (5-302, 5栋302). An .xlsx is
read from its first sheet (console.core.spreadsheet refuses what it cannot read
faithfully: merged cells, formulas, dates, an old .xls, a password). CSV files
saved by a spreadsheet program in GBK/GB18030 are read as well as UTF-8
(with or without BOM). Empty lines are skipped.

A wrong header (missing or unknown columns) or an unreadable file imports
nothing. Otherwise every bad row is listed with its line number and reason,
and all good rows are written in one atomic write: new doors are added,
known doors are updated, nothing is duplicated. The first import into an
empty registry sets up its buildings and grids; after that a building or grid
not in the registry is rejected (add it under Grids first).
"""

from __future__ import annotations

import csv
from contextlib import nullcontext
import io
import re
from dataclasses import dataclass, field
from pathlib import Path

from console.core import i18n, phones, safe_text, spreadsheet
from console.households.registry import grid_key, normalise_door
from console.core.i18n import DomainError
from console.core.operators import Actor, require_leader
from console.core.commands import Command, admin_actor
from console.core.store import Store

i18n.add({
    "import.what": ("导入住户登记表", "import the household registry"),
    "import.empty": ("文件是空的，没有表头。", "The file is empty: no header row."),
    "import.not_csv": ("文件不是有效的 CSV：{reason}", "The file is not valid CSV: {reason}"),
    "import.missing": ("缺少列：{columns}。", "Missing columns: {columns}."),
    "import.unknown": ("不认识的列：{columns}。", "Unknown columns: {columns}."),
    "import.twice": ("列“{column}”出现了两次。", "Column “{column}” appears twice."),
    "import.columns_help": ("可用的列：{columns}。没有导入任何数据。",
                            "Accepted columns: {columns}. Nothing was imported."),
    "import.row.cells": ("这一行有 {got} 格，表头有 {want} 列。",
                         "This row has {got} cells; the header has {want} columns."),
    "import.row.required": ("“{column}”不能为空。", "“{column}” is empty."),
    "import.row.building": ("楼号“{value}”不是 1 到 999 的数字。",
                            "Building “{value}” is not a number from 1 to 999."),
    "import.row.door": ("门牌“{value}”看不懂（例如 302 或 5-302）。",
                        "Cannot read door “{value}” (e.g. 302 or 5-302)."),
    "import.row.door_building": ("门牌 {door} 不在 {building} 栋。",
                                 "Door {door} is not in building {building}."),
    "import.row.members": ("人数“{value}”不是 1 到 30 的整数。",
                           "Members “{value}” is not a whole number from 1 to 30."),
    "import.row.phone": ("电话“{value}”不对：手机号应为 11 位数字（1 开头），或留空。",
                         "Phone “{value}”: a phone is 11 digits starting with 1, or empty."),
    "import.row.at_home": ("“在家”一栏“{value}”看不懂（填 在家 或 外出）。",
                           "Cannot read at-home “{value}” (write home or away)."),
    "import.row.unit": ("单元“{value}”不是 1 到 99 的数字。", "Unit “{value}” is not a number from 1 to 99."),
    "import.row.grid": ("没有网格“{grid}”（请先在“网格”里添加）。",
                        "Unknown grid “{grid}” (add it under Grids first)."),
    "import.row.building_unknown": ("登记表里没有 {building} 栋（请先在“网格”里添加）。",
                                    "Building {building} is not in the registry (add it under Grids first)."),
    "import.row.building_grid": ("{building} 栋属于网格“{grid}”，这一行写的是“{given}”。",
                                 "Building {building} is in grid “{grid}”, this row says “{given}”."),
    "import.row.leader": ("{building} 栋的楼长在第 {line} 行写的是 {leader}。",
                          "Line {line} names {leader} as building {building}'s leader."),
    "import.row.duplicate": ("门牌 {door} 重复出现在第 {lines} 行。",
                             "Door {door} appears more than once, on lines {lines}."),
    "import.row.name": ("户主姓名太长（最多 20 个字）。", "The head's name is too long (20 characters at most)."),
    "import.summary": ("{encoding} 编码，{rows} 行：新增 {added} 户，更新 {updated} 户，未变 {same} 户，拒收 {rejected} 行。",
                       "{encoding} file, {rows} rows: {added} households added, {updated} updated, "
                       "{same} unchanged, {rejected} rows rejected."),
    "import.checked": ("（只是检查，尚未导入）", "(checked only, nothing imported yet)"),
    "import.new_buildings": ("新建楼栋：{buildings}", "New buildings: {buildings}"),
    "import.line": ("第 {line} 行 {door}：{reason}", "Line {line} {door}: {reason}"),
    "import.failed": ("没有导入：{reason}", "Nothing imported: {reason}"),
})

#: canonical column -> accepted header spellings (compared after NFKC, lower case, no spaces)
COLUMNS: dict[str, tuple[str, ...]] = {
    "building": ("building", "楼号", "楼栋", "栋", "楼"),
    "unit": ("unit", "单元"),
    "door": ("door", "room", "门牌", "门牌号", "房号", "户号"),
    "head": ("head", "户主", "户主姓名", "姓名"),
    "phone": ("phone", "电话", "手机", "联系电话"),
    "members": ("members", "人数", "家庭人数", "人口"),
    "grid": ("grid", "网格"),
    "leader": ("leader", "楼长", "buildingleader"),
    "at_home": ("at_home", "athome", "在家", "在家情况", "home"),
}
REQUIRED = ("building", "door", "head", "members", "grid")
_HEADER = {alias: col for col, aliases in COLUMNS.items() for alias in aliases}
_YES = {"在家", "是", "在", "y", "yes", "1", "true", "home", "√", "✓"}
_NO = {"外出", "不在", "否", "不在家", "n", "no", "0", "false", "away", "×", "x"}


@dataclass
class ImportReport:
    encoding: str = ""
    rows: int = 0
    added: int = 0
    updated: int = 0
    same: int = 0
    rejected: list[tuple[int, str, str]] = field(default_factory=list)  # (line, door/raw, reason)
    new_buildings: list[int] = field(default_factory=list)
    cleaned: list[int] = field(default_factory=list)  # lines that held hidden characters
    fatal: str = ""           # the file as a whole was refused: nothing imported
    written: bool = False

    @property
    def ok(self) -> bool:
        return not self.fatal and not self.rejected

    def lines(self) -> list[str]:
        """The report as text lines in the current language."""
        if self.fatal:
            return [i18n.t("import.failed", reason=self.fatal)]
        out = [i18n.t("import.summary", encoding=self.encoding, rows=self.rows, added=self.added,
                      updated=self.updated, same=self.same, rejected=len(self.rejected))]
        if not self.written:
            out[0] += " " + i18n.t("import.checked")
        if self.new_buildings:
            out.append(i18n.t("import.new_buildings",
                              buildings=", ".join(map(str, self.new_buildings))))
        if self.cleaned:
            out.append(i18n.t("safe_text.removed_lines", lines=", ".join(map(str, self.cleaned))))
        out += [i18n.t("import.line", line=line, door=door, reason=reason)
                for line, door, reason in self.rejected]
        return out


def _norm(text: str) -> str:
    return safe_text.line(text, nfkc=True)


def _header(cells: list[str]) -> list[str]:
    cols, unknown, seen = [], [], set()
    for cell in cells:
        key = re.sub(r"\s+", "", _norm(cell).lower())
        col = _HEADER.get(key)
        if col is None:
            unknown.append(_norm(cell) or "''")
            continue
        if col in seen:
            raise DomainError("import.twice", column=_norm(cell))
        seen.add(col)
        cols.append(col)
    missing = [c for c in REQUIRED if c not in seen]
    if unknown or missing:
        parts = []
        if missing:
            parts.append(i18n.t("import.missing", columns=", ".join(
                f"{COLUMNS[c][1]}/{c}" for c in missing)))
        if unknown:
            parts.append(i18n.t("import.unknown", columns=", ".join(unknown)))
        parts.append(i18n.t("import.columns_help", columns=", ".join(
            f"{a[1]}/{c}" for c, a in COLUMNS.items())))
        raise DomainError("import.not_csv", reason=" ".join(parts))
    return cols


def _csv_rows(text: str) -> list[tuple[int, list[str]]]:
    """(line number, cells) of every row of CSV text."""
    sample = text[:4096]
    first = sample.split("\n", 1)[0]
    delimiter = "\t" if first.count("\t") > first.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    rows = []
    try:
        start = 1
        for cells in reader:
            rows.append((start, cells))
            start = reader.line_num + 1
    except csv.Error as exc:
        raise DomainError("import.not_csv", reason=f"line {reader.line_num}: {exc}") from None
    return rows


def _rows(numbered) -> tuple[list[str], list[tuple[int, list[str]]]]:
    """Header columns and (line number, cells) of every non-empty row after it."""
    header, rows = None, []
    for line, cells in numbered:
        if not any(_norm(c) for c in cells):
            continue
        if header is None:
            header = _header(cells)
            continue
        rows.append((line, cells))
    if header is None:
        raise DomainError("import.empty")
    return header, rows


class _Bad(Exception):
    def __init__(self, key: str, **params):
        self.text = i18n.t(key, **params)


def _int(value: str, lo: int, hi: int, key: str) -> int:
    text = _norm(value)
    text = re.sub(r"(栋|号楼|楼|单元|人|口)$", "", text)
    if not re.fullmatch(r"\d{1,3}", text) or not lo <= int(text) <= hi:
        raise _Bad(key, value=value.strip())
    return int(text)


def _parse_row(cols: list[str], cells: list[str]) -> dict:
    if len(cells) != len(cols) and not (len(cells) > len(cols) and not any(
            _norm(c) for c in cells[len(cols):])):
        raise _Bad("import.row.cells", got=len(cells), want=len(cols))
    raw = {c: _norm(v) for c, v in zip(cols, cells)}
    for col in REQUIRED:
        if not raw.get(col):
            name = COLUMNS[col][1] if i18n.lang() == "zh" else col
            raise _Bad("import.row.required", column=name)
    b = _int(raw["building"], 1, 999, "import.row.building")
    door_text = raw["door"]
    try:
        if re.fullmatch(r"\d{3,4}(室|号)?", door_text):
            door = normalise_door(f"{b}-{door_text}")
        else:
            door = normalise_door(door_text)
    except DomainError:
        raise _Bad("import.row.door", value=door_text) from None
    if int(door.split("-")[0]) != b:
        raise _Bad("import.row.door_building", door=door, building=b)
    room = door.split("-")[1]
    if len(raw["head"]) > 20:
        raise _Bad("import.row.name")
    members = _int(raw["members"], 1, 30, "import.row.members")
    try:
        phone = phones.normalise(raw.get("phone", ""))
    except DomainError:
        raise _Bad("import.row.phone", value=raw.get("phone", "")) from None
    row = {"door": door, "building": b, "floor": int(room[:-2]), "room": room,
           "head": raw["head"], "phone": phone, "members": members, "grid": grid_key(raw["grid"])}
    unit = raw.get("unit", "")
    row["unit"] = _int(unit, 1, 99, "import.row.unit") if unit else 1
    home = raw.get("at_home", "").lower()
    if home:
        if home in _YES:
            row["at_home"] = True
        elif home in _NO:
            row["at_home"] = False
        else:
            raise _Bad("import.row.at_home", value=raw.get("at_home", ""))
    if raw.get("leader"):
        row["_leader"] = raw["leader"]
    return row


FIELDS = ("building", "unit", "floor", "room", "head", "phone", "members", "grid", "at_home")


def import_households(store: Store, actor: Actor, data: bytes, *, write: bool = True,
                      fmt: str = "csv") -> ImportReport:
    """Check ``data`` (the bytes of a CSV, or of an .xlsx when ``fmt`` is
    "xlsx") and, if ``write``, import its good rows. Line numbers are the
    spreadsheet's row numbers.

    Never raises for bad content: the report's ``fatal`` says why the whole
    file was refused, ``rejected`` lists bad rows. Leaders only.
    """
    require_leader(store, actor, "import.what")
    report = ImportReport()
    try:
        if fmt == "xlsx":
            report.encoding = "Excel (.xlsx)"
            cols, rows = _rows(spreadsheet.xlsx_rows(data))
        else:
            text, report.encoding = safe_text.decode(data)
            cols, rows = _rows(_csv_rows(text))
    except DomainError as exc:
        report.fatal = str(exc)
        return report
    report.rows = len(rows)
    report.cleaned = [line for line, cells in rows if any(safe_text.scrub(c)[1] for c in cells)]
    parsed: list[tuple[int, dict]] = []
    for line, cells in rows:
        try:
            parsed.append((line, _parse_row(cols, cells)))
        except _Bad as bad:
            door = next((_norm(c) for col, c in zip(cols, cells) if col == "door"), "")
            report.rejected.append((line, door, bad.text))
    lines_of: dict[str, list[int]] = {}
    for line, row in parsed:
        lines_of.setdefault(row["door"], []).append(line)
    dup = {d for d, ls in lines_of.items() if len(ls) > 1}
    for line, row in parsed:
        if row["door"] in dup:
            report.rejected.append((line, row["door"], i18n.t(
                "import.row.duplicate", door=row["door"], lines=", ".join(map(str, lines_of[row["door"]])))))
    parsed = [(ln, r) for ln, r in parsed if r["door"] not in dup]

    roster = {m["name"] for m in store.table("roster").all() if m.get("active", True)}
    try:
        _write(store, report, parsed, roster, write)
    except _Rollback:
        pass
    return report


def _write(store: Store, report: ImportReport, parsed: list[tuple[int, dict]],
           roster: set[str], write: bool) -> None:
    # a check only reads: no transaction, so no lock file and no directory is made
    with store.transaction("households", "buildings", "grids") if write else nullcontext(store) as tx:
        houses, blds, grid_t = tx.table("households"), tx.table("buildings"), tx.table("grids")
        existing = {h["door"]: h for h in houses.all()}
        bmap = {b["number"]: b for b in blds.all()}
        grids = {g["grid"] for g in grid_t.all()} | {b["grid"] for b in bmap.values()}
        first_import = not bmap and not existing
        new_b: dict[int, dict] = {}
        good: list[dict] = []
        for line, row in parsed:
            b, g = row["building"], row["grid"]
            try:
                known = bmap.get(b) or new_b.get(b)
                if not first_import and g not in grids:
                    raise _Bad("import.row.grid", grid=g)
                fresh = known is None
                if fresh:
                    if not first_import:
                        raise _Bad("import.row.building_unknown", building=b)
                    known = {"number": b, "grid": g, "floors": 0, "leader": ""}
                if known["grid"] != g:
                    raise _Bad("import.row.building_grid", building=b, grid=known["grid"], given=g)
                leader = row.pop("_leader", "")
                if leader:
                    if leader not in roster:
                        raise _Bad("households.not_on_roster", name=leader)
                    prev = known.get("_new_leader")
                    if prev and prev[0] != leader:
                        raise _Bad("import.row.leader", building=b, line=prev[1], leader=prev[0])
                    known["_new_leader"] = (leader, line)
                if fresh:
                    new_b[b] = known
            except _Bad as bad:
                report.rejected.append((line, row["door"], bad.text))
                continue
            good.append(row)
        report.rejected.sort()
        inserts, updates = [], []
        for row in good:
            old = existing.get(row["door"])
            if old is None:
                inserts.append({"at_home": True, **row})
                continue
            changed = {k: row[k] for k in FIELDS if k in row and old.get(k) != row[k]}
            if changed:
                updates.append((old.doc_id, changed))
            else:
                report.same += 1
        report.added, report.updated = len(inserts), len(updates)
        report.new_buildings = sorted(new_b)
        floors: dict[int, int] = {}
        for row in good:
            floors[row["building"]] = max(floors.get(row["building"], 0), row["floor"])
        if not write:
            raise _Rollback  # leave the files untouched
        houses.insert_multiple(inserts)
        for doc_id, changed in updates:
            houses.update(changed, doc_ids=[doc_id])
        for b in new_b.values():
            leader = b.pop("_new_leader", ("", 0))[0]
            blds.insert({"number": b["number"], "grid": b["grid"],
                         "floors": floors.get(b["number"], 0), "leader": leader})
        for number, b in bmap.items():
            fields = {}
            if "_new_leader" in b:
                fields["leader"] = b.pop("_new_leader")[0]
            if floors.get(number, 0) > (b.get("floors") or 0):
                fields["floors"] = floors[number]
            if fields and any(b.get(k) != v for k, v in fields.items()):
                blds.update(fields, doc_ids=[b.doc_id])
        report.written = True


class _Rollback(Exception):
    """Ends a dry run inside the transaction so nothing is written."""


def check_households(store: Store, actor: Actor, data: bytes, fmt: str = "csv") -> ImportReport:
    """The report an import would give, writing nothing."""
    return import_households(store, actor, data, write=False, fmt=fmt)


def import_file(store: Store, actor: Actor, path: Path, *, write: bool = True) -> ImportReport:
    """Import (or with ``write=False`` check) a .csv or .xlsx file by its name."""
    fmt = "xlsx" if path.suffix.lower() in (".xlsx", ".xlsm") else "csv"
    if path.suffix.lower() == ".xls":
        fmt = "xlsx"             # the .xlsx reader names the old format and what to do
    try:
        data = path.read_bytes()
    except OSError as exc:
        report = ImportReport()
        report.fatal = i18n.t("import.unreadable", path=path, reason=exc.strerror or exc)
        return report
    return import_households(store, actor, data, write=write, fmt=fmt)


# --- command line: `python app.py import households FILE.csv` -------------------

i18n.add({
    "import.cli.help": ("导入住户登记表（.csv 或 .xlsx），打印检查报告（有拒收行时退出码 1）",
                        "import the household registry from a .csv or .xlsx; prints the report "
                        "(exit 1 if any row was rejected)"),
    "import.cli.check": ("只检查，不导入", "check only, import nothing"),
    "import.cli.no_file": ("找不到文件 {path}。", "File not found: {path}."),
    "import.unreadable": ("读不了 {path}：{reason}", "Cannot read {path}: {reason}"),
})


def _cli_run(store: Store, args) -> int:
    import sys

    path = Path(args.file)
    if not path.is_file():
        print(i18n.t("import.cli.no_file", path=path), file=sys.stderr)
        return 1
    report = import_file(store, admin_actor(store), path, write=not args.check)
    for line in report.lines():
        print(line)
    return 0 if report.ok else 1


def command():
    """The `import` subcommand (listed in console.features)."""
    def setup(p) -> None:
        p.add_argument("what", choices=["households"])
        p.add_argument("file", metavar="FILE.csv|FILE.xlsx")
        p.add_argument("--check", action="store_true", help=i18n.t("import.cli.check"))

    return Command("import", i18n._strings["import.cli.help"], setup, _cli_run)
