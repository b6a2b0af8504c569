"""Standing passes: the household pass (居民出入证) and the work pass (单位工作证明).

Besides one-off errand passes, the 2020 notices describe two passes that
stay valid:

- a **household pass**: any member of the household goes out and back on
  it, within the household's out-quota; valid until revoked or until a
  date;
- a **work pass**: one named person who must go to work, valid N days, out
  and back in once a day within set hours.

Both use the errand pass's signed digit code (``kind`` 3 and 4; the code's
window is open, the record says from and until) and the same slip; a
reprint bumps the generation so older slips read "replaced", a revoke
stops the pass at once. Records live in the table ``standing_passes``;
what a scan means at the gate (out or back, marks, quota, once a day) is
decided by :mod:`console.gate_scan`. Leaders issue, reprint and revoke.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata

from tinydb import where

from console.core import clock, i18n
from console.households import registry as households
from console.errands import keys, passes
from console.core.i18n import DomainError
from console.households.marks import parse_date
from console.core.operators import Actor, require_leader
from console.core.store import Store
from console.core import purge

TABLE = passes.STANDING_TABLE
KINDS = {"household": passes.KIND_HOUSEHOLD_PASS, "commuter": passes.KIND_COMMUTER_PASS}
MAX_DAYS = 90
DEFAULT_HOURS = ("07:00", "19:00")

i18n.add({
    "standing.kind.household": ("居民出入证", "household pass"),
    "standing.kind.commuter": ("单位工作证明", "work pass"),
    "standing.what.issue": ("发放出入证", "issue standing passes"),
    "standing.what.revoke": ("撤销出入证", "revoke standing passes"),
    "standing.end_before_start": ("结束日期 {until} 早于开始日期 {start}。",
                                  "The end date {until} is before the start {start}."),
    "standing.start_past": ("开始日期不能早于今天。", "The start date cannot be before today."),
    "standing.bad_days": ("有效天数应为 1 到 {n} 天。", "Valid for 1 to {n} days."),
    "standing.bad_hours": ("通行时段“{text}”看不懂，请写成 07:00-19:00。",
                           "Cannot read the hours “{text}”: write 07:00-19:00."),
    "standing.need_person": ("请填写持证人姓名。", "Enter the holder's name."),
    "standing.need_org": ("请填写工作单位。", "Enter the workplace."),
    "standing.long": ("太长了（最多 {n} 个字）。", "Too long (at most {n} characters)."),
    "standing.need_reason": ("请写明撤销理由。", "Give the reason for revoking it."),
    "standing.unknown": ("没有编号为 {number} 的出入证。", "There is no standing pass {number}."),
    "standing.revoked_already": ("出入证 {number} 已经撤销了。", "Standing pass {number} is already revoked."),
    "standing.members": ("本户成员（户主 {head}，{members} 人）", "Household members (head {head}, {members})"),
    "standing.state.active": ("有效", "active"),
    "standing.state.revoked": ("已撤销", "revoked"),
    "standing.state.expired": ("已过期", "expired"),
    "standing.state.not_yet": ("未开始", "not yet valid"),
})

_HOURS = re.compile(r"(\d{1,2}):?(\d{2})\s*[-–~至到]\s*(\d{1,2}):?(\d{2})")


def parse_hours(text: str) -> tuple[str, str]:
    """'07:00-19:00', '7:00~19:00', '0700-1900' -> ('07:00', '19:00')."""
    raw = unicodedata.normalize("NFKC", str(text or "")).strip()
    m = _HOURS.fullmatch(raw)
    try:
        if not m:
            raise ValueError
        a, b = dt.time(int(m[1]), int(m[2])), dt.time(int(m[3]), int(m[4]))
    except ValueError:
        raise DomainError("standing.bad_hours", field="hours", text=raw) from None
    if b <= a:
        raise DomainError("standing.bad_hours", field="hours", text=raw)
    return a.strftime("%H:%M"), b.strftime("%H:%M")


def _text(value, n: int, fieldname: str) -> str:
    out = " ".join(unicodedata.normalize("NFKC", str(value or "")).split())
    if len(out) > n:
        raise DomainError("standing.long", field=fieldname, n=n)
    return out


def _dates(start, until) -> tuple[dt.date, dt.date | None]:
    today = clock.today()
    start_d = parse_date(start, "start") if start else today
    if start_d < today:
        raise DomainError("standing.start_past", field="start")
    until_d = parse_date(until, "until") if until else None
    if until_d is not None and until_d < start_d:
        raise DomainError("standing.end_before_start", field="until",
                          until=until_d.isoformat(), start=start_d.isoformat())
    return start_d, until_d


def status(record: dict, today: dt.date | None = None) -> str:
    """active / revoked / expired / not_yet, from the record and the date."""
    today = (today or clock.today()).isoformat()
    if record["state"] == "revoked":
        return "revoked"
    if record.get("until") and today > record["until"]:
        return "expired"
    if today < record["start"]:
        return "not_yet"
    return "active"


def _code(store: Store, record: dict, number: int, gen: int) -> dict:
    key = keys.current_key(store)
    start = dt.datetime.combine(dt.date.fromisoformat(record["start"]), dt.time(),
                                clock.now().tzinfo)
    fields = passes.PassFields(key_id=key.key_id, number=number, generation=gen,
                               kind=KINDS[record["pass_kind"]], valid_from=start, minutes=0,
                               escort=False)
    return {"pass_no": number, "pass_gen": gen, "pass_key": key.key_id,
            "code": passes.encode(fields, key.secret)}


def _event(actor: Actor, event: str, note: str = "") -> dict:
    return {"at": clock.stamp(), "event": event, "by": actor.name, **({"note": note} if note else {})}


def _issue(store: Store, actor: Actor, record: dict) -> dict:
    record.update({"state": "active", "issued_by": actor.name, "issued_at": clock.stamp(),
                   "reason": "", "escort": "", "history": [_event(actor, "issued")]})
    with store.transaction(TABLE) as tx:
        number = tx.next_number("standing")
        record.update({"number": number, **_code(store, record, number, 1)})
        tx.table(TABLE).insert(record)
    return record


def issue_household(store: Store, actor: Actor, door: str, until="", start="") -> dict:
    """A household pass for ``door``, from ``start`` (today) until ``until``
    (empty: until revoked)."""
    require_leader(store, actor, "standing.what.issue")
    house = households.find(store, door)
    start_d, until_d = _dates(start, until)
    window = f"{start_d} – {until_d}" if until_d else f"{start_d} –"
    return _issue(store, actor, {
        "pass_kind": "household", "door": house["door"], "org": "", "person": house["head"],
        "phone": house.get("phone", ""),
        "purpose": i18n.both("standing.members", head=house["head"], members=house.get("members", "")),
        "start": start_d.isoformat(), "until": until_d.isoformat() if until_d else "",
        "hours": [], "window": window})


def issue_commuter(store: Store, actor: Actor, door: str, person: str, org: str, days,
                   hours: str = "-".join(DEFAULT_HOURS), start="") -> dict:
    """A work pass for ``person`` of ``door`` working at ``org``: ``days``
    days from ``start``, out and back once a day within ``hours``."""
    require_leader(store, actor, "standing.what.issue")
    house = households.find(store, door)
    person = _text(person, 20, "person")
    if not person:
        raise DomainError("standing.need_person", field="person")
    org = _text(org, 40, "org")
    if not org:
        raise DomainError("standing.need_org", field="org")
    try:
        n = int(str(days).strip())
    except ValueError:
        n = 0
    if not 1 <= n <= MAX_DAYS:
        raise DomainError("standing.bad_days", field="days", n=MAX_DAYS)
    span = parse_hours(hours)
    start_d, _ = _dates(start, "")
    until_d = start_d + dt.timedelta(days=n - 1)
    return _issue(store, actor, {
        "pass_kind": "commuter", "door": house["door"], "org": org, "person": person,
        "phone": "", "purpose": org, "start": start_d.isoformat(),
        "until": until_d.isoformat(), "hours": list(span),
        "window": f"{start_d} – {until_d} {'–'.join(span)}"})


def get(store: Store, number: int) -> dict:
    row = store.table(TABLE).get(where("number") == int(number))
    if row is None:
        raise DomainError("standing.unknown", number=number)
    return row


def listing(store: Store) -> list[dict]:
    """Every standing pass, newest first."""
    return sorted(store.table(TABLE).all(), key=lambda r: -r["number"])


def _change(store: Store, number: int, change) -> dict:
    with store.transaction(TABLE) as tx:
        table = tx.table(TABLE)
        row = table.get(where("number") == int(number))
        if row is None:
            raise DomainError("standing.unknown", number=number)
        upd = change(dict(row))
        upd["history"] = [*row.get("history", []), upd.pop("_event")]
        table.update(upd, doc_ids=[row.doc_id])
        return dict(table.get(doc_id=row.doc_id))


def reprint(store: Store, actor: Actor, number: int) -> dict:
    """A new slip; earlier slips read "replaced"."""
    require_leader(store, actor, "standing.what.issue")

    def change(row: dict) -> dict:
        if row["state"] == "revoked":
            raise DomainError("standing.revoked_already", number=number)
        gen = row["pass_gen"] + 1
        return {**_code(store, row, row["number"], gen), "issued_by": actor.name,
                "issued_at": clock.stamp(), "_event": _event(actor, "reprinted", f"g{gen}")}
    return _change(store, number, change)


def revoke(store: Store, actor: Actor, number: int, reason: str) -> dict:
    """Stop the pass now: its next scan reads "revoked"."""
    require_leader(store, actor, "standing.what.revoke")
    reason = _text(reason, 80, "reason")
    if not reason:
        raise DomainError("standing.need_reason", field="reason")

    def change(row: dict) -> dict:
        if row["state"] == "revoked":
            raise DomainError("standing.revoked_already", number=number)
        return {"state": "revoked", "reason": reason, "revoked_by": actor.name,
                "revoked_at": clock.stamp(), "_event": _event(actor, "revoked", reason)}
    return _change(store, number, change)


# -- purge: standing passes that ended ------------------------------------------------

PURGE = [
    purge.Rule(TABLE, ("person", "phone", "door", "purpose", "reason", "code", "window"),
               day=lambda r: purge.last_change(r, "until", "revoked_at", "history")
               if r.get("state") == "revoked" or r.get("until") else "",
               events="history"),
]
