"""A pass scanned at the gate: the code's verdict, then the gate rules.

:func:`console.passes.judge` checks the code and its record (errand or
standing pass). Here the gate adds what only the log knows: whether a
standing pass's holder is going out or coming back, a work pass's once a
day, and :func:`console.gate_rules.decide` (marks, quota) — the same rules
the entry form uses. A pass printed before its household was marked reads
"denied: key-person household", not forged or expired. :func:`scan`
records the scan in ``scans``, the gate entry in ``checkpoint`` and the
errand's move in one transaction; :func:`verify` only reads (for
`python app.py verify CODE`).
"""

from __future__ import annotations

import datetime as dt

from console.core import clock, i18n
from console.checkpoint import rules as gate_rules
from console.errands import keys, passes, standing
from console.checkpoint.codes import PASS
from console.core.operators import Actor
from console.core.commands import Command
from console.core.store import Store

_DENIED = {"quota": "over_quota"}


def _key(v: passes.Verdict) -> tuple[str, int]:
    kind = passes.STANDING_KINDS.get(v.fields.kind)
    return (kind, v.errand["number"]) if kind else ("errand", v.errand["pass_no"])


def gate_verdict(store: Store, v: passes.Verdict, now: dt.datetime) -> passes.Verdict:
    """``v`` with the gate's answer: valid_in for a standing pass whose holder
    is out, already_used for a work pass used today, denied_mark / over_quota
    when the rules deny; the rule's line goes into ``v.note``."""
    if not v.ok:
        return v
    rec = v.errand
    via, number = _key(v)
    door = rec.get("door", "")
    if via != "errand":
        mine = [t for t in gate_rules.door_trips(store, door, now)
                if (t.out["via"], t.out["pass"]) == (via, number)]
        if any(t.back is None for t in mine):
            v.kind = "valid_in"
        elif via == "commuter" and any(t.out["at"].date() == now.date() for t in mine):
            v.kind, v.note = "already_used", i18n.t("passes.once_a_day")
            return v
    d = gate_rules.decide(store, direction=v.direction, door=door, name=rec["person"],
                          phone=rec.get("phone", ""), org="" if door else rec.get("org", ""),
                          via=via, pass_key=(via, number), now=now)
    v.decision = d
    if d.denied:
        v.kind = _DENIED.get(d.code, "denied_mark")
    if d.kind == "allow":  # the pass already says "may go out" / "welcome back"
        line = i18n.t("gate.back_by", due=d.due_back.strftime("%H:%M")) if d.due_back else ""
    else:
        line = d.text if d.kind != "none" else ""
    sep = "；" if i18n.lang() == "zh" else "; "
    v.note = sep.join(p for p in (v.note, line) if p)
    return v


def _entry(v: passes.Verdict, gate: str, actor: Actor | None, now: dt.datetime) -> dict:
    rec = v.errand
    via, number = _key(v)
    entry = {"at": now.isoformat(), "name": rec["person"], "phone": rec.get("phone", ""),
             "door": rec.get("door", ""), "org": "" if rec.get("door") else rec.get("org", ""),
             "direction": v.direction, "outcome": PASS, "temp": None, "plate": "",
             "gate": gate or "", "pass": number, "by": actor.name if actor else ""}
    if via == "errand":
        entry.update({"purpose": "errand", "note": f"pass {number}", "errand": rec["number"]})
    else:
        entry.update({"purpose": "work" if via == "commuter" else "errand", "pass_kind": via,
                      "note": f"{i18n.t(f'standing.kind.{via}')} {number}"})
    d = v.decision
    if d is not None and d.kind != "none":
        entry["rule"] = d.record()
    return entry


def scan(store: Store, code: str, gate: str, actor: Actor | None = None) -> passes.Verdict:
    """A gate scan: judge the code and the gate rules, record the scan in
    ``scans`` and, when let through, the gate entry in ``checkpoint`` and the
    errand's move (out or back), in one transaction so they never disagree."""
    now = clock.now()
    day = now.date().isoformat()
    ring = keys.keyring(store)
    with store.transaction("errands", standing.TABLE, ("scans", day), ("checkpoint", day)) as tx:
        errands = tx.table("errands")
        log = tx.table("checkpoint", day)
        v = passes.judge(code, ring, passes.lookup_in(errands, tx.table(standing.TABLE)), now)
        v = gate_verdict(store, v, now)  # the log as the lock found it
        e = v.errand
        tx.table("scans", day).insert({
            "at": now.isoformat(), "code": v.code[:80], "verdict": v.kind, "gate": gate or "",
            "pass": v.fields.number if v.fields else None,
            "kind": v.fields.kind if v.fields else None,
            "generation": v.fields.generation if v.fields else None,
            "errand": e["number"] if e else None, "late": v.late,
            "by": actor.name if actor else ""})
        if not v.ok:
            return v
        log.insert(_entry(v, gate, actor, now))
        if v.fields.kind in passes.STANDING_KINDS:
            return v
        event = {"at": now.isoformat(), "event": v.direction, "gate": gate or "",
                 "by": actor.name if actor else ""}
        if v.direction == "out":
            upd = {"state": "out", "out_at": now.isoformat(), "out_gate": gate or ""}
        else:
            upd = {"state": "back", "in_at": now.isoformat(), "in_gate": gate or "", "late": v.late}
        errands.update({**upd, "history": [*e.get("history", []), event]}, doc_ids=[e.doc_id])
        v.errand = errands.get(doc_id=e.doc_id)
    return v


def verify(store: Store, code: str, now: dt.datetime | None = None) -> passes.Verdict:
    """What a scan would say now, gate rules included; records nothing."""
    now = now or clock.now()
    return gate_verdict(store, passes.verify(store, code, now), now)


def cli_verify(store: Store, code: str) -> tuple[str, int]:
    """`python app.py verify CODE`: the verdict text and exit status (0 only
    for a pass that would be let through now). Records nothing."""
    v = verify(store, code)
    lines = [f"{v.kind}: {v.message}"]
    e = v.errand
    if e and v.fields and v.fields.kind in passes.STANDING_KINDS:
        lines.append(f"{i18n.t('standing.kind.' + e['pass_kind'])} {e['number']} · {e['person']}"
                     f" · {e.get('door')} · {e['purpose']} · {e['window']}")
    elif e:
        lines.append(f"errand {e['number']} · {e['person']} · {e.get('door') or e.get('org')}"
                     f" · {e['purpose']} · {e['start'][:16].replace('T', ' ')} – {e['end'][11:16]}")
    return "\n".join(lines), 0 if v.ok else 1


def _verify_command(store: Store, args) -> int:
    text, rc = cli_verify(store, " ".join(args.code))
    print(text)
    return rc


def command() -> Command:
    """The `verify` subcommand (listed in console.features)."""
    return Command(
        "verify", ("检查一张通行证（含卡口规则，只看不记）；可放行时退出码为 0",
                   "check a pass code now, gate rules included (records nothing); "
                   "exit 0 only if it would be let through"),
        lambda p: p.add_argument("code", nargs="+", metavar="CODE"), _verify_command)
