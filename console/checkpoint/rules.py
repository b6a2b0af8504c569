"""Gate rules: may this person go out / come in now? (story 1, DESIGN "Gate rules").

One function, :func:`decide`, answers it for the entry form (on every
keystroke that changes the door), for pass scans and for the save itself,
from:

- the household's key-person mark (:mod:`console.mark_rules`);
- the household's out-quota (setting ``gate_quota``, default one person per
  household every 2 days, out at most 2 hours; ``people`` 0 = no quota).
  The window is rolling: a turn taken at 10:00 on the 5th frees at 10:00 on
  the 7th; a member back late moves it back by the lateness when
  ``late_moves_turn``;
- a fever reading (setting ``gate_fever``: advise by default, with an
  instruction);
- who is out and who is inside, from the gate log of the last few days.

The log is read through per-day digests (:mod:`console.checkpoint.moves`)
that fold in each new entry, so a verdict costs a few dictionary lookups
and a save does not re-read the day. Corrections (:mod:`console.corrections`)
are new entries in the log; :func:`live` applies them, so quotas, counts and
"who is out" follow every correction.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field

from console.core import clock, i18n, settings, temperature
from console.core.i18n import DomainError
from console.core.operators import Actor
from console.core.store import Store
from console.core.temperature import is_fever
from console.checkpoint.moves import PASSED, Digest, day_digest
from console.households import mark_rules
from console.households.mark_rules import clean_instruction

FEVER = temperature.FEVER
#: ways out that use the household's quota ("" = logged on the form)
COUNTED = ("", "household")
#: days of log "who is inside / out" looks back over
LOOKBACK = 3
QUOTA_LIMITS = {"people": (0, 20), "every_days": (1, 30), "out_hours": (0.5, 24)}
QUOTA_DEFAULT = {"people": 1, "every_days": 2, "out_hours": 2, "late_moves_turn": True}
FEVER_DEFAULT = {"action": "advise", "instruction": ""}
INSIDE_LIMITS = (0.5, 72)

i18n.add({
    "gate.ok_quota": ("可以出门：{due} 前返回（{hours} 小时）",
                      "May go out: back by {due} ({hours} h)"),
    "gate.back_by": ("{due} 前返回", "back by {due}"),
    "gate.ok_out": ("可以出门", "May go out"),
    "gate.over_quota": ("本户外出名额已用完（{people} 人 / {days} 天），下次 {next}",
                        "Household quota used ({people} per {days} days): next turn {next}"),
    "gate.back": ("欢迎回来（{since} 出门）", "Welcome back (out since {since})"),
    "gate.late": ("超时返回 {minutes} 分钟（应 {due} 前回）", "Back {minutes} min late (due {due})"),
    "gate.late_turn": ("下次外出顺延到 {next}", "next turn moves to {next}"),
    "gate.fever": ("体温 {temp} °C，发热", "Temperature {temp} °C: fever"),
    "gate.instruction.fever": ("请到临时观察点复测，并通知社区医生。",
                               "Re-measure at the observation point and call the community doctor."),
    "gate.inside_already": ("已在里面（{since} 进来）", "Already inside (came in {since})"),
    "gate.inside_since": ("{since} 进来，已 {duration}", "Inside since {since} ({duration})"),
    "gate.duration": ("{h} 小时 {m} 分", "{h} h {m} min"),
    "gate.denied_entry": ("不能放行：{message}。只有组长可以写明理由后放行。",
                          "Denied: {message}. Only a leader can let them through, with a reason."),
    "gate.override_reason": ("放行被拒绝的人要写明理由。", "Letting a denied person through needs a reason."),
    "gate.override_long": ("理由最多 80 个字。", "The reason is 80 characters at most."),
    "gate.bad_number": ("{what}应在 {low} 到 {high} 之间。", "{what} must be {low} to {high}."),
    "gate.what.people": ("每户人数", "People per household"),
    "gate.what.every_days": ("间隔天数", "Days between turns"),
    "gate.what.out_hours": ("外出小时数", "Hours out"),
    "gate.what.inside_hours": ("外来人员停留小时数", "Hours an outsider may stay"),
})


# -- settings -----------------------------------------------------------------

def _number(value, key: str, low: float, high: float, whole: bool) -> float | int:
    try:
        number = float(value)
    except (TypeError, ValueError):
        number = math.nan
    if math.isnan(number) or not low <= number <= high or (whole and number != int(number)):
        raise DomainError("gate.bad_number", field=key, what=i18n.t(f"gate.what.{key}"),
                          low=low, high=high)
    return int(number) if whole or number == int(number) else number


def _validate_quota(value) -> dict:
    if not isinstance(value, dict):
        raise DomainError("gate.bad_rules", field="gate_quota")
    rule = {**QUOTA_DEFAULT, **value}
    out = {k: _number(rule[k], k, lo, hi, k != "out_hours") for k, (lo, hi) in QUOTA_LIMITS.items()}
    out["late_moves_turn"] = bool(rule["late_moves_turn"])
    return out


def _validate_fever(value) -> dict:
    rule = {**FEVER_DEFAULT, **(value if isinstance(value, dict) else {})}
    if rule["action"] not in mark_rules.ACTIONS:
        raise DomainError("gate.bad_action", field="gate_fever", colour=i18n.t("gate.what.fever"))
    return {"action": rule["action"], "instruction": clean_instruction(rule.get("instruction"))}


def _validate_inside(value) -> float | int:
    return _number(value, "inside_hours", *INSIDE_LIMITS, whole=False)


i18n.add({"gate.what.fever": ("发热", "fever")})
settings.register("gate_quota", QUOTA_DEFAULT, _validate_quota)
settings.register("gate_fever", FEVER_DEFAULT, _validate_fever)
settings.register("gate_inside_hours", 2, _validate_inside)


# -- the log, corrected -------------------------------------------------------

def corrections_of(rows) -> dict[int, dict]:
    """Entry id -> the entry that corrects it (an annulment or a fix)."""
    return {r["corrects"]: {**r, "id": r.doc_id if hasattr(r, "doc_id") else r["id"]}
            for r in rows if r.get("corrects")}


def live(rows) -> list[dict]:
    """A day's arrivals after corrections, each with its ``id``: annulled
    entries and annulments dropped, a fixed entry replaced by its fix."""
    rows = [{**r, "id": r.doc_id} if hasattr(r, "doc_id") else r for r in rows]
    fixed = corrections_of(rows)
    return [r for r in rows if r["id"] not in fixed and r.get("correction") != "annul"]


def window_days(today: dt.date, quota: dict) -> list[str]:
    back = max(LOOKBACK, int(quota["every_days"]) + 1)
    return [(today - dt.timedelta(days=i)).isoformat() for i in range(back - 1, -1, -1)]


def digests(store: Store, now: dt.datetime, without: int | None = None) -> list[tuple[str, Digest]]:
    """(day, digest) for the days the rules look at, oldest first, as the
    store is now (inside a transaction: as the lock found it); today's as
    if entry ``without`` had not been logged, when given."""
    days = window_days(now.date(), quota_rule(store))
    out = [(day, day_digest(store, day)) for day in days]
    if without is not None:
        out[-1] = (days[-1], out[-1][1].without(without))
    return out


# -- residents: trips out and back --------------------------------------------

@dataclass
class Trip:
    out: dict
    due: dt.datetime | None
    back: dt.datetime | None = None

    def late_by(self, now: dt.datetime) -> dt.timedelta:
        if self.due is None:
            return dt.timedelta(0)
        return max(dt.timedelta(0), (self.back or now) - self.due)


def _key_of(ev: dict):
    return (ev["via"], ev["pass"]) if ev["pass"] else None


def trips(events: list[dict], quota: dict) -> list[Trip]:
    """A household's trips from its gate moves (oldest first): each IN closes
    the open OUT with the same pass, else the same name, else the oldest."""
    out: list[Trip] = []
    open_: list[Trip] = []
    for ev in sorted(events, key=lambda e: e["at"]):
        if ev["dir"] == "out":
            due = ev["due"]
            if due is None and ev["via"] in COUNTED:
                due = ev["at"] + dt.timedelta(hours=quota["out_hours"])
            trip = Trip(ev, due)
            open_.append(trip)
            out.append(trip)
            continue
        match = (next((t for t in open_ if _key_of(ev) and _key_of(t.out) == _key_of(ev)), None)
                 or next((t for t in open_ if ev["name"] and t.out["name"] == ev["name"]), None)
                 or (open_[0] if open_ else None))
        if match is not None:
            match.back = ev["at"]
            open_.remove(match)
    return out


def door_trips(store: Store, door: str, now: dt.datetime, without: int | None = None) -> list[Trip]:
    events = [ev for _, d in digests(store, now, without) for ev in d.doors.get(door, ())]
    return trips(events, quota_rule(store))


def turn_frees(trip: Trip, quota: dict, now: dt.datetime) -> dt.datetime:
    """When the quota slot a counted trip uses becomes free again."""
    extra = trip.late_by(now) if quota["late_moves_turn"] else dt.timedelta(0)
    return trip.out["at"] + dt.timedelta(days=quota["every_days"]) + extra


# -- outsiders: who is inside --------------------------------------------------

def outsider_key(name: str, phone: str, org: str):
    return ("phone", phone) if phone else ("name", name, org)


def inside_map(store: Store, now: dt.datetime, without: int | None = None) -> dict[tuple, dict]:
    """Outsiders let in at the form and not logged out (last LOOKBACK days):
    key -> IN move. (An organisation's pass goes out and back: not a visit.)"""
    found: dict[tuple, dict] = {}
    for _, d in digests(store, now, without)[-LOOKBACK:]:
        for ev in d.outsiders:
            if ev["pass"]:
                continue
            key = outsider_key(ev["name"], ev["phone"], ev["org"])
            if ev["dir"] == "in":
                found.setdefault(key, ev)
            else:
                found.pop(key, None)
    return found


# -- the verdict ---------------------------------------------------------------

def quota_rule(store: Store) -> dict:
    return settings.current(store, "gate_quota")


@dataclass(frozen=True)
class Decision:
    """The gate's answer: ``kind`` allow / advise / deny (or none: nothing to
    say), a ``code`` for what decided it, the line the volunteer reads."""
    kind: str
    code: str = ""
    message: str = ""
    instruction: str = ""
    due_back: dt.datetime | None = None
    next_turn: dt.datetime | None = None
    late_minutes: int = 0
    notes: tuple[str, ...] = field(default=())

    @property
    def denied(self) -> bool:
        return self.kind == "deny"

    @property
    def text(self) -> str:
        """Message, instruction and notes on one line."""
        sep = "；" if i18n.lang() == "zh" else "; "
        return sep.join(p for p in (self.message, self.instruction, *self.notes) if p)

    def record(self) -> dict:
        """What the entry stores of the verdict the desk was shown."""
        out = {"kind": self.kind, "code": self.code}
        if self.due_back:
            out["due_back"] = self.due_back.isoformat()
        if self.late_minutes:
            out["late_minutes"] = self.late_minutes
        return out


_RANK = {"none": 0, "allow": 1, "advise": 2, "deny": 3}


def _hm(when: dt.datetime, now: dt.datetime) -> str:
    return when.strftime("%H:%M") if when.date() == now.date() else when.strftime("%m-%d %H:%M")


def _duration(delta: dt.timedelta) -> str:
    minutes = int(delta.total_seconds() // 60)
    return i18n.t("gate.duration", h=minutes // 60, m=minutes % 60)


def _resident_out(store: Store, door: str, via: str, now: dt.datetime, without) -> Decision:
    mark = mark_rules.gate_mark(store, door, now.date())
    if mark and mark.action == "deny":
        return Decision("deny", mark.code, mark.message, mark.instruction)
    quota = quota_rule(store)
    if via not in COUNTED or not quota["people"]:
        return Decision("advise" if mark else "allow", mark.code if mark else "",
                        mark.message if mark else i18n.t("gate.ok_out"),
                        mark.instruction if mark else "")
    used = [t for t in door_trips(store, door, now, without)
            if t.out["via"] in COUNTED and turn_frees(t, quota, now) > now]
    if len(used) >= quota["people"]:
        nxt = min(turn_frees(t, quota, now) for t in used)
        return Decision("deny", "quota", i18n.t("gate.over_quota", people=quota["people"],
                                                days=quota["every_days"], next=_hm(nxt, now)),
                        next_turn=nxt,
                        notes=(mark.message, mark.instruction) if mark else ())
    due = now + dt.timedelta(hours=quota["out_hours"])
    line = i18n.t("gate.ok_quota", due=_hm(due, now), hours=quota["out_hours"])
    if mark:
        return Decision("advise", mark.code, mark.message, mark.instruction, due, notes=(line,))
    return Decision("allow", "quota", line, due_back=due)


def _resident_in(store: Store, door: str, name: str, pass_key, now: dt.datetime,
                 without) -> Decision:
    open_ = [t for t in door_trips(store, door, now, without) if t.back is None]
    ev = {"dir": "in", "name": name, "via": pass_key[0] if pass_key else "",
          "pass": pass_key[1] if pass_key else None}
    trip = (next((t for t in open_ if pass_key and _key_of(t.out) == pass_key), None)
            or next((t for t in open_ if name and t.out["name"] == ev["name"]), None)
            or (open_[0] if open_ else None))
    if trip is None:
        return Decision("none")
    late = trip.late_by(now)
    if late <= dt.timedelta(0):
        return Decision("allow", "back", i18n.t("gate.back", since=_hm(trip.out["at"], now)))
    quota = quota_rule(store)
    minutes = int(late.total_seconds() // 60) or 1
    notes = ()
    if quota["late_moves_turn"] and trip.out["via"] in COUNTED and quota["people"]:
        notes = (i18n.t("gate.late_turn", next=_hm(turn_frees(trip, quota, now), now)),)
    return Decision("advise", "late", i18n.t("gate.late", minutes=minutes, due=_hm(trip.due, now)),
                    late_minutes=minutes, notes=notes)


def _outsider(store: Store, direction: str, name: str, phone: str, org: str, now: dt.datetime,
              without) -> Decision:
    ev = inside_map(store, now, without).get(outsider_key(name, phone, org))
    if ev is None:
        return Decision("none")
    if direction == "in":
        return Decision("advise", "inside", i18n.t("gate.inside_already", since=_hm(ev["at"], now)))
    return Decision("allow", "inside", i18n.t("gate.inside_since", since=_hm(ev["at"], now),
                                              duration=_duration(now - ev["at"])))


def decide(store: Store, *, direction: str, door: str = "", name: str = "", phone: str = "",
           org: str = "", temp: float | None = None, via: str = "", pass_key=None,
           now: dt.datetime | None = None, without: int | None = None) -> Decision:
    """May this person go ``direction`` now? ``door`` is a clean door of the
    registry ("" for an outsider), ``via`` how they go ("" form, "errand",
    "household", "commuter" pass); called inside the transaction that will
    write the entry, it reads the log as the lock found it (so two desks
    never both get a household's last quota slot); ``without``: an entry of
    today's log to leave out (the one a fix replaces)."""
    now = now or clock.now()
    if direction not in ("in", "out"):
        return Decision("none")
    if door and direction == "out":
        d = _resident_out(store, door, via, now, without)
    elif door:
        d = _resident_in(store, door, name, pass_key, now, without)
    else:
        d = _outsider(store, direction, name, phone, org, now, without)
    fever = settings.current(store, "gate_fever")
    if is_fever(temp) and fever["action"] != "none":
        line = i18n.t("gate.fever", temp=f"{temp:.1f}")
        instruction = fever["instruction"] or i18n.t("gate.instruction.fever")
        if _RANK[fever["action"]] > _RANK[d.kind]:
            d = Decision(fever["action"], "fever", line, instruction, d.due_back,
                         notes=tuple(p for p in (d.message, *d.notes) if p))
        else:
            d = Decision(d.kind, d.code, d.message, d.instruction, d.due_back, d.next_turn,
                         d.late_minutes, (*d.notes, line, instruction))
    return d


def enforce(decision: Decision, outcome: str, actor: Actor, reason: str) -> dict | None:
    """Refuse letting a denied person through unless a leader gives a reason;
    returns the override to store on the entry (None when none is needed)."""
    if not decision.denied or outcome not in PASSED:
        return None
    if not actor.is_leader:
        raise DomainError("gate.denied_entry", field="outcome", message=decision.message)
    reason = " ".join(str(reason or "").split())
    if not reason:
        raise DomainError("gate.override_reason", field="override")
    if len(reason) > 80:
        raise DomainError("gate.override_long", field="override")
    return {"by": actor.name, "reason": reason, "rule": decision.code, "at": clock.stamp()}
