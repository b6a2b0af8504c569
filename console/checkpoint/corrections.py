"""Correcting the gate log: annul an entry or fix it, never edit it.

A correction is a new entry in the same day's log with ``corrects`` (the
id it replaces), ``correction`` ("annul" or "fix"), ``reason`` and who made
it. The original stays and is shown struck through; counts, quotas and
"who is out" read the log through :func:`console.gate_rules.live`, so they
follow at once. A fix is a whole new version of the entry (validated like
a new one, keeping the original's time and gate); an annulment is only the
marker. Leaders correct any entry; a volunteer fixes or annuls only their
own, within FIX_MINUTES of logging it.
"""

from __future__ import annotations

import datetime as dt

from tinydb import where

from console.checkpoint import gate as checkpoint, rules as gate_rules
from console.core import clock, i18n
from console.core.i18n import DomainError
from console.core.operators import Actor, current
from console.core.store import Store

FIX_MINUTES = 5
MAX_REASON = 80

i18n.add({
    "corr.no_entry": ("{day} 没有第 {id} 条记录。", "There is no entry {id} on {day}."),
    "corr.already": ("第 {id} 条已经被更正过（第 {by} 条），请更正最新的那条。",
                     "Entry {id} was already corrected (by entry {by}): correct the newest one."),
    "corr.is_annulment": ("第 {id} 条是作废记录，不能再更正。",
                          "Entry {id} is an annulment: it cannot be corrected."),
    "corr.need_reason": ("请写明作废理由。", "Give the reason for annulling it."),
    "corr.long_reason": ("理由最多 {n} 个字。", "The reason is {n} characters at most."),
    "corr.not_yours": ("只能更正自己登记的记录；其他请找组长。",
                       "You can only correct your own entries; ask a leader for others."),
    "corr.too_late": ("登记超过 {n} 分钟了，请找组长更正。",
                      "It is more than {n} minutes since it was logged: ask a leader."),
    "corr.fix_reason": ("改正登记错误", "fixed a logging mistake"),
    "corr.later_scan": ("这张通行证之后又扫过，请先作废后面那次。",
                        "This pass was scanned again later: annul that scan first."),
    "corr.annulled": ("作废", "annulled"),
    "corr.fixed": ("已改正", "fixed"),
})


def _reason(text, required: bool) -> str:
    reason = " ".join(str(text or "").split())
    if required and not reason:
        raise DomainError("corr.need_reason", field="reason")
    if len(reason) > MAX_REASON:
        raise DomainError("corr.long_reason", field="reason", n=MAX_REASON)
    return reason


def _target(rows, day: str, entry_id: int, actor: Actor, now: dt.datetime) -> dict:
    """The entry to correct, read under the lock, or why it cannot be."""
    by_id = {r.doc_id: r for r in rows}
    entry = by_id.get(int(entry_id))
    if entry is None:
        raise DomainError("corr.no_entry", day=day, id=entry_id)
    if entry.get("correction") == "annul":
        raise DomainError("corr.is_annulment", id=entry_id)
    done = gate_rules.corrections_of(rows).get(entry.doc_id)
    if done:
        raise DomainError("corr.already", id=entry_id, by=done["id"])
    if not actor.is_leader:
        if entry.get("by") != actor.name:
            raise DomainError("corr.not_yours")
        logged = dt.datetime.fromisoformat(entry.get("fixed_at") or entry["at"])
        if now - logged > dt.timedelta(minutes=FIX_MINUTES):
            raise DomainError("corr.too_late", n=FIX_MINUTES)
    return entry


def _undo_errand_move(errands, entry: dict, actor: Actor, reason: str) -> None:
    """An annulled errand-pass scan takes the errand back to before it, if it
    was the errand's last move (else the log and the errand would disagree)."""
    errand = errands.get(where("number") == entry["errand"])
    if errand is None:
        return
    undo = {"out": ("out", "out_at", "issued"), "in": ("back", "in_at", "out")}.get(entry["direction"])
    if undo is None or errand["state"] != undo[0] or errand.get(undo[1]) != entry["at"]:
        raise DomainError("corr.later_scan")
    event = {"at": clock.stamp(), "event": "annulled", "by": actor.name, "note": reason}
    errands.update({"state": undo[2], undo[1]: "", "history": [*errand.get("history", []), event]},
                   doc_ids=[errand.doc_id])


def annul(store: Store, actor: Actor, day: str, entry_id: int, reason: str) -> dict:
    """Annul entry ``entry_id`` of ``day`` (wrong person, double scan, test).
    An errand-pass scan also takes its errand back a step."""
    actor = current(store, actor)  # others' entries need the role they have now
    day = checkpoint.check_day(day)
    reason = _reason(reason, required=True)
    now = clock.now()
    with store.transaction("errands", ("checkpoint", day)) as tx:
        log = tx.table("checkpoint", day)
        entry = _target(log.all(), day, entry_id, actor, now)
        if entry.get("errand"):
            _undo_errand_move(tx.table("errands"), entry, actor, reason)
        row = {"corrects": entry.doc_id, "correction": "annul", "reason": reason,
               "at": now.isoformat(), "by": actor.name, "gate": entry.get("gate", ""),
               "name": entry.get("name", ""), "door": entry.get("door", ""),
               "org": entry.get("org", "")}
        row_id = log.insert(row)
    return {**row, "id": row_id, "day": day}


def fix(store: Store, actor: Actor, day: str, entry_id: int, fields: dict,
        reason: str = "") -> dict:
    """Replace entry ``entry_id`` of ``day`` with corrected ``fields`` (the
    form's values). The gate rules are checked again on the corrected
    values, as if logged now without the original."""
    actor = current(store, actor)  # others' entries need the role they have now
    day = checkpoint.check_day(day)
    reason = _reason(reason, required=False) or i18n.t("corr.fix_reason")
    clean = checkpoint.validate(store, fields)
    now = clock.now()
    with store.transaction(("checkpoint", day)) as tx:
        log = tx.table("checkpoint", day)
        rows = log.all()
        entry = _target(rows, day, entry_id, actor, now)
        decision = gate_rules.decide(
            store, direction=clean["direction"], door=clean["door"], name=clean["name"],
            phone=clean["phone"], org=clean["org"], temp=clean["temp"], now=now,
            without=entry.doc_id if day == now.date().isoformat() else None)
        override = gate_rules.enforce(decision, clean["outcome"], actor, fields.get("override"))
        keep = {k: entry[k] for k in ("at", "gate", "shift", "pass", "errand", "pass_kind")
                if k in entry}
        row = {**clean, **keep, "corrects": entry.doc_id, "correction": "fix",
               "reason": reason, "fixed_at": now.isoformat(), "by": actor.name}
        if decision.kind != "none":
            row["rule"] = decision.record()
        if override or entry.get("override"):
            row["override"] = override or entry["override"]
        row_id = log.insert(row)
    return {**row, "id": row_id, "day": day}
