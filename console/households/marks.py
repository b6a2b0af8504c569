"""Key-person colour marks: red, orange, yellow, each with reason, since, review.

red = confirmed case, orange = suspected or fever, yellow = close contact in
home quarantine. Table ``marks`` holds the current mark per door; every set,
change and clear also appends one line to ``marks_history`` in the same
atomic write ("one line each, nothing lost"). Only leaders change marks.
Lists show the colour but mask the reason until a volunteer opens the record.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata

from tinydb import where

from console.core import alerts, clock, i18n, safe_text
from console.households.registry import MASK, find, mask_phone, normalise_door
from console.core.i18n import DomainError
from console.core.operators import Actor, require_leader
from console.core.store import Store
from console.core import exports, purge
from console.core.spreadsheet import Column, Table

COLOURS = ("red", "orange", "yellow")
RANK = {c: i for i, c in enumerate(COLOURS)}
Store.DAILY.add("record_views")

i18n.add({
    "marks.what": ("修改重点人员标记", "change key-person marks"),
    "marks.red": ("红", "red"),
    "marks.orange": ("橙", "orange"),
    "marks.yellow": ("黄", "yellow"),
    "marks.red.long": ("红：确诊", "red: confirmed"),
    "marks.orange.long": ("橙：疑似或发热", "orange: suspected or fever"),
    "marks.yellow.long": ("黄：密接，居家隔离", "yellow: close contact, home quarantine"),
    "marks.none": ("无", "none"),
    "marks.bad_colour": ("颜色只能是红、橙、黄。", "The colour must be red, orange or yellow."),
    "marks.no_reason": ("请写明原因。", "Write the reason."),
    "marks.long_reason": ("原因最多 60 个字。", "The reason is 60 characters at most."),
    "marks.bad_date": ("日期“{text}”看不懂，请写成 2026-03-05 或 3-5。",
                       "Cannot read date “{text}”: write 2026-03-05 or 3-5."),
    "marks.since_future": ("开始日期不能晚于今天。", "The start date cannot be after today."),
    "marks.review_past": ("复查日期 {review} 已经过去了，请选今天或以后。",
                          "The review date {review} is in the past: pick today or later."),
    "marks.review_before_since": ("复查日期不能早于开始日期。", "The review date cannot be before the start date."),
    "marks.no_mark": ("{door} 没有标记。", "{door} has no mark."),
    "marks.action.set": ("标记", "marked"),
    "marks.action.change": ("改为", "changed to"),
    "marks.action.clear": ("解除", "cleared"),
    "marks.review_due": ("{count} 个重点人员已到复查日期（最早 {door}）。",
                         "{count} key-person marks are due for review (first: {door})."),
})


def colour_name(colour: str | None, long: bool = False) -> str:
    if not colour:
        return i18n.t("marks.none")
    return i18n.t(f"marks.{colour}.long" if long else f"marks.{colour}")


def parse_date(text: str | dt.date, field: str = "review") -> dt.date:
    """2026-03-05, 2026/3/5, 3-5, 3月5日 (this year) -> date."""
    if isinstance(text, dt.date):
        return text
    raw = unicodedata.normalize("NFKC", str(text or "")).strip()
    m = re.fullmatch(r"(?:(\d{4})\s*[-/.年]\s*)?(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?", raw)
    if m:
        try:
            return dt.date(int(m[1] or clock.today().year), int(m[2]), int(m[3]))
        except ValueError:
            pass
    raise DomainError("marks.bad_date", field=field, text=raw)


def since_date(text: str | dt.date | None) -> dt.date:
    """When a mark started: a date not after today (empty: today)."""
    day = parse_date(text or clock.today(), "since")
    if day > clock.today():
        raise DomainError("marks.since_future", field="since")
    return day


def review_date(text: str | dt.date) -> dt.date:
    """When a mark is to be looked at again: today or later."""
    day = parse_date(text, "review")
    if day < clock.today():
        raise DomainError("marks.review_past", field="review", review=day.isoformat())
    return day


def check_mark(colour: str, reason: str, since: str | dt.date, review: str | dt.date
               ) -> tuple[str, str, dt.date, dt.date]:
    """Validated (colour, reason, since, review) or a DomainError for its field."""
    if colour not in COLOURS:
        raise DomainError("marks.bad_colour", field="colour")
    reason = safe_text.line(reason)
    if not reason:
        raise DomainError("marks.no_reason", field="reason")
    if len(reason) > 60:
        raise DomainError("marks.long_reason", field="reason")
    since_d = since_date(since)
    review_d = review_date(review)
    if review_d < since_d:
        raise DomainError("marks.review_before_since", field="review")
    return colour, reason, since_d, review_d


def set_mark(store: Store, actor: Actor, door: str, colour: str, reason: str,
             review: str | dt.date, since: str | dt.date | None = None) -> dict:
    """Mark a household (or change its mark); leaders only; logged."""
    require_leader(store, actor, "marks.what")
    colour, reason, since_d, review_d = check_mark(colour, reason, since, review)
    house = find(store, door)
    doc = {"door": house["door"], "building": house["building"], "grid": house["grid"],
           "colour": colour, "reason": reason, "since": since_d.isoformat(),
           "review": review_d.isoformat(), "by": actor.name}
    with store.transaction("marks", "marks_history") as tx:
        marks = tx.table("marks")
        old = marks.get(where("door") == doc["door"])
        if old is None:
            marks.insert(doc)
        else:
            marks.update(doc, doc_ids=[old.doc_id])
        tx.table("marks_history").insert({**doc, "action": "set" if old is None else "change",
                                          "before": old.get("colour") if old else None,
                                          "at": clock.stamp()})
    return doc


def clear_mark(store: Store, actor: Actor, door: str, reason: str) -> None:
    """Lift a mark (treated, observation over, quarantine finished); logged."""
    require_leader(store, actor, "marks.what")
    key = normalise_door(door)
    reason = safe_text.line(reason)
    if not reason:
        raise DomainError("marks.no_reason", field="reason")
    with store.transaction("marks", "marks_history") as tx:
        marks = tx.table("marks")
        old = marks.get(where("door") == key)
        if old is None:
            raise DomainError("marks.no_mark", field="door", door=key)
        marks.remove(doc_ids=[old.doc_id])
        tx.table("marks_history").insert({
            "door": key, "building": old["building"], "grid": old["grid"], "colour": None,
            "before": old["colour"], "reason": reason, "since": old["since"],
            "review": old["review"], "by": actor.name, "action": "clear", "at": clock.stamp()})


def current(store: Store) -> dict[str, dict]:
    """Current marks keyed by door."""
    return {m["door"]: m for m in store.table("marks").all()}


def key_persons(store: Store, *, masked: bool = True) -> list[dict]:
    """Current marks sorted by colour (red first) then review date, with the
    household's head and phone; reason and phone masked unless ``masked`` is
    False (an opened record)."""
    houses = {h["door"]: h for h in store.table("households").all()}
    today = clock.today().isoformat()
    out = []
    for m in store.table("marks").all():
        h = houses.get(m["door"], {})
        out.append({
            "door": m["door"], "colour": m["colour"], "since": m["since"], "review": m["review"],
            "due": m["review"] <= today, "head": h.get("head", ""), "by": m.get("by", ""),
            "phone": mask_phone(h.get("phone")) if masked else h.get("phone", ""),
            "reason": MASK if masked else m["reason"], "building": m["building"],
            "grid": m["grid"]})
    out.sort(key=lambda r: (RANK[r["colour"]], r["review"], r["building"], r["door"]))
    return out


def history(store: Store, door: str | None = None) -> list[dict]:
    """Every mark change, oldest first (one line each)."""
    table = store.table("marks_history")
    rows = table.search(where("door") == normalise_door(door)) if door else table.all()
    return sorted(rows, key=lambda r: (r["at"], r.doc_id))


def open_record(store: Store, actor: Actor, door: str) -> dict:
    """The full household record (phone, mark reason, history) for one
    volunteer who opened it; the opening is logged (table ``record_views``)."""
    record = read_record(store, door)
    store.table("record_views", day=True).insert(
        {"door": record["door"], "by": actor.name, "at": clock.stamp()})
    return record


def read_record(store: Store, door: str) -> dict:
    """The full record again, for a record already opened (not logged twice)."""
    house = dict(find(store, door))
    mark = store.table("marks").get(where("door") == house["door"])
    return {**house, "mark": dict(mark) if mark else None,
            "history": [dict(r) for r in history(store, house["door"])]}


def review_alerts(store: Store, now: dt.datetime) -> list[alerts.Alert]:
    due = [m for m in key_persons(store) if m["review"] <= now.date().isoformat()]
    if not due:
        return []
    return [alerts.Alert(key=f"marks.review:{now.date()}:{len(due)}",
                         message=i18n.t("marks.review_due", count=len(due), door=due[0]["door"]))]

# -- spreadsheet: the key-person list ---------------------------------------------

i18n.add({
    "marks.export.title": ("重点人员", "key persons"),
    "marks.col.door": ("门牌", "door"), "marks.col.building": ("楼号", "building"),
    "marks.col.grid": ("网格", "grid"), "marks.col.colour": ("颜色", "colour"),
    "marks.col.since": ("开始", "since"), "marks.col.review": ("复查", "review"),
    "marks.col.due": ("已到复查", "review due"), "marks.col.head": ("户主", "head"),
    "marks.col.phone": ("电话", "phone"), "marks.col.reason": ("原因", "reason"),
    "marks.col.by": ("标记人", "marked by"),
})

KEY_PERSON_COLUMNS = tuple(Column(k, f"marks.col.{k}") for k in (
    "door", "building", "grid", "colour", "since", "review", "due", "head", "phone", "reason", "by"))


def key_person_table(store: Store, actor: Actor, days: list[str]) -> Table:
    """The key-person list as on screen; phones and reasons in full only when a
    leader exports it (every export is recorded, so the audit trail has it)."""
    try:
        require_leader(store, actor, "marks.export.title")
        masked = False
    except DomainError:
        masked = True
    rows = [{**r, "colour": colour_name(r["colour"], long=True)}
            for r in key_persons(store, masked=masked)]
    return Table(i18n.t("marks.export.title"), KEY_PERSON_COLUMNS, rows)


EXPORTS = [
    exports.Export("key-persons", "marks.export.title", key_person_table, dated=False),
]


# -- purge: marks not changed since the date go; their history loses the door --------

PURGE = [
    purge.Rule("marks", ("door", "reason", "colour"), remove=True,
               day=lambda r: purge.last_change(r, "since", "_upd_at", "_at")),
    purge.Rule("marks_history", ("door", "reason", "before"), day=lambda r: r.get("at", "")),
    purge.Rule("record_views", ("door",)),
]
