"""Checkpoint demo part: weeks of gate traffic at 西门 (story 1), three shifts a day."""

from __future__ import annotations

import datetime as dt
from collections import Counter

from console.checkpoint.gate import FORM_PURPOSES, OUTCOMES, PASS, TEMP_MAX, TEMP_MIN
from console.checkpoint.gates import DEFAULT_GATES
from console.checkpoint.rules import is_fever
from console.core import clock
from console.core.store import Store
from console.demo import roster as base
from console.households import registry as households
from console.purchases import orders as purchases

_ORGS = ("顺丰快递", "京东物流", "中百仓储配送", "区卫健局", "市纪委监委", "供电所", "自来水公司",
         "社区卫生服务中心", "蔬菜种植合作社", "华中食品厂", "外卖骑手", "邮政速递", "城管中队")
_HOURS = [1, 1, 1, 1, 1, 2, 4, 8, 12, 12, 11, 9, 7, 8, 9, 11, 12, 10, 7, 5, 4, 3, 2, 1]
_ATTEMPT_NOTES = ("夜间从巷道二运货被拦", "翻越围挡被劝回", "想从后门出去，已劝返", "")
_HANDOVERS = ("一切正常。", "巷道二围挡被挪动过，已加固，请夜里多看两眼。",
              "有位老人要去药店，已转代购，明早回电。", "发热一人已通知社区医生。",
              "快递车统一停在门外，货放消毒区。", "下午人多，很多人想进来买菜，都劝回了。")


def part(store: Store, rng, days: int) -> str:
    """Weeks of gate traffic at 西门 (story 1): most turned away, some allowed,
    some redirected to proxy purchase, passes out and back; 3 shifts a day."""

    now = clock.now()
    tz = now.tzinfo
    homes = list(households.by_door(store).values())
    regulars = []
    for _ in range(700):
        if rng.random() < 0.8 and homes:
            h = rng.choice(homes)
            name = h["head"] if rng.random() < 0.4 else h["head"][0] + base.person_name(rng)[1:]
            regulars.append((name, h["phone"] if rng.random() < 0.5 else base.mobile(rng),
                             h["door"], ""))
        else:
            regulars.append((base.person_name(rng), base.mobile(rng), "", rng.choice(_ORGS)))
    gate = DEFAULT_GATES[0]["name"]
    start = now.date() - dt.timedelta(days=days - 1)
    shift_rows, total, outcome_mix = [], 0, Counter()
    pass_no, requests_today = 1000, []
    for i in range(days):
        day = start + dt.timedelta(days=i)
        midnight = dt.datetime.combine(day, dt.time(), tz)
        crew = rng.sample(base.VOLUNTEERS, 3)
        shifts = []
        for s in range(3):
            opened = midnight + dt.timedelta(hours=8 * s)
            if opened > now:
                break
            closed = opened + dt.timedelta(hours=8)
            shifts.append({"gate": gate, "opened_at": opened.isoformat(), "opened_by": crew[s],
                           "closed_at": closed.isoformat() if closed <= now else None,
                           "closed_by": crew[(s + 1) % 3] if closed <= now else "",
                           "handover": rng.choice(_HANDOVERS) if closed <= now else "",
                           "counts": Counter(), "id": len(shift_rows) + len(shifts) + 1})
        shift_rows += shifts
        volume = 1900 - 1500 * i / max(1, days - 1)
        volume = int(min(2000, max(200, volume * rng.uniform(0.85, 1.1))))
        hours = [h for h in range(24) if midnight + dt.timedelta(hours=h) <= now]
        if not hours:
            continue
        stamps = sorted(midnight + dt.timedelta(hours=h, seconds=rng.randrange(3600))
                        for h in rng.choices(hours, [_HOURS[h] for h in hours],
                                             k=volume * len(hours) // 24))
        stamps = [t for t in stamps if t <= now]
        rows: list[dict] = []
        returns: list[dict] = []
        for at in stamps:
            who = rng.choice(regulars) if rng.random() < 0.7 else (
                base.person_name(rng), base.mobile(rng) if rng.random() < 0.6 else "", "",
                rng.choice(_ORGS) if rng.random() < 0.3 else "")
            r = rng.random()
            outcome = ("turned_away" if r < 0.70 else "allowed" if r < 0.85 else
                       "redirected" if r < 0.93 else PASS)
            if outcome == "redirected" and not who[2] and homes:
                h = rng.choice(homes)
                who = (who[0], who[1], h["door"], "")
            night = at.hour < 6 or at.hour >= 22
            direction = "attempt" if night and outcome == "turned_away" and rng.random() < 0.5 \
                else "out" if outcome == PASS else "in"
            purpose = ("errand" if outcome == PASS else
                       rng.choices(FORM_PURPOSES, (50, 12, 8, 6, 12, 4))[0])
            if outcome == "allowed" and purpose == "buy":
                purpose = rng.choice(("deliver", "medical", "home"))
            temp = None if rng.random() < 0.25 else round(
                rng.uniform(37.3, 38.6) if rng.random() < 0.01 else rng.gauss(36.5, 0.25), 1)
            temp = None if temp is None else min(TEMP_MAX, max(TEMP_MIN, temp))
            e = {"at": at.isoformat(), "name": who[0], "phone": who[1], "door": who[2],
                 "org": who[3], "direction": direction, "purpose": purpose,
                 "purpose_note": "取药" if purpose == "other" else "", "outcome": outcome,
                 "temp": temp, "fever": is_fever(temp),
                 "plate": (rng.choice("ABCDE") + str(rng.randrange(10000, 99999)))
                 if purpose in ("deliver", "work") and rng.random() < 0.4 else "",
                 "note": rng.choice(_ATTEMPT_NOTES) if direction == "attempt" else "",
                 "gate": gate, "shift": None, "by": ""}
            if e["plate"]:
                e["plate"] = "鄂" + e["plate"]
            if outcome == PASS:
                pass_no += 1
                e.update({"pass": pass_no, "note": f"pass {pass_no}"})
            # passes come back in, outsiders let in leave again (within the day)
            stay = (40, 200) if outcome == PASS else (10, 100)
            if outcome == PASS or (outcome == "allowed" and not e["door"] and direction == "in"):
                back = min(at + dt.timedelta(minutes=rng.randrange(*stay)),
                           midnight + dt.timedelta(hours=23, minutes=59))
                if back <= now:
                    returns.append({**e, "direction": "out" if direction == "in" else "in",
                                    "at": back.isoformat()})
            rows.append(e)
        rows += returns
        rows.sort(key=lambda e: e["at"])
        for e in rows:
            s = shifts[min(int(e["at"][11:13]) // 8, len(shifts) - 1)]
            e["shift"], e["by"] = s["id"], s["opened_by"]
            s["counts"][e["outcome"]] += 1
            s["counts"]["fevers"] += e["fever"]
            if e["outcome"] == PASS:
                s["counts"]["passes_" + e["direction"]] += 1
            outcome_mix[e["outcome"]] += 1
        ids = store.table("checkpoint", day.isoformat()).insert_multiple(rows)
        total += len(rows)
        if day == now.date():
            requests_today = [
                {"door": e["door"], "person": e["name"] or e["org"], "phone": e["phone"],
                 "org": e["org"], "status": "new", "note": "",
                 "source": {"checkpoint": day.isoformat(), "id": i}, "lines": [],
                 "at": e["at"], "by": e["by"]}
                for i, e in zip(ids, rows) if e["outcome"] == "redirected"]
    for s in shift_rows:
        c = s.pop("counts")
        s.pop("id")
        s["counts"] = {} if s["closed_at"] is None else {
            "total": sum(c[o] for o in OUTCOMES), "outcomes": {o: c[o] for o in OUTCOMES},
            "fevers": c["fevers"], "passes_out": c["passes_out"], "passes_in": c["passes_in"]}
    store.table("shifts").insert_multiple(shift_rows)
    if requests_today:
        with store.transaction(purchases.REQUESTS) as tx:
            tx.table(purchases.REQUESTS).insert_multiple(
                [{**r, "no": purchases.next_number(tx), "run": None, "budget_fen": None,
                  "ordered_at": None, "paid_fen": None, "delivery": {}, "settlement": None}
                 for r in requests_today])
    mix = ", ".join(f"{o} {100 * outcome_mix[o] // max(1, total)}%" for o in OUTCOMES)
    return (f"checkpoint: {total} gate entries over {days} days at {gate} ({mix}), "
            f"{len(shift_rows)} shifts, {len(requests_today)} purchase requests today")
