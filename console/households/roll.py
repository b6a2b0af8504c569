"""The daily temperature roll: per building per day, each household reported
normal, fever, or not reported; summaries per building and grid to report up.

Daily table ``roll`` (one file per day) holds one record per reported door:
``{door, building, grid, status: "normal"|"fever", temp, by}``. A door with
no record that day is "not reported". Away households are not expected.
"""

from __future__ import annotations

import datetime as dt
import re

from tinydb import where

from console.core import alerts, clock, i18n, temperature
from console.households.registry import mask_phone, normalise_door
from console.core.i18n import DomainError
from console.core.operators import Actor
from console.core.store import Store
from console.core import exports, purge
from console.core.spreadsheet import Column, Table

Store.DAILY.add("roll")
STATUSES = ("normal", "fever")
FEVER_AT = temperature.FEVER

i18n.add({
    "roll.normal": ("正常", "normal"),
    "roll.fever": ("发热", "fever"),
    "roll.missing": ("未报", "not reported"),
    "roll.away": ("外出", "away"),
    "roll.bad_status": ("状态只能是正常或发热。", "The status is normal or fever."),
    "roll.temp_is_fever": ("{temp}℃ 是发热，不能记为正常。", "{temp}°C is a fever, not normal."),
    "roll.future": ("不能登记 {day} 的体温（还没到）。", "Cannot record the roll for {day}: it is in the future."),
    "roll.bad_day": ("日期“{text}”看不懂。", "Cannot read day “{text}”."),
    "roll.fever_alert": ("{door} 今天报告发热，还没有橙色或红色标记。",
                         "{door} reported a fever today and has no orange or red mark."),
})


def _day(day: str | dt.date | None) -> str:
    if day is None or day is True:
        return clock.today().isoformat()
    if isinstance(day, dt.date):
        return day.isoformat()
    if not re.fullmatch(r"\d{4}-\d\d-\d\d", str(day)):
        raise DomainError("roll.bad_day", field="day", text=str(day))
    return str(day)


def parse_temp(text: str | float | None) -> float | None:
    """'36.5', '36,5', '３６.５℃', '365' -> 36.5; '' -> None (the gate's range)."""
    return temperature.parse(text)


def report(store: Store, actor: Actor, door: str, status: str | None,
           temp: str | float | None = None, day: str | dt.date | None = None) -> dict | None:
    """Record one household's report for ``day`` (today by default).

    ``status`` None clears the report (back to not reported). A temperature
    of 37.3 or more is a fever whatever the status says is refused.
    """
    return report_many(store, actor, {door: (status, temp)}, day)[0]


def report_many(store: Store, actor: Actor, entries: dict[str, tuple[str | None, object]],
                day: str | dt.date | None = None) -> list[dict | None]:
    """Several reports in one write: {door: (status, temp)}."""
    d = _day(day)
    if d > clock.today().isoformat():
        raise DomainError("roll.future", field="day", day=d)
    houses = {h["door"]: h for h in store.table("households").all()}
    rows: list[tuple[str, dict | None]] = []
    for door, (status, temp) in entries.items():
        key = normalise_door(door)
        house = houses.get(key)
        if house is None:
            raise DomainError("households.unknown_door", field="door", door=key)
        if status is None:
            rows.append((key, None))
            continue
        t = parse_temp(temp)
        if status not in STATUSES:
            raise DomainError("roll.bad_status", field="status")
        if t is not None and t >= FEVER_AT and status == "normal":
            raise DomainError("roll.temp_is_fever", field="temp", temp=t)
        rows.append((key, {"door": key, "building": house["building"], "grid": house["grid"],
                           "status": status, "temp": t, "by": actor.name}))
    out: list[dict | None] = []
    with store.transaction(("roll", d)) as tx:
        table = tx.table("roll", d)
        have = {r["door"]: r.doc_id for r in table.all()}
        for key, doc in rows:
            if doc is None:
                if key in have:
                    table.remove(doc_ids=[have.pop(key)])
            elif key in have:
                table.update(doc, doc_ids=[have[key]])
            else:
                have[key] = table.insert(doc)
            out.append(doc)
    return out


def day_reports(store: Store, day: str | dt.date | None = None) -> dict[str, dict]:
    """Reports of one day keyed by door (purged reports have none)."""
    return {r["door"]: r for r in store.table("roll", day=_day(day)).all() if r.get("door")}


def _blank(**key) -> dict:
    return {**key, "households": 0, "away": 0, "expected": 0, "normal": 0, "fever": 0, "missing": 0}


def summary(store: Store, day: str | dt.date | None = None,
            households: list[dict] | None = None) -> dict:
    """{"buildings": [...], "grids": [...], "total": {...}} with counts of
    households, away, expected (at home), normal, fever, missing.
    A report from a household now marked away still counts; a purged report
    (no door) counts for its building."""
    reports = day_reports(store, day)
    houses = households if households is not None else store.table("households").all()
    per_b: dict[int, dict] = {}
    per_g: dict[str, dict] = {}
    total = _blank()
    for h in houses:
        b = per_b.get(h["building"])
        if b is None:
            b = per_b[h["building"]] = _blank(building=h["building"], grid=h["grid"])
        g = per_g.get(h["grid"])
        if g is None:
            g = per_g[h["grid"]] = _blank(grid=h["grid"])
        r = reports.get(h["door"])
        if r is not None:
            kind = r["status"]
        elif h.get("at_home", True):
            kind = "missing"
        else:
            kind = None
        for row in (b, g, total):
            row["households"] += 1
            if h.get("at_home", True) or r is not None:
                row["expected"] += 1
            else:
                row["away"] += 1
            if kind:
                row[kind] += 1
    for r in store.table("roll", day=_day(day)).all():
        if r.get("door") or r.get("building") not in per_b:
            continue
        # a purged report: some household of its building reported; it was counted missing
        for row in (per_b[r["building"]], per_g[per_b[r["building"]]["grid"]], total):
            row[r["status"]] += 1
            if row["missing"]:
                row["missing"] -= 1
            else:
                row["away"] -= 1
                row["expected"] += 1
    grid_order = sorted(per_g, key=lambda k: (0, int(k), "") if k.isdigit() else (1, 0, k))
    return {"day": _day(day), "buildings": [per_b[k] for k in sorted(per_b)],
            "grids": [per_g[k] for k in grid_order], "total": total}


def not_reported(store: Store, day: str | dt.date | None = None, *, building: int | None = None,
                 grid: str | None = None) -> list[dict]:
    """At-home households with no report that day: door, head, masked phone."""
    reports = day_reports(store, day)
    table = store.table("households")
    if building is not None:
        houses = table.search(where("building") == int(building))
    elif grid is not None:
        houses = table.search(where("grid") == grid)
    else:
        houses = table.all()
    rows = [{"door": h["door"], "building": h["building"], "grid": h["grid"], "head": h["head"],
             "phone": mask_phone(h.get("phone"))}
            for h in houses if h.get("at_home", True) and h["door"] not in reports]
    return sorted(rows, key=lambda r: (r["building"], int(r["door"].split("-")[1])))


def report_text(store: Store, day: str | dt.date | None = None) -> str:
    """The summary as plain text lines to paste into the chat group upward."""
    s = summary(store, day)
    lines = [f"{s['day']}"]
    for g in s["grids"]:
        lines.append(i18n.t("roll.text.grid", **g))
    lines.append(i18n.t("roll.text.total", **s["total"]))
    return "\n".join(lines)


i18n.add({
    "roll.text.grid": ("网格{grid}：应报 {expected} 户，正常 {normal}，发热 {fever}，未报 {missing}",
                       "Grid {grid}: {expected} expected, {normal} normal, {fever} fever, {missing} not reported"),
    "roll.text.total": ("合计：{households} 户（外出 {away}），应报 {expected}，正常 {normal}，发热 {fever}，未报 {missing}",
                        "Total: {households} households ({away} away), {expected} expected, {normal} normal, "
                        "{fever} fever, {missing} not reported"),
})


def fever_alerts(store: Store, now: dt.datetime) -> list[alerts.Alert]:
    marked = {m["door"]: m["colour"] for m in store.table("marks").all()}
    out = []
    for r in store.table("roll", day=now.date().isoformat()).all():
        if r["status"] == "fever" and marked.get(r["door"]) not in ("red", "orange"):
            out.append(alerts.Alert(key=f"roll.fever:{now.date()}:{r['door']}",
                                    message=i18n.t("roll.fever_alert", door=r["door"])))
    return out

# -- spreadsheets: the summary per building and grid, the not-reported list ------

i18n.add({
    "roll.export.summary": ("体温日报汇总", "roll summary"),
    "roll.export.missing": ("未报名单", "not reported"),
    "roll.col.day": ("日期", "day"), "roll.col.level": ("汇总", "level"),
    "roll.col.building": ("楼号", "building"), "roll.col.grid": ("网格", "grid"),
    "roll.col.households": ("户数", "households"), "roll.col.away": ("外出", "away"),
    "roll.col.expected": ("应报", "expected"), "roll.col.normal": ("正常", "normal"),
    "roll.col.fever": ("发热", "fever"), "roll.col.missing": ("未报", "not reported"),
    "roll.col.door": ("门牌", "door"), "roll.col.head": ("户主", "head"),
    "roll.col.phone": ("电话", "phone"),
    "roll.level.building": ("楼栋", "building"), "roll.level.grid": ("网格", "grid"),
    "roll.level.total": ("合计", "total"),
})

_COUNTS = ("households", "away", "expected", "normal", "fever", "missing")
SUMMARY_COLUMNS = (Column("day", "roll.col.day"), Column("level", "roll.col.level"),
                   Column("building", "roll.col.building"), Column("grid", "roll.col.grid"),
                   *(Column(k, f"roll.col.{k}", "0") for k in _COUNTS))
MISSING_COLUMNS = (Column("day", "roll.col.day"), Column("door", "roll.col.door"),
                   Column("building", "roll.col.building"), Column("grid", "roll.col.grid"),
                   Column("head", "roll.col.head"), Column("phone", "roll.col.phone"))


def summary_table(store: Store, actor: Actor, days: list[str]) -> Table:
    """Each day's summary: one row per building, per grid, and the total."""
    houses = store.table("households").all()
    rows = []
    for day in days:
        s = summary(store, day, houses)
        for level, items in (("building", s["buildings"]), ("grid", s["grids"]),
                             ("total", [s["total"]])):
            for item in items:
                rows.append({**item, "day": s["day"], "level": i18n.t(f"roll.level.{level}")})
    return Table(i18n.t("roll.export.summary"), SUMMARY_COLUMNS, rows)


def missing_table(store: Store, actor: Actor, days: list[str]) -> Table:
    """Each day's at-home households with no report (phones masked, as on screen)."""
    rows = [{**r, "day": _day(day)} for day in days for r in not_reported(store, day)]
    return Table(i18n.t("roll.export.missing"), MISSING_COLUMNS, rows)


EXPORTS = [
    exports.Export("roll", "roll.export.summary", summary_table),
    exports.Export("not-reported", "roll.export.missing", missing_table),
]


# -- purge: a report keeps its building, grid and status, not its door -------------

PURGE = [
    purge.Rule("roll", ("door", "temp")),
]
