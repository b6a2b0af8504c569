"""Shifts at a gate and their handover (story 1: the gate runs 24 hours).

Shifts live in the table ``shifts``: one open shift per gate; closing it
stores a handover note and the shift's counts, which the next volunteer at
that gate sees after signing in. A volunteer's first gate entry takes over
the open shift (``gate.log_entry`` calls :func:`open_shift`).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Any

from tinydb import where

from console.checkpoint import gates, inside
from console.checkpoint.codes import OUTCOMES, PASS, clean as _clean, recent_days
from console.checkpoint.tallies import day_tally
from console.core import clock, i18n, purge
from console.core.i18n import DomainError
from console.core.operators import Actor
from console.core.store import Store

ERRAND_DAYS = 3

i18n.add({
    "checkpoint.no_shift": ("{gate} 现在没有开着的班次。", "No shift is open at {gate}."),
    "checkpoint.handover_notice": ("{gate} 上一班交接（{who}，{at}）：{note}",
                                   "{gate}, last handover ({who}, {at}): {note}"),
})


def _shift(row) -> dict:
    return {**row, "id": row.doc_id}


def current_shift(store: Store, gate: str) -> dict | None:
    """The open shift at ``gate`` ({id, gate, opened_at, opened_by, ...}) or None."""
    rows = store.table("shifts").search((where("gate") == gate) & (where("closed_at") == None))  # noqa: E711
    return _shift(rows[-1]) if rows else None


def last_handover(store: Store, gate: str) -> dict | None:
    """The last closed shift at ``gate``: {handover, closed_by, closed_at, counts, ...}."""
    rows = store.table("shifts").search((where("gate") == gate) & (where("closed_at") != None))  # noqa: E711
    if not rows:
        return None
    return _shift(max(rows, key=lambda r: (r["closed_at"], r.doc_id)))


def handover_notice(store: Store, gate: str) -> str:
    """The line a volunteer sees after signing in at ``gate``: the last
    handover note, who left it and when; '' if there is none."""
    last = last_handover(store, gate)
    if not last or not last.get("handover"):
        return ""
    return i18n.t("checkpoint.handover_notice", gate=gate, who=last["closed_by"],
                  at=last["closed_at"][5:16].replace("T", " "), note=last["handover"])


def shift_label(shift: dict | None) -> str:
    """'刘敏 08:00–' for the header; '' without a shift."""
    if not shift:
        return ""
    return f"{shift['opened_by']} {shift['opened_at'][11:16]}–"


def open_shift(store: Store, actor: Actor, gate: str, handover: str = "") -> dict:
    """``actor``'s shift at ``gate``: their open one, or a new one. Another
    volunteer's open shift there is taken over: closed now with ``handover``
    (what they said, or empty) and stamped as taken over by ``actor``."""
    gates.check_gate(store, gate)
    note = _clean(handover, 500, "handover")
    open_now = current_shift(store, gate)
    if open_now and open_now["opened_by"] == actor.name:
        return open_now
    end = clock.now()
    closing = _closing_fields(store, gate, open_now, actor, note, end) if open_now else None
    with store.transaction("shifts") as tx:
        table = tx.table("shifts")
        for r in table.search((where("gate") == gate) & (where("closed_at") == None)):  # noqa: E711
            if r.get("opened_by") == actor.name:  # opened meanwhile on another desk
                return _shift(r)
            fields = closing if closing and r.doc_id == open_now["id"] else _closing_fields(
                store, gate, _shift(r), actor, note, end, counted=False)
            table.update(fields, doc_ids=[r.doc_id])
        row = {"gate": gate, "opened_at": end.isoformat(), "opened_by": actor.name,
               "closed_at": None, "closed_by": "", "handover": "", "counts": {}}
        shift_id = table.insert(row)
    return {**row, "id": shift_id, "took_over": open_now}


def _closing_fields(store: Store, gate: str, shift: dict, actor: Actor, note: str,
                    end: dt.datetime, counted: bool = True) -> dict:
    """What closing ``shift`` at ``end`` writes: who, the note, its counts and,
    when someone else closes it, that it was taken over."""
    counts = {}
    if counted:
        counts = shift_counts(store, gate, shift["opened_at"], end.isoformat())
        counts["out_on_errand"] = len(out_on_errand(store, gate))
        counts["inside"] = len(inside.inside_now(store, end))
        counts["residents_out"] = len(inside.out_now(store, end))
    fields = {"closed_at": end.isoformat(), "closed_by": actor.name, "handover": note,
              "counts": counts}
    if shift.get("opened_by") != actor.name:
        fields["taken_over_by"] = actor.name
    return fields


def close_shift(store: Store, actor: Actor, gate: str, handover: str = "") -> dict:
    """End the open shift at ``gate`` with a handover note; stores its counts."""
    note = _clean(handover, 500, "handover")
    shift = current_shift(store, gate)
    if shift is None:
        raise DomainError("checkpoint.no_shift", gate=gate)
    fields = _closing_fields(store, gate, shift, actor, note, clock.now())
    with store.transaction("shifts") as tx:
        table = tx.table("shifts")
        row = table.get(doc_id=shift["id"])
        if row is None or row.get("closed_at"):
            raise DomainError("checkpoint.no_shift", gate=gate)
        table.update(fields, doc_ids=[shift["id"]])
    return {**shift, **fields}


def _days_between(start: str, end: str) -> list[str]:
    a, b = dt.date.fromisoformat(start[:10]), dt.date.fromisoformat(end[:10])
    return [(a + dt.timedelta(days=i)).isoformat() for i in range((b - a).days + 1)]


def shift_counts(store: Store, gate: str, start: str, end: str | None = None) -> dict:
    """Counts for entries at ``gate`` with start <= at < end: arrivals by
    outcome, fevers, passes out and in, and the total."""
    end = end or clock.stamp()
    t0, t1 = dt.datetime.fromisoformat(start), dt.datetime.fromisoformat(end)
    by_outcome: Counter = Counter()
    fevers = passes_out = passes_in = total = 0
    t1 += dt.timedelta(seconds=1)
    for day in _days_between(start, end):
        for r in day_tally(store, day).rows:
            if r.gate != gate or not t0 <= r.at < t1:
                continue
            total += 1
            by_outcome[r.outcome] += 1
            fevers += r.fever
            if r.outcome == PASS:
                passes_out += r.direction == "out"
                passes_in += r.direction == "in"
    return {"total": total, "outcomes": {k: by_outcome.get(k, 0) for k in OUTCOMES},
            "fevers": fevers, "passes_out": passes_out, "passes_in": passes_in}


def out_on_errand(store: Store, gate: str | None = None, today: str | None = None) -> list[dict]:
    """People who went out with a pass and have not come back in (last
    ERRAND_DAYS days, any gate unless ``gate``): their OUT entries, oldest first."""
    today = today or clock.today().isoformat()
    out: dict[Any, dict] = {}
    for day in recent_days(store, today, ERRAND_DAYS):
        for e in day_tally(store, day).passes:
            key = e.get("pass") or e.get("errand") or (e.get("name"), e.get("door"), e.get("org"))
            if e.get("direction") == "out":
                out[key] = {**e, "day": day}
            elif e.get("direction") == "in":
                out.pop(key, None)
    rows = list(out.values())
    return [r for r in rows if gate is None or r.get("gate") == gate]


# -- purge: the handover notes are personal ------------------------------------

PURGE = [
    purge.Rule("shifts", ("handover",),
               day=lambda r: purge.last_change(r, "closed_at") if r.get("closed_at") else ""),
]
