"""The gate log and the gates (story 1: one open gate of seven).

Every arrival at a gate is one entry in the daily table ``checkpoint``
(``checkpoint/2026-03-05.json``)::

    {at, name, phone, door, org, direction, purpose, purpose_note, outcome,
     temp, fever, plate, note, gate, shift, by}   (+ _at/_by stamps)

``door`` is a household from the registry; an outsider has ``door`` empty and
an organisation in ``org`` (optional). Pass scans from the errands tab write
entries of the same shape with outcome ``allowed_with_pass`` and a ``pass``.

An entry redirected to proxy purchase writes a purchase request (table
``purchase_requests``, the Purchases tab's shape and numbering) in the same
transaction, so neither exists without the other.

Every entry is logged under its volunteer's shift at that gate (taken over
if someone else's is open): shifts and handover are ``checkpoint.shifts``.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from functools import lru_cache
from typing import Any

from console.checkpoint import gates, rules as gate_rules, shifts
from console.checkpoint.codes import (  # noqa: F401  (FORM_PURPOSES, PASS, recent_days: gate.X for callers)
    DIRECTIONS, FORM_PURPOSES, OUTCOMES, PASS, PURPOSES, REDIRECTED, clean as _clean, recent_days)
from console.checkpoint.tallies import day_rows
from console.core import clock, exports, i18n, names, phones, purge, temperature
from console.core.cache import cached
from console.core.i18n import DomainError
from console.core.operators import Actor, current
from console.core.spreadsheet import Column, Table
from console.core.store import Store
from console.core.temperature import is_fever
from console.households import registry as households
from console.purchases import orders as purchases

TEMP_MIN, TEMP_MAX = temperature.LOW, temperature.HIGH
PAGE = 200


i18n.add({
    "checkpoint.dir.in": ("进", "in"),
    "checkpoint.dir.out": ("出", "out"),
    "checkpoint.dir.attempt": ("闯卡", "attempt"),
    "checkpoint.purpose.buy": ("购物", "shopping"),
    "checkpoint.purpose.deliver": ("送货", "deliver"),
    "checkpoint.purpose.work": ("复工生产", "work"),
    "checkpoint.purpose.medical": ("就医", "medical"),
    "checkpoint.purpose.home": ("回家", "home"),
    "checkpoint.purpose.other": ("其他", "other"),
    "checkpoint.purpose.errand": ("外出办事", "errand"),
    "checkpoint.outcome.turned_away": ("劝返", "turned away"),
    "checkpoint.outcome.allowed": ("放行", "allowed"),
    "checkpoint.outcome.redirected": ("转代购", "proxy buy"),
    "checkpoint.outcome.allowed_with_pass": ("凭证放行", "pass"),
    "checkpoint.need_name": ("请填写姓名或单位。", "Enter a name or an organisation."),
    "checkpoint.bad_choice": ("请选择{what}。", "Pick the {what}."),
    "checkpoint.what.direction": ("方向", "direction"),
    "checkpoint.what.purpose": ("事由", "purpose"),
    "checkpoint.what.outcome": ("处理结果", "outcome"),
    "checkpoint.need_purpose_note": ("事由选“其他”时请写明。", "Say what the other purpose is."),
    "checkpoint.bad_plate": ("车牌看不懂，例如 鄂A12345。", "Cannot read the plate, e.g. 鄂A12345."),
    "checkpoint.repeat_today": ("今天已来过 {n} 次（上次 {time} {outcome}）",
                                "Came {n}× today (last {time}, {outcome})"),
    "checkpoint.repeat_turned": ("此前被劝返 {n} 次（最近 {day}）",
                                 "Turned away {n}× before (last {day})"),
    "checkpoint.request_note": ("卡口转代购：{purpose}", "Redirected at the gate: {purpose}"),
    "checkpoint.csv.at": ("时间", "time"),
    "checkpoint.csv.no": ("序号", "no"),
    "checkpoint.csv.gate": ("卡口", "gate"),
    "checkpoint.csv.name": ("姓名", "name"),
    "checkpoint.csv.phone": ("电话", "phone"),
    "checkpoint.csv.door": ("门牌", "door"),
    "checkpoint.csv.org": ("单位", "organisation"),
    "checkpoint.csv.direction": ("方向", "direction"),
    "checkpoint.csv.purpose": ("事由", "purpose"),
    "checkpoint.csv.purpose_note": ("事由说明", "purpose note"),
    "checkpoint.csv.outcome": ("处理结果", "outcome"),
    "checkpoint.csv.temp": ("体温", "temperature"),
    "checkpoint.csv.fever": ("发热", "fever"),
    "checkpoint.csv.plate": ("车牌", "plate"),
    "checkpoint.csv.note": ("备注", "note"),
    "checkpoint.csv.by": ("登记人", "logged by"),
    "checkpoint.csv.pass": ("通行证", "pass"),
    "checkpoint.export_title": ("卡口登记", "gate log"),
    "checkpoint.csv.override": ("组长放行理由", "leader override"),
    "checkpoint.csv.correction": ("更正", "correction"),
    "checkpoint.csv.annuls": ("作废第 {id} 条：{reason}", "annuls entry {id}: {reason}"),
    "checkpoint.csv.fixes": ("更正第 {id} 条：{reason}", "fixes entry {id}: {reason}"),
    "checkpoint.bad_day": ("日期应为 YYYY-MM-DD，例如 2026-03-05。", "A day is YYYY-MM-DD, e.g. 2026-03-05."),
})

_PLATE = re.compile(r"[\u4e00-\u9fffA-Z0-9]{5,9}")
_DOORISH = re.compile(r"[\d\s\-－—#/]+")


def label(kind: str, code: str) -> str:
    """Translated label of a direction / purpose / outcome code."""
    key = f"checkpoint.{kind}.{code}"
    try:
        return i18n.t(key)
    except KeyError:
        return code


# -- validation ---------------------------------------------------------------

def normalise_phone(text: str) -> str:
    """'138 0000 1234' / full-width -> '13800001234'; '' stays ''; else DomainError."""
    return phones.normalise(text)


def parse_temp(text: Any) -> float | None:
    """'36.8' -> 36.8; '' -> None; outside the one readable range -> DomainError."""
    return temperature.parse(text)


def split_door_or_org(store: Store, text: str) -> tuple[str, str, dict | None]:
    """The 'door or organisation' field -> (door, org, household).

    Text that reads as a door must be in the registry; text made only of
    digits and separators is a mistyped door; anything else is an outsider's
    organisation.
    """
    text = _clean(text, field="door")
    if not text:
        return "", "", None
    try:
        door = households.normalise_door(text)
    except DomainError:
        if _DOORISH.fullmatch(text):
            raise
        return "", text, None
    return door, "", households.find(store, door)


def validate(store: Store, fields: dict) -> dict:
    """A clean entry from form values, or DomainError naming the field."""
    name = _clean(fields.get("name"), 20, "name")
    phone = normalise_phone(fields.get("phone", ""))
    if fields.get("door") or not fields.get("org"):
        door, org, _ = split_door_or_org(store, fields.get("door", "") or "")
    else:
        door, org = "", _clean(fields.get("org"), field="door")
    if not name and not org:
        raise DomainError("checkpoint.need_name", field="name")
    for kind, allowed in (("direction", DIRECTIONS), ("purpose", PURPOSES), ("outcome", OUTCOMES)):
        if fields.get(kind) not in allowed:
            raise DomainError("checkpoint.bad_choice", field=kind,
                              what=i18n.t(f"checkpoint.what.{kind}"))
    purpose_note = _clean(fields.get("purpose_note"), field="purpose_note")
    if fields["purpose"] == "other" and not purpose_note:
        raise DomainError("checkpoint.need_purpose_note", field="purpose_note")
    temp = parse_temp(fields.get("temp"))
    plate = _clean(fields.get("plate"), 10, "plate").replace(" ", "").upper()
    if plate and not _PLATE.fullmatch(plate):
        raise DomainError("checkpoint.bad_plate", field="plate")
    return {"name": name, "phone": phone, "door": door, "org": org,
            "direction": fields["direction"], "purpose": fields["purpose"],
            "purpose_note": purpose_note, "outcome": fields["outcome"], "temp": temp,
            "fever": is_fever(temp), "plate": plate, "note": _clean(fields.get("note"), 80, "note")}


def verdict_for(store: Store, fields: dict) -> gate_rules.Decision:
    """The gate rules' answer for the form as typed so far (for the line
    under the form; half-typed fields count as empty). Cheap enough for
    every keystroke: the registry and the log are read through caches."""
    try:
        door = households.normalise_door(fields.get("door") or "")
    except DomainError:
        door = ""
    homes = cached(store, "households", lambda: set(households.by_door(store)))
    org = "" if door in homes else " ".join(unicodedata.normalize(
        "NFKC", str(fields.get("door") or fields.get("org") or "")).split())
    try:
        temp = parse_temp(fields.get("temp"))
    except DomainError:
        temp = None
    try:
        phone = normalise_phone(fields.get("phone", ""))
    except DomainError:
        phone = ""
    name = " ".join(unicodedata.normalize("NFKC", str(fields.get("name") or "")).split())
    return gate_rules.decide(store, direction=fields.get("direction") or "",
                             door=door if door in homes else "", name=name, phone=phone,
                             org="" if door else org, temp=temp)


# -- the log ------------------------------------------------------------------

def log_entry(store: Store, actor: Actor, gate: str, fields: dict) -> dict:
    """Validate and save one arrival at ``gate`` today; returns the entry
    (with ``id`` and ``day``; ``request`` when redirected to proxy purchase).

    The gate rules are checked inside the write, on the log as it is then:
    letting a denied person through needs a leader and a reason
    (``fields["override"]``), stored on the entry."""
    actor = current(store, actor)  # a leader's override needs the role they have now
    entry = validate(store, fields)
    gates.check_gate(store, gate)
    now = clock.now()
    day = now.date().isoformat()
    shift = shifts.open_shift(store, actor, gate)  # logged under the actor's own shift (taken over)
    entry.update({"at": now.isoformat(), "gate": gate, "by": actor.name,
                  "shift": shift["id"] if shift else None})
    redirected = entry["outcome"] == REDIRECTED
    # purchase_requests first: its file keeps the request counter (purchases.next_number)
    tables = (purchases.REQUESTS, ("checkpoint", day)) if redirected else (("checkpoint", day),)
    with store.transaction(*tables) as tx:
        log = tx.table("checkpoint", day)
        decision = gate_rules.decide(
            store, direction=entry["direction"], door=entry["door"], name=entry["name"],
            phone=entry["phone"], org=entry["org"], temp=entry["temp"], now=now)
        override = gate_rules.enforce(decision, entry["outcome"], actor, fields.get("override"))
        if decision.kind != "none":
            entry["rule"] = decision.record()
        if override:
            entry["override"] = override
        entry_id = log.insert(entry)
        took = {"took_over": shift["took_over"]} if shift.get("took_over") else {}
        if not redirected:
            return {**entry, "id": entry_id, "day": day, **took}
        phone = entry["phone"]
        if not phone and entry["door"]:
            phone = households.find(store, entry["door"]).get("phone", "")
        note = i18n.t("checkpoint.request_note", purpose=label("purpose", entry["purpose"]))
        request = {"door": entry["door"], "person": entry["name"] or entry["org"], "phone": phone,
                   "org": entry["org"], "status": "new", "note": (entry["note"] or note),
                   "source": {"checkpoint": day, "id": entry_id}, "lines": [],
                   "no": purchases.next_number(tx), "run": None, "budget_fen": None,
                   "ordered_at": None, "paid_fen": None, "delivery": {}, "settlement": None,
                   "at": entry["at"], "by": actor.name}
        request_id = tx.table(purchases.REQUESTS).insert(request)
    return {**entry, "id": entry_id, "day": day, "request": {**request, "id": request_id}, **took}


def entries(store: Store, day: str | None = None) -> list[dict]:
    """A day's entries, oldest first, each with its ``id`` (number in the day)."""
    return [{**e, "id": e.doc_id} for e in store.table("checkpoint", day or True).all()]


@lru_cache(maxsize=64)
def _as_door(text: str) -> str:
    try:
        return households.normalise_door(text)
    except DomainError:
        return ""


def matches(entry: dict, outcome: str | None = None, purpose: str | None = None,
            text: str = "") -> bool:
    """Does an entry pass the log's filters? ``text`` that reads as a door
    (5-302, 5栋302, 五栋三零二) finds that household exactly (not 15-302);
    other text is looked for in name, phone, door, org, plate and notes."""
    if outcome and entry.get("outcome") != outcome:
        return False
    if purpose and entry.get("purpose") != purpose:
        return False
    if text:
        door = _as_door(text)
        if door:
            return entry.get("door") == door
        hay = " ".join(str(entry.get(k) or "") for k in
                       ("name", "phone", "door", "org", "plate", "note", "purpose_note", "by"))
        return text.lower() in hay.lower() or names.matches(entry.get("name") or "", text)
    return True


def page_of(store: Store, day: str | None = None, outcome: str | None = None,
            purpose: str | None = None, text: str = "", page: int = 0,
            size: int = PAGE) -> tuple[list[dict], int, int]:
    """(entries on ``page``, newest first; matching count; page count)."""
    text = unicodedata.normalize("NFKC", text or "").strip()
    log = day_rows(store, day)  # shared: only the page's rows are copied
    rows = [e for e in log.rows if matches(e, outcome, purpose, text)]
    rows.reverse()
    pages = max(1, -(-len(rows) // size))
    page = min(max(page, 0), pages - 1)
    fixes = log.fixes
    return ([{**e, "corrected_by": dict(fixes[e["id"]])} if e["id"] in fixes else dict(e)
             for e in rows[page * size:(page + 1) * size]], len(rows), pages)


def requests(store: Store, status: str | None = None) -> list[dict]:
    """Purchase requests made at the gate, newest first."""
    return purchases.from_gate(store, status)


# -- export -------------------------------------------------------------------

def check_day(day: str) -> str:
    try:
        return dt.date.fromisoformat(str(day)).isoformat()
    except ValueError:
        raise DomainError("checkpoint.bad_day", field="day") from None


GATE_LOG = (Column("no", "checkpoint.csv.no", "0"), Column("at", "checkpoint.csv.at"),
            Column("gate", "checkpoint.csv.gate"), Column("name", "checkpoint.csv.name"),
            Column("phone", "checkpoint.csv.phone"), Column("door", "checkpoint.csv.door"),
            Column("org", "checkpoint.csv.org"), Column("direction", "checkpoint.csv.direction"),
            Column("purpose", "checkpoint.csv.purpose"),
            Column("purpose_note", "checkpoint.csv.purpose_note"),
            Column("outcome", "checkpoint.csv.outcome"), Column("temp", "checkpoint.csv.temp", "0.0"),
            Column("fever", "checkpoint.csv.fever"), Column("pass", "checkpoint.csv.pass"),
            Column("plate", "checkpoint.csv.plate"), Column("note", "checkpoint.csv.note"),
            Column("by", "checkpoint.csv.by"), Column("override", "checkpoint.csv.override"),
            Column("correction", "checkpoint.csv.correction"))


def gate_log(store: Store, actor: Actor, days: list[str]) -> Table:
    """The gate log of the given days, oldest first, as a spreadsheet table."""
    rows = []
    for day in days:
        for e in entries(store, check_day(day)):
            rows.append({
                **{k: e.get(k, "") for k in ("gate", "name", "phone", "door", "org",
                                             "purpose_note", "plate", "note", "by")},
                "no": e["id"], "at": str(e.get("at", ""))[:19].replace("T", " "),
                "direction": label("dir", e.get("direction", "")),
                "purpose": label("purpose", e.get("purpose", "")),
                "outcome": label("outcome", e.get("outcome", "")), "temp": e.get("temp"),
                "fever": is_fever(e.get("temp")), "pass": e.get("pass") or "",
                "override": f"{e['override']['by']}: {e['override']['reason']}"
                if e.get("override") else "",
                "correction": i18n.t(
                    f"checkpoint.csv.{'annuls' if e['correction'] == 'annul' else 'fixes'}",
                    id=e["corrects"], reason=e.get("reason", "")) if e.get("correction") else ""})
    return Table(i18n.t("checkpoint.export_title"), GATE_LOG, rows)


EXPORTS = [exports.Export("checkpoint", "checkpoint.export_title", gate_log)]


# -- purge: what is personal in the gate log ---------------------------------------

PURGE = [
    purge.Rule("checkpoint", ("name", "phone", "door", "plate", "note", "purpose_note", "reason",
                              "override", "rule")),
]
