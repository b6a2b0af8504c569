"""Errand requests and their approval state machine.

Story 1: a company needed sugar from a closed market street; instead of
opening the gate, the proxy-buying volunteer escorted its person to a
supermarket. An errand is that exception done right: requested by any
volunteer for a household (by door) or an organisation, approved or rejected
with a reason by a leader, given a printed pass, scanned OUT and back IN at
the gate.

Stored states::

    requested -> approved -> issued -> out -> back -> closed
             \\-> rejected ------------------------/
    approved / issued / out -> revoked (leader, with a reason)

Two more are read from the clock, never stored: ``expired`` (approved or
issued, never went out, window over) and ``overdue`` (out and not back by
the end of the window plus :data:`console.passes.GRACE`). Every transition is
one locked write, stamped and audited by the store, and appended to the
errand's ``history``.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata

from tinydb import where

from console.core import clock, i18n, operators, phones, safe_text
from console.core.alerts import Alert
from console.core.i18n import DomainError
from console.core.operators import Actor, require_leader
from console.core.store import Store
from console.errands import keys, passes
from console.households import mark_rules, registry as households
from console.core import purge

MAX_HOURS = 24
STATES = ("requested", "approved", "rejected", "issued", "out", "back", "closed", "revoked")
SHOWN = ("requested", "approved", "issued", "out", "overdue", "back", "expired",
         "rejected", "revoked", "closed")

i18n.add({
    "errands.state.requested": ("待审批", "requested"),
    "errands.state.approved": ("已批准", "approved"),
    "errands.state.rejected": ("已驳回", "rejected"),
    "errands.state.issued": ("已发证", "pass issued"),
    "errands.state.out": ("已外出", "out"),
    "errands.state.back": ("已返回", "back"),
    "errands.state.closed": ("已结束", "closed"),
    "errands.state.revoked": ("已撤销", "revoked"),
    "errands.state.expired": ("已过期", "expired"),
    "errands.state.overdue": ("超时未归", "overdue"),
    "errands.what.approve": ("审批外出", "approve errands"),
    "errands.what.reject": ("驳回外出", "reject errands"),
    "errands.what.revoke": ("撤销通行证", "revoke passes"),
    "errands.need_person": ("请填写外出人姓名。", "Enter the person's name."),
    "errands.need_purpose": ("请填写外出事由。", "Enter the purpose."),
    "errands.need_requester": ("请填写门牌号或单位名称（二选一）。",
                               "Enter a door number or an organisation (one of them)."),
    "errands.both_requester": ("门牌号和单位只能填一个。",
                               "Enter a door number or an organisation, not both."),
    "errands.bad_time": ("时间“{text}”看不懂，请输入 14:30 或 03-05 14:30。",
                         "Cannot read time “{text}”: type 14:30 or 03-05 14:30."),
    "errands.window_order": ("结束时间必须晚于开始时间。", "The window must end after it starts."),
    "errands.window_past": ("结束时间已经过去了。", "The window's end is already past."),
    "errands.window_long": ("外出时间最长 {hours} 小时。", "An errand lasts at most {hours} hours."),
    "errands.bad_escort": ("陪同人 {name} 不在名单上。", "Escort {name} is not on the roster."),
    "errands.need_reason": ("请写明理由。", "Give a reason."),
    "errands.unknown": ("没有编号为 {number} 的外出申请。", "There is no errand number {number}."),
    "errands.bad_state": ("外出申请 {number} 现在是“{state}”，不能{action}。",
                          "Errand {number} is {state}: cannot {action}."),
    "errands.denied_mark": ("{door} 是重点人员户：{message}（{instruction}）。确要批准请写明理由。",
                            "{door} is a key-person household: {message} ({instruction}). "
                            "Approve only with a reason."),
    "errands.action.approve": ("批准", "approve it"),
    "errands.action.reject": ("驳回", "reject it"),
    "errands.action.issue": ("打印通行证", "print its pass"),
    "errands.action.revoke": ("撤销", "revoke it"),
    "errands.action.close": ("结束", "close it"),
    "errands.overdue_alert": ("外出超时未归：{number} 号 {person}（{where}），应于 {end} 前返回",
                              "Overdue errand {number}: {person} ({where}) was due back by {end}"),
})


# -- reading --
def when(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text)


def status(errand: dict, now: dt.datetime | None = None) -> str:
    """The state to show: stored state, or expired / overdue from the clock."""
    now = now or clock.now()
    state = errand["state"]
    end = when(errand["end"])
    if state in ("approved", "issued") and now >= end:
        return "expired"
    if state == "out" and now > end + passes.GRACE:
        return "overdue"
    return state


def state_label(state: str) -> str:
    return i18n.t(f"errands.state.{state}")


def get(store: Store, number: int) -> dict:
    row = store.table("errands").get(where("number") == int(number))
    if row is None:
        raise DomainError("errands.unknown", number=number)
    return row


def by_number(store: Store, numbers: set[int]) -> dict[int, dict]:
    """The errands numbered ``numbers`` (those that exist), by number: one look through the table."""
    if not numbers:
        return {}
    return {e["number"]: e for e in store.table("errands").search(where("number").one_of(list(numbers)))}


def all_errands(store: Store) -> list[dict]:
    """Every errand, newest first."""
    return sorted(store.table("errands").all(), key=lambda e: -e["number"])


def by_status(store: Store, now: dt.datetime | None = None) -> dict[str, list[dict]]:
    now = now or clock.now()
    out: dict[str, list[dict]] = {s: [] for s in SHOWN}
    for e in all_errands(store):
        out[status(e, now)].append(e)
    return out


def overdue(store: Store, now: dt.datetime | None = None) -> list[dict]:
    now = now or clock.now()
    return [e for e in store.table("errands").search(where("state") == "out")
            if status(e, now) == "overdue"]


def where_from(errand: dict) -> str:
    return errand.get("door") or errand.get("org") or ""


# -- input --
_TIME = re.compile(r"^(?:(?:(?P<y>\d{4})-)?(?P<mo>\d{1,2})-(?P<d>\d{1,2})\s+)?"
                   r"(?P<h>\d{1,2}):?(?P<mi>\d{2})$")


def parse_time(text: str, base: dt.date | None = None) -> dt.datetime:
    """'14:30', '1430', '03-05 14:30' or '2026-03-05 14:30' (full-width too)."""
    raw = unicodedata.normalize("NFKC", str(text or "")).strip().replace("/", "-")
    m = _TIME.match(raw)
    now = clock.now()
    base = base or now.date()
    try:
        if not m:
            raise ValueError
        day = dt.date(int(m["y"] or base.year), int(m["mo"] or base.month),
                      int(m["d"] or base.day))
        return dt.datetime.combine(day, dt.time(int(m["h"]), int(m["mi"])), now.tzinfo)
    except ValueError:
        raise DomainError("errands.bad_time", field="time", text=str(text or "").strip()) from None


def _as_time(value: str | dt.datetime, fieldname: str, base: dt.date | None = None) -> dt.datetime:
    if isinstance(value, dt.datetime):
        return value.replace(second=0, microsecond=0)
    try:
        return parse_time(value, base)
    except DomainError as exc:
        exc.field = fieldname
        raise


def check_window(start: dt.datetime, end: dt.datetime, now: dt.datetime) -> None:
    if end <= start:
        raise DomainError("errands.window_order", field="end")
    if end <= now:
        raise DomainError("errands.window_past", field="end")
    if end - start > dt.timedelta(hours=MAX_HOURS):
        raise DomainError("errands.window_long", field="end", hours=MAX_HOURS)


# -- transitions --
def _event(actor: Actor, event: str, note: str = "") -> dict:
    return {"at": clock.stamp(), "event": event, "by": actor.name, **({"note": note} if note else {})}


def check_request(store: Store, *, person: str, purpose: str, start, end, door: str = "",
                  org: str = "", phone: str = "", items: str = "", destination: str = "",
                  escort: str = "") -> tuple[dict, list[DomainError]]:
    """Every field of a new errand request checked on its own: the cleaned
    values and every mistake found (one per field, so a form can mark them all)."""
    now = clock.now()
    errors: list[DomainError] = []

    def check(fn, *args):
        try:
            return fn(*args)
        except DomainError as exc:
            errors.append(exc)
            return None

    door, org = (door or "").strip(), safe_text.line(org)
    household = None
    if door and org:
        errors.append(DomainError("errands.both_requester", field="org"))
    elif not door and not org:
        errors.append(DomainError("errands.need_requester", field="door"))
    elif door:
        household = check(households.find, store, door)
    person = safe_text.line(person) or (household["head"] if household else "")
    if not person and not (door and household is None):  # an unknown door is the mistake
        errors.append(DomainError("errands.need_person", field="person"))
    phone = check(phones.normalise, phone)
    purpose = safe_text.line(purpose)
    if not purpose:
        errors.append(DomainError("errands.need_purpose", field="purpose"))
    start_t = check(_as_time, start, "start")
    end_t = check(_as_time, end, "end", start_t.date() if start_t else None)
    if start_t and end_t:
        check(check_window, start_t, end_t, now)
    escort = (escort or "").strip()
    if escort and escort not in {m["name"] for m in operators.roster(store, active_only=True)}:
        errors.append(DomainError("errands.bad_escort", field="escort", name=escort))
    values = {
        "kind": "household" if household else "org",
        "door": household["door"] if household else "", "org": org, "person": person,
        "phone": phone or (household["phone"] if household else ""),
        "purpose": purpose, "items": (items or "").strip(),
        "destination": (destination or "").strip(), "escort": escort,
        "start": start_t.isoformat() if start_t else "", "end": end_t.isoformat() if end_t else "",
    }
    return values, errors


def request(store: Store, actor: Actor, **fields: str) -> dict:
    """A new errand request (any volunteer). Nothing is written if any field is
    wrong (the first mistake is raised; :func:`check_request` lists them all)."""
    values, errors = check_request(store, **fields)
    if errors:
        raise errors[0]
    doc = {
        "state": "requested", **values, "requested_by": actor.name, "reason": "",
        "pass_no": None, "pass_gen": 0, "pass_key": "", "code": "",
        "out_at": "", "in_at": "", "history": [_event(actor, "requested")],
    }
    with store.transaction("errands") as tx:
        doc["number"] = tx.next_number("errand")
        tx.table("errands").insert(doc)
    return doc


def _transition(store: Store, actor: Actor, number: int, action: str, allowed: tuple[str, ...],
                change, now: dt.datetime | None = None) -> dict:
    """Check-then-write inside one transaction: the state is read under the lock."""
    now = now or clock.now()
    with store.transaction("errands") as tx:
        table = tx.table("errands")
        e = table.get(where("number") == int(number))
        if e is None:
            raise DomainError("errands.unknown", number=number)
        shown = status(e, now)
        if shown not in allowed:
            raise DomainError("errands.bad_state", number=number, state=state_label(shown),
                              action=i18n.t(f"errands.action.{action}"))
        upd = change(tx, dict(e))
        upd["history"] = [*e.get("history", []), upd.pop("_event")]
        table.update(upd, doc_ids=[e.doc_id])
        return dict(table.get(doc_id=e.doc_id))


def approve(store: Store, actor: Actor, number: int, note: str = "") -> dict:
    """Approve a request. A household the gate would deny going out (its
    key-person mark) is approved only with a reason in ``note``, kept as an
    override in the errand's history."""
    require_leader(store, actor, "errands.what.approve")
    note = safe_text.line(note)

    def change(tx, e: dict) -> dict:
        mark = mark_rules.gate_mark(store, e.get("door", ""), clock.today())
        event = _event(actor, "approved", note)
        if mark and mark.action == "deny":
            if not note:
                raise DomainError("errands.denied_mark", field="note", door=e["door"],
                                  message=mark.message, instruction=mark.instruction)
            event["override"] = mark.code
        return {"state": "approved", "approved_by": actor.name, "approved_at": clock.stamp(),
                "_event": event}
    return _transition(store, actor, number, "approve", ("requested",), change)


def _reason(reason: str) -> str:
    reason = safe_text.line(reason)
    if not reason:
        raise DomainError("errands.need_reason", field="reason")
    return reason


def reject(store: Store, actor: Actor, number: int, reason: str) -> dict:
    require_leader(store, actor, "errands.what.reject")
    reason = _reason(reason)
    return _transition(store, actor, number, "reject", ("requested",), lambda tx, e: {
        "state": "rejected", "reason": reason, "decided_by": actor.name,
        "_event": _event(actor, "rejected", reason)})


def revoke(store: Store, actor: Actor, number: int, reason: str) -> dict:
    """Revoke at once: the next scan of its pass reads "revoked"."""
    require_leader(store, actor, "errands.what.revoke")
    reason = _reason(reason)
    return _transition(store, actor, number, "revoke",
                       ("approved", "issued", "out", "overdue", "expired"), lambda tx, e: {
        "state": "revoked", "reason": reason, "revoked_by": actor.name,
        "revoked_at": clock.stamp(), "_event": _event(actor, "revoked", reason)})


def close(store: Store, actor: Actor, number: int) -> dict:
    return _transition(store, actor, number, "close", ("back", "expired", "rejected", "revoked"),
                       lambda tx, e: {"state": "closed", "_event": _event(actor, "closed")})


def issue_pass(store: Store, actor: Actor, number: int) -> dict:
    """Give an approved errand its pass, or reprint one: the generation goes
    up, so an earlier slip reads "replaced by a reprint". Returns the errand
    with ``code``."""
    key = keys.current_key(store)

    def change(tx, e: dict) -> dict:
        pass_no = e.get("pass_no") or tx.next_number("pass")
        gen = int(e.get("pass_gen") or 0) + 1
        start, end = when(e["start"]), when(e["end"])
        fields = passes.PassFields(
            key_id=key.key_id, number=pass_no, generation=gen,
            kind=passes.KIND_HOUSEHOLD if e["kind"] == "household" else passes.KIND_ORG,
            valid_from=start, minutes=int((end - start).total_seconds() // 60),
            escort=bool(e.get("escort")))
        code = passes.encode(fields, key.secret)
        state = "issued" if e["state"] == "approved" else e["state"]
        return {"state": state, "pass_no": pass_no, "pass_gen": gen, "pass_key": key.key_id,
                "code": code, "issued_by": actor.name, "issued_at": clock.stamp(),
                "_event": _event(actor, "issued" if gen == 1 else "reprinted", f"g{gen}")}

    return _transition(store, actor, number, "issue", ("approved", "issued", "out", "overdue"),
                       change)


# -- alerts --
def overdue_alerts(store: Store, now: dt.datetime) -> list[Alert]:
    return [Alert(key=f"errand-overdue-{e['number']}", severity="error",
                  message=i18n.t("errands.overdue_alert", number=e["number"], person=e["person"],
                                 where=where_from(e), end=when(e["end"]).strftime("%H:%M")))
            for e in overdue(store, now)]


# -- purge: errands that are over, and the scans at the gate ----------------------

PURGE = [
    purge.Rule("errands", ("person", "phone", "door", "destination", "items", "reason", "code"),
               day=lambda r: "" if r.get("state") == "out"
               else purge.last_change(r, "end", "in_at", "out_at", "history"),
               events="history"),
    purge.Rule("scans", ("code",)),
]
