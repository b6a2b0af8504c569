"""Who is inside and who is out, right now, from the gate log.

Outsiders let in (deliveries, workers, medical) count as inside until they
are logged out; past the leader's limit (setting ``gate_inside_hours``,
default 2 hours) they are overstaying. Residents who went out are listed
with since when and when they are due back (quota outs and household passes
when the gate said; errands at the end of their own window). Both lists follow corrections, and feed
the checkpoint tab, the shift screen and the alert line.
"""

from __future__ import annotations

import datetime as dt

from console.core import alerts, clock, i18n, settings
from console.checkpoint.rules import COUNTED, digests, inside_map, quota_rule, trips
from console.core.store import Store
from console.errands import errand as errands

i18n.add({
    "inside.overstay_alert": ("外来人员超时未出：{who}（{since} 进来，已 {hours} 小时）",
                              "Outsider still inside: {who} (in since {since}, {hours} h)"),
    "inside.late_alert": ("外出超时未归：{door} {name}（应 {due} 前回）",
                          "Out past their time: {door} {name} (due back {due})"),
})


def limit(store: Store) -> dt.timedelta:
    return dt.timedelta(hours=settings.current(store, "gate_inside_hours"))


def inside_now(store: Store, now: dt.datetime | None = None) -> list[dict]:
    """Outsiders inside now, longest first: {name, org, phone, since, gate,
    minutes, over} (``over``: past the leader's limit)."""
    now = now or clock.now()
    cap = limit(store)
    rows = [{"name": ev["name"], "org": ev["org"], "phone": ev["phone"], "since": ev["at"],
             "gate": ev["gate"], "minutes": int((now - ev["at"]).total_seconds() // 60),
             "over": now - ev["at"] > cap, "id": ev["id"]}
            for ev in inside_map(store, now).values()]
    return sorted(rows, key=lambda r: r["since"])


def out_now(store: Store, now: dt.datetime | None = None) -> list[dict]:
    """Residents out now, longest first: {door, name, since, due, via, late}.
    A quota out or a household pass is due back when the gate said (and late
    after it); an errand by its own window's end, late once the errand is
    overdue, as the errands tab and its alert say."""
    now = now or clock.now()
    quota = quota_rule(store)
    doors: dict[str, list[dict]] = {}
    for _, d in digests(store, now):
        for door, events in d.doors.items():
            doors.setdefault(door, []).extend(events)
    out = [(door, t) for door, events in doors.items() for t in trips(events, quota) if t.back is None]
    on_errand = errands.by_number(store, {t.out["errand"] for _, t in out if t.out["via"] == "errand"})
    rows = []
    for door, t in out:
        due, late = t.due, t.due is not None and now > t.due
        if t.out["via"] == "errand" and (e := on_errand.get(t.out["errand"])) is not None:
            due, late = errands.when(e["end"]), errands.status(e, now) == "overdue"
        rows.append({"door": door, "name": t.out["name"], "since": t.out["at"], "due": due,
                     "via": t.out["via"], "gate": t.out["gate"], "late": late})
    return sorted(rows, key=lambda r: r["since"])


def _hm(when: dt.datetime, now: dt.datetime) -> str:
    return when.strftime("%H:%M") if when.date() == now.date() else when.strftime("%m-%d %H:%M")


def inside_alerts(store: Store, now: dt.datetime) -> list[alerts.Alert]:
    out = []
    for r in inside_now(store, now):
        if r["over"]:
            out.append(alerts.Alert(
                key=f"inside-over-{r['since'].isoformat()}-{r['id']}",
                message=i18n.t("inside.overstay_alert", who=r["name"] or r["org"],
                               since=_hm(r["since"], now), hours=r["minutes"] // 60)))
    for r in out_now(store, now):
        if r["late"] and r["via"] in COUNTED:
            out.append(alerts.Alert(
                key=f"out-late-{r['since'].isoformat()}-{r['door']}", severity="error",
                message=i18n.t("inside.late_alert", door=r["door"], name=r["name"],
                               due=_hm(r["due"], now))))
    return out
