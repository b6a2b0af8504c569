"""Households demo part: grid workers, building leaders, key-person marks, a week of daily roll."""

from __future__ import annotations

import datetime as dt

from tinydb import where

from console.core import clock
from console.core.operators import Actor
from console.core.store import Store
from console.demo.roster import LEADERS, VOLUNTEERS
from console.households import marks, roll
from console.households.registry import grids

def part(store: Store, rng, days: int) -> str:
    """Grids with a grid worker and head, building leaders from the roster,
    some key-person marks (with a change history) and a week of daily roll."""

    boss = Actor(VOLUNTEERS[0], "leader")
    crew = VOLUNTEERS[LEADERS:]
    grid_names = [g["grid"] for g in grids(store)]
    with store.transaction("grids", "buildings") as tx:
        for i, g in enumerate(grid_names):
            tx.table("grids").upsert({"grid": g, "worker": crew[i],
                                      "head": VOLUNTEERS[i % LEADERS]}, where("grid") == g)
        leaders = crew[len(grid_names):]
        for i, b in enumerate(sorted(tx.table("buildings").all(), key=lambda b: b["number"])):
            tx.table("buildings").update({"leader": leaders[i % len(leaders)]}, doc_ids=[b.doc_id])
    houses = store.table("households").all()
    home = [h for h in houses if h.get("at_home", True)]
    today = clock.today()
    picked = rng.sample(home, 18)
    plan = ["red"] * 2 + ["orange"] * 5 + ["yellow"] * 11
    reasons = {"red": ["确诊，已送定点医院", "确诊，方舱医院治疗"],
               "orange": ["发热 38.2℃，待核酸结果", "疑似，已居家观察", "发热，社区医生随访"],
               "yellow": ["密接，居家隔离 14 天", "同楼确诊者密接，居家隔离", "外地返回，居家隔离"]}
    for h, colour in zip(picked, plan):
        since = today - dt.timedelta(days=rng.randint(1, 12))
        review = today + dt.timedelta(days=rng.randint(0, 10))
        if colour != "yellow" and rng.random() < 0.5:   # escalated from yellow: history shows it
            marks.set_mark(store, boss, h["door"], "yellow", rng.choice(reasons["yellow"]),
                           review, since=since)
        marks.set_mark(store, boss, h["door"], colour, rng.choice(reasons[colour]), review,
                       since=since)
    for h in rng.sample([h for h in home if h not in picked], 4):   # finished quarantine
        marks.set_mark(store, boss, h["door"], "yellow", "密接，居家隔离 14 天", today,
                       since=today - dt.timedelta(days=13))
        marks.clear_mark(store, boss, h["door"], "隔离期满，解除")
    fever_doors = {h["door"] for h, c in zip(picked, plan) if c == "orange"}
    roll_days = min(days, 7)
    reported = 0
    for back in range(roll_days - 1, -1, -1):
        day = today - dt.timedelta(days=back)
        share = 0.6 if back == 0 else 0.96
        entries = {}
        for h in home:
            if rng.random() > share:
                continue
            if h["door"] in fever_doors and rng.random() < 0.7:
                entries[h["door"]] = ("fever", f"{rng.uniform(37.4, 38.9):.1f}")
            else:
                entries[h["door"]] = ("normal", f"{rng.uniform(36.0, 37.1):.1f}")
        roll.report_many(store, boss, entries, day)
        reported += len(entries)
    return (f"registry: {len(grid_names)} grids with workers, {len(picked)} key persons marked, "
            f"{roll_days} days of daily roll ({reported} reports)")
