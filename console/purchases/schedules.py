"""Recurring deliveries: meals from a household to the quarantine hotel at
11:30 and 17:20 every day (story 2: the leader once forgot, at 11:40).

A schedule has times of day and a repeat (every N days from its start).
:func:`due_list` gives each slot of a day with its state; every signed-in
desk is reminded ten minutes before a slot and alarmed once it is overdue
(:func:`alerts`, listed in console.features). Marking a slot done
records who delivered it and when.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from tinydb import where

from console.core import alerts as desk_alerts
from console.core import clock, i18n
from console.households.registry import find
from console.core.i18n import DomainError
from console.core.numbers import whole_number
from console.core.operators import Actor
from console.purchases.form_values import parse_day, parse_hhmm
from console.core.store import Store
from console.core import purge

SCHEDULES = "purchase_schedules"
DONE = "schedule_done"
REMIND_MINUTES = 10
MAX_EVERY = 30                # days between deliveries

i18n.add({
    "schedules.no_what": ("请写送什么（例如：午饭）。", "Say what is delivered (e.g. lunch)."),
    "schedules.no_to": ("请写送到哪里。", "Say where it goes."),
    "schedules.no_times": ("请至少写一个时间，如 11:30 17:20。", "Give at least one time, e.g. 11:30 17:20."),
    "schedules.bad_every": ("间隔天数请写 1 到 {most} 的整数，收到“{text}”。",
                            "Repeat every 1 to {most} days (a whole number), not “{text}”."),
    "schedules.no_schedule": ("找不到定时配送 {id}。", "No scheduled delivery {id}."),
    "schedules.not_due": ("{date} {time} 不是这项配送的时间。", "{date} {time} is not a slot of this delivery."),
    "schedules.already_done": ("{date} {time} 已由 {by} 在 {at} 送达。",
                               "{date} {time} was already delivered by {by} at {at}."),
    "schedules.remind": ("{time} 要送：{what}（{door} → {to}），还有 {minutes} 分钟。",
                         "Due at {time}: {what} ({door} → {to}) in {minutes} minutes."),
    "schedules.overdue": ("超时未送：{time} 的 {what}（{door} → {to}），已过 {minutes} 分钟！",
                          "Overdue: {what} ({door} → {to}) was due at {time}, {minutes} minutes ago!"),
    "schedules.state.done": ("已送", "done"),
    "schedules.state.later": ("待送", "later"),
    "schedules.state.soon": ("快到了", "soon"),
    "schedules.state.overdue": ("超时", "overdue"),
})


def parse_every(value: Any) -> int:
    """Every how many days a delivery repeats: a whole number 1 to MAX_EVERY,
    typed (full-width digits too) or an int; "-5", "0", "1.5" or "" are refused."""
    return whole_number(value, "schedules.bad_every", "every", hi=MAX_EVERY, digits=2,
                        most=MAX_EVERY, text=str(value).strip())


def add_schedule(store: Store, actor: Actor, what: str, door: str, to: str,
                 times: str | list[str], every: int | str = 1, start: str | dt.date | None = None,
                 end: str | dt.date | None = None, note: str = "") -> dict:
    """A recurring delivery; ``times`` like '11:30 17:20' or ['11:30', '17:20']."""
    home = find(store, door)
    if not (what or "").strip():
        raise DomainError("schedules.no_what", field="what")
    if not (to or "").strip():
        raise DomainError("schedules.no_to", field="to")
    if isinstance(times, str):
        times = times.replace(",", " ").replace("，", " ").replace("、", " ").split()
    slots = sorted({parse_hhmm(t).strftime("%H:%M") for t in times})
    if not slots:
        raise DomainError("schedules.no_times", field="times")
    every = parse_every(every)
    row = {"what": what.strip(), "door": home["door"], "person": home.get("head", ""),
           "phone": home.get("phone", ""), "to": to.strip(), "times": slots, "every": every,
           "start": parse_day(start or clock.today()).isoformat(),
           "end": parse_day(end).isoformat() if end else None, "note": (note or "").strip(),
           "active": True}
    doc_id = store.table(SCHEDULES).insert(row)
    return {**row, "id": doc_id}


def stop_schedule(store: Store, actor: Actor, schedule_id: int) -> None:
    if not store.table(SCHEDULES).update({"active": False}, doc_ids=[int(schedule_id)]):
        raise DomainError("schedules.no_schedule", id=schedule_id)


def schedules(store: Store, active_only: bool = True) -> list[dict]:
    return [{**r, "id": r.doc_id} for r in store.table(SCHEDULES).all()
            if r.get("active") or not active_only]


def _runs_on(s: dict, day: dt.date) -> bool:
    start = dt.date.fromisoformat(s["start"])
    if day < start or (s.get("end") and day.isoformat() > s["end"]):
        return False
    return (day - start).days % s["every"] == 0


def due_list(store: Store, day: dt.date | None = None, now: dt.datetime | None = None) -> list[dict]:
    """Every slot of ``day`` (today), in time order, each with its state:
    done, later, soon (within ten minutes), overdue."""
    now = now or clock.now()
    day = day or now.date()
    done = {(d["schedule"], d["time"]): d
            for d in store.table(DONE).search(where("date") == day.isoformat())}
    out = []
    for s in schedules(store):
        if not _runs_on(s, day):
            continue
        for t in s["times"]:
            due = dt.datetime.combine(day, dt.time.fromisoformat(t), tzinfo=now.tzinfo)
            rec = done.get((s["id"], t))
            if rec:
                state = "done"
            elif now >= due:
                state = "overdue"
            elif now >= due - dt.timedelta(minutes=REMIND_MINUTES):
                state = "soon"
            else:
                state = "later"
            out.append({"schedule": s["id"], "what": s["what"], "door": s["door"],
                        "person": s["person"], "to": s["to"], "note": s["note"],
                        "date": day.isoformat(), "time": t, "due": due.isoformat(),
                        "state": state, "created": s.get("_at", ""), "done_by": rec["by"] if rec else "",
                        "done_at": rec["done_at"] if rec else ""})
    return sorted(out, key=lambda r: (r["time"], r["schedule"]))


def mark_done(store: Store, actor: Actor, schedule_id: int, day: str | dt.date, time: str,
              by: str | None = None) -> dict:
    """Record that a slot was delivered, by whom (default: the signed-in
    volunteer) and when (now). A slot is done once."""
    day = parse_day(day)
    time = parse_hhmm(time).strftime("%H:%M")
    with store.transaction(SCHEDULES, DONE) as tx:
        s = tx.table(SCHEDULES).get(doc_id=int(schedule_id))
        if s is None:
            raise DomainError("schedules.no_schedule", id=schedule_id)
        if time not in s["times"] or not _runs_on(s, day):
            raise DomainError("schedules.not_due", date=day.isoformat(), time=time)
        t = tx.table(DONE)
        old = t.get((where("schedule") == s.doc_id) & (where("date") == day.isoformat())
                    & (where("time") == time))
        if old:
            raise DomainError("schedules.already_done", date=day.isoformat(), time=time,
                              by=old["by"], at=old["done_at"][11:16])
        row = {"schedule": s.doc_id, "date": day.isoformat(), "time": time,
               "by": (by or actor.name).strip(), "done_at": clock.stamp()}
        t.insert(row)
        return row


def history(store: Store, schedule_id: int) -> list[dict]:
    """Slots done for a schedule, newest first (who delivered, when)."""
    rows = store.table(DONE).search(where("schedule") == int(schedule_id))
    return sorted(rows, key=lambda r: (r["date"], r["time"]), reverse=True)


def alerts(store: Store, now: dt.datetime) -> list[desk_alerts.Alert]:
    """Reminder ten minutes before each slot, alarm once it is overdue
    (today's slots, and yesterday's still open since the schedule began)."""
    out = []
    for day in (now.date() - dt.timedelta(days=1), now.date()):
        for slot in due_list(store, day, now):
            due = dt.datetime.fromisoformat(slot["due"])
            if slot["created"] and due < dt.datetime.fromisoformat(slot["created"]):
                continue        # before the schedule existed: nothing was missed
            params = {"time": slot["time"], "what": slot["what"], "door": slot["door"],
                      "to": slot["to"]}
            key = f"schedule:{slot['schedule']}:{slot['date']}:{slot['time']}"
            if slot["state"] == "soon":
                minutes = max(1, round((due - now).total_seconds() / 60))
                out.append(desk_alerts.Alert(key + ":soon", i18n.t("schedules.remind", minutes=minutes,
                                                                    **params), "warning"))
            elif slot["state"] == "overdue":
                minutes = int((now - due).total_seconds() // 60)
                # again every ten minutes until someone marks it done
                out.append(desk_alerts.Alert(f"{key}:late:{minutes // REMIND_MINUTES}", i18n.t("schedules.overdue", minutes=minutes,
                                                                    **params), "error"))
    return out


# -- purge: deliveries that stopped ------------------------------------------------

PURGE = [
    purge.Rule(SCHEDULES, ("person", "phone", "door", "note", "to"),
               day=lambda r: "" if r.get("active") else purge.last_change(r, "end")),
]
