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

from console import clock, households, i18n, mark_rules, operators, passes, safe_text
from console.alerts import PROVIDERS, Alert
from console.i18n import DomainError
from console.operators import Actor, require_leader
from console.store import Store

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


def request(store: Store, actor: Actor, *, person: str, purpose: str, start, end,
            door: str = "", org: str = "", phone: str = "", items: str = "",
            destination: str = "", escort: str = "") -> dict:
    """A new errand request (any volunteer). Nothing is written if any field is wrong."""
    now = clock.now()
    door, org = (door or "").strip(), safe_text.line(org)
    if door and org:
        raise DomainError("errands.both_requester", field="org")
    if not door and not org:
        raise DomainError("errands.need_requester", field="door")
    household = households.find(store, door) if door else None
    person = safe_text.line(person) or (household["head"] if household else "")
    if not person:
        raise DomainError("errands.need_person", field="person")
    purpose = safe_text.line(purpose)
    if not purpose:
        raise DomainError("errands.need_purpose", field="purpose")
    start_t = _as_time(start, "start")
    end_t = _as_time(end, "end", start_t.date())
    check_window(start_t, end_t, now)
    escort = (escort or "").strip()
    if escort and escort not in {m["name"] for m in operators.roster(store, active_only=True)}:
        raise DomainError("errands.bad_escort", field="escort", name=escort)
    doc = {
        "state": "requested", "kind": "household" if household else "org",
        "door": household["door"] if household else "", "org": org,
        "person": person, "phone": (phone or "").strip() or (household["phone"] if household else ""),
        "purpose": purpose, "items": (items or "").strip(),
        "destination": (destination or "").strip(), "escort": escort,
        "start": start_t.isoformat(), "end": end_t.isoformat(),
        "requested_by": actor.name, "reason": "",
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
    key = passes.current_key(store)

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
def _overdue_alerts(store: Store, now: dt.datetime) -> list[Alert]:
    return [Alert(key=f"errand-overdue-{e['number']}", severity="error",
                  message=i18n.t("errands.overdue_alert", number=e["number"], person=e["person"],
                                 where=where_from(e), end=when(e["end"]).strftime("%H:%M")))
            for e in overdue(store, now)]


PROVIDERS.append(_overdue_alerts)


# -- demo --
_DEMO_PURPOSES = [
    ("买白糖（复工原料）", "白糖 50 kg", "中百仓储超市"), ("买奶粉", "婴儿奶粉 2 罐", "母婴店"),
    ("买尿不湿", "尿不湿 3 包", "好又多超市"), ("买灯泡", "LED 灯泡 4 个", "五金店"),
    ("买下水管", "PVC 管 2 根", "建材市场"), ("取课本", "初二课本一套", "实验中学"),
    ("送饭到隔离酒店", "午饭一份（无调料）", "锦江隔离酒店"), ("取药", "降压药 1 月量", "社区医院"),
    ("买体温计", "水银体温计 20 支", "第二社区卫生服务中心"),
]
_DEMO_ORGS = ["宏达食品厂", "康乐药房", "惠民粮油店"]


def demo_part(store: Store, rng, days: int) -> str:
    """A few dozen errands over the last ``days`` days in every state, their
    gate entries and scans, and PNG slips for a handful."""
    from console import demo, slips   # noqa: PLC0415  (demo only)

    now = clock.now().replace(second=0)
    leaders = [m["name"] for m in operators.roster(store) if m["role"] == "leader"]
    volunteers = [m["name"] for m in operators.roster(store)]
    doors = sorted(households.by_door(store))
    key = passes.current_key(store)
    store.actor = {"op": leaders[0], "role": "leader"}
    docs, gate_rows = [], {}
    plan = (["closed"] * 14 + ["back"] * 4 + ["rejected"] * 4 + ["revoked"] * 3 + ["expired"] * 3
            + ["requested"] * 4 + ["approved"] * 3 + ["issued"] * 4 + ["out"] * 3 + ["overdue"] * 2)
    for i, target in enumerate(plan):
        past = target in ("closed", "rejected", "revoked", "expired") or (target == "back" and i % 2)
        if past:
            start = (now - dt.timedelta(days=rng.randint(1, max(1, days - 1)))).replace(
                hour=rng.randint(8, 16), minute=rng.choice((0, 15, 30, 45)))
        elif target == "overdue":
            start = now - dt.timedelta(hours=4, minutes=rng.randint(0, 50))
        elif target in ("out", "back"):
            start = now - dt.timedelta(minutes=rng.randint(20, 60))
        elif target == "issued":
            start = now + dt.timedelta(minutes=rng.choice((-10, 0, 30, 60)))
        else:
            start = now + dt.timedelta(minutes=rng.randint(30, 240))
        start = start.replace(second=0, microsecond=0)
        end = start + dt.timedelta(hours=rng.choice((1, 2, 2, 3)))
        purpose, items, dest = rng.choice(_DEMO_PURPOSES)
        org = rng.choice(_DEMO_ORGS) if i % 7 == 3 else ""
        if org:
            person, phone, door, kind = demo.person_name(rng), demo.mobile(rng), "", "org"
            purpose, items, dest = _DEMO_PURPOSES[0]
        else:
            h = store.table("households").get(where("door") == rng.choice(doors))
            door, person, phone, kind = h["door"], h["head"], h["phone"], "household"
        by, boss = rng.choice(volunteers), rng.choice(leaders)
        asked = start - dt.timedelta(minutes=rng.randint(30, 180))
        hist = [{"at": asked.isoformat(), "event": "requested", "by": by}]
        doc = {"number": i + 1, "state": target, "kind": kind, "door": door, "org": org,
               "person": person, "phone": phone, "purpose": purpose, "items": items,
               "destination": dest, "escort": rng.choice(volunteers) if i % 3 == 0 else "",
               "start": start.isoformat(), "end": end.isoformat(), "requested_by": by,
               "reason": "", "pass_no": None, "pass_gen": 0, "pass_key": "", "code": "",
               "out_at": "", "in_at": "", "history": hist}
        decided = asked + dt.timedelta(minutes=10)
        if target == "rejected":
            doc.update(reason=rng.choice(["可由代购志愿者代买", "非必要外出", "请改约明天上午"]),
                       decided_by=boss)
            hist.append({"at": decided.isoformat(), "event": "rejected", "by": boss,
                         "note": doc["reason"]})
        elif target != "requested":
            doc.update(approved_by=boss, approved_at=decided.isoformat())
            hist.append({"at": decided.isoformat(), "event": "approved", "by": boss})
        if target not in ("requested", "approved", "rejected"):
            pass_no = len([d for d in docs if d["pass_no"]]) + 1
            gen = 2 if i % 9 == 5 else 1
            fields = passes.PassFields(key.key_id, pass_no, gen,
                                       passes.KIND_ORG if org else passes.KIND_HOUSEHOLD,
                                       start, int((end - start).total_seconds() // 60),
                                       bool(doc["escort"]))
            doc.update(pass_no=pass_no, pass_gen=gen, pass_key=key.key_id,
                       code=passes.encode(fields, key.secret), issued_by=boss,
                       issued_at=(decided + dt.timedelta(minutes=5)).isoformat())
            hist.append({"at": doc["issued_at"], "event": "issued", "by": boss})
        if target in ("out", "overdue", "back", "closed"):
            out_at = start + dt.timedelta(minutes=rng.randint(0, 15))
            doc.update(out_at=out_at.isoformat(), out_gate="西门")
            hist.append({"at": doc["out_at"], "event": "out", "gate": "西门", "by": by})
            gate_rows.setdefault(out_at.date().isoformat(), []).append((doc, "out", out_at))
        if target in ("back", "closed"):
            in_at = min(now, end - dt.timedelta(minutes=rng.randint(0, 40)))
            in_at = max(in_at, dt.datetime.fromisoformat(doc["out_at"]) + dt.timedelta(minutes=5))
            doc.update(in_at=in_at.isoformat(), in_gate="西门", late=False)
            hist.append({"at": doc["in_at"], "event": "in", "gate": "西门", "by": by})
            gate_rows.setdefault(in_at.date().isoformat(), []).append((doc, "in", in_at))
        if target == "closed":
            hist.append({"at": doc["in_at"], "event": "closed", "by": by})
        if target == "revoked":
            doc.update(reason="小区升级为封闭管理", revoked_by=boss, revoked_at=decided.isoformat())
            hist.append({"at": decided.isoformat(), "event": "revoked", "by": boss,
                         "note": doc["reason"]})
        if target in ("expired", "overdue"):
            doc["state"] = "issued" if target == "expired" else "out"
        docs.append(doc)
    with store.transaction("errands") as tx:
        tx.table("errands").insert_multiple(docs)
        for _ in docs:
            tx.next_number("errand")
        for _ in [d for d in docs if d["pass_no"]]:
            tx.next_number("pass")
    for day, rows in sorted(gate_rows.items()):
        with store.transaction(("scans", day), ("checkpoint", day)) as tx:
            for doc, direction, at in rows:
                tx.table("scans", day).insert({
                    "at": at.isoformat(), "code": doc["code"], "verdict": f"valid_{direction}",
                    "gate": "西门", "pass": doc["pass_no"], "generation": doc["pass_gen"],
                    "errand": doc["number"], "late": False, "by": doc["requested_by"]})
                tx.table("checkpoint", day).insert({
                    "at": at.isoformat(), "name": doc["person"], "phone": doc["phone"],
                    "door": doc["door"], "org": doc["org"], "direction": direction,
                    "purpose": "errand", "outcome": "allowed_with_pass", "temp": None,
                    "plate": "", "note": f"pass {doc['pass_no']}", "gate": "西门",
                    "errand": doc["number"], "pass": doc["pass_no"], "by": doc["requested_by"]})
    printed = 0
    if slips.find_cjk_font():
        for doc in [d for d in docs if d["state"] in ("issued", "out")][:6]:
            slips.save_png(store, doc, slips.render(doc, lang="zh", width=384, gate="西门",
                                                     site=slips.site_name(store)))
            printed += 1
    states = {}
    for d in docs:
        s = status(d, now)
        states[s] = states.get(s, 0) + 1
    summary = ", ".join(f"{k} {v}" for k, v in sorted(states.items()))
    slips_line = f"{printed} slips under slips/" if printed else i18n.t("slips.no_font")
    return f"errands: {len(docs)} ({summary}); {slips_line}"
