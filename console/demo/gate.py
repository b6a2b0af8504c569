"""Demo part for the gate rules (story 1), today at 西门: marked households'
members turned away (one let out by a leader with a reason), households
that used their out-quota (one member back late, one refused as over
quota, one still out), standing passes of both kinds in use, an annulled
entry, outsiders inside (one overstaying)."""

from __future__ import annotations

import datetime as dt

from console.checkpoint import corrections
from console.checkpoint import rules as gate_rules
from console.checkpoint.gate import PASS
from console.checkpoint.gates import DEFAULT_GATES
from console.core import clock, operators
from console.core.store import Store
from console.errands import standing
from console.households import marks
from console.households import registry as households

GATE = DEFAULT_GATES[0]["name"]
_OUTSIDERS = (("李强", "顺丰快递", "deliver", 200), ("王建军", "供电所", "work", 75),
              ("周医生", "社区卫生服务中心", "medical", 40), ("赵师傅", "自来水公司", "work", 15))


def part(store: Store, rng, days: int) -> str:
    now = clock.now().replace(microsecond=0)
    today = now.date().isoformat()
    members = operators.roster(store)
    boss = operators.Actor(next(m["name"] for m in members if m["role"] == "leader"), "leader")
    crew = [m["name"] for m in members if m["role"] == "volunteer"]
    store.actor = {"op": boss.name, "role": "leader"}
    quota = gate_rules.quota_rule(store)
    homes = households.by_door(store)
    marked = [m for m in marks.current(store).values() if m["colour"] in ("red", "orange", "yellow")]
    free = [d for d in sorted(homes) if d not in marks.current(store)
            and not gate_rules.door_trips(store, d, now)]
    rng.shuffle(free)

    def ago(minutes: int) -> dt.datetime:
        return now - dt.timedelta(minutes=minutes)

    def row(at: dt.datetime, name: str, door: str, direction: str, outcome: str, **extra) -> dict:
        return {"at": at.isoformat(), "name": name, "phone": "", "door": door, "org": "",
                "direction": direction, "purpose": "buy", "purpose_note": "", "outcome": outcome,
                "temp": round(rng.gauss(36.5, 0.2), 1), "fever": False, "plate": "", "note": "",
                "gate": GATE, "shift": None, "by": rng.choice(crew), **extra}

    def due(at: dt.datetime) -> str:
        return (at + dt.timedelta(hours=quota["out_hours"])).isoformat()

    rows: list[dict] = []
    for m in marked[:4]:   # key-person households trying to go out: turned away
        code = "quarantine" if m["colour"] == "yellow" else "mark"
        rows.append(row(ago(rng.randint(20, 240)), homes[m["door"]]["head"], m["door"], "out",
                        "turned_away", rule={"kind": "deny", "code": code}))
    override = next((m for m in marked[4:] if m["colour"] != "yellow"), None)
    if override:           # ... and one let out by a leader, with the reason on the entry
        rows.append(row(ago(35), homes[override["door"]]["head"], override["door"], "out",
                        "allowed", purpose="medical", rule={"kind": "deny", "code": "mark"},
                        by=boss.name, override={"by": boss.name, "reason": "发热门诊复查，社区医生陪同",
                                                "rule": "mark", "at": ago(35).isoformat()}))
    quota_doors = free[:4]
    for i, door in enumerate(quota_doors):   # used the quota today
        head = homes[door]["head"]
        out_at = ago([300, 260, 90, 150][i])
        rows.append(row(out_at, head, door, "out", "allowed",
                        rule={"kind": "allow", "code": "quota", "due_back": due(out_at)}))
        if i == 0:      # back on time; later another member was refused: over quota
            rows.append(row(ago(230), head, door, "in", "allowed"))
            rows.append(row(ago(60), head[0] + "小妹", door, "out", "turned_away",
                            rule={"kind": "deny", "code": "quota"}))
        elif i == 1:    # back 40 minutes late
            rows.append(row(ago(100), head, door, "in", "allowed",
                            rule={"kind": "advise", "code": "late", "late_minutes": 40}))
    for name, org, purpose, minutes in _OUTSIDERS:   # inside now; the first overstays
        rows.append({**row(ago(minutes), name, "", "in", "allowed", purpose=purpose), "org": org})
    wrong = row(ago(12), "测试", free[4], "in", "allowed", note="培训时的测试登记")
    rows.append(wrong)

    home_passes = [standing.issue_household(store, boss, d) for d in free[5:8]]
    work_passes = [standing.issue_commuter(store, boss, d, homes[d]["head"], org, days=14)
                   for d, org in zip(free[8:10], ("华中食品厂", "市第一医院"))]
    if now.hour >= 8:
        for p in work_passes:
            rows.append(row(now.replace(hour=7, minute=40), p["person"], p["door"], "out", PASS,
                            purpose="work", pass_kind="commuter", **{"pass": p["number"]},
                            note=f"单位工作证明 {p['number']}"))
    p = home_passes[0]
    rows.append(row(ago(50), p["person"], p["door"], "out", PASS, purpose="errand",
                    pass_kind="household", **{"pass": p["number"]}, note=f"居民出入证 {p['number']}",
                    rule={"kind": "allow", "code": "quota", "due_back": due(ago(50))}))
    rows = [r for r in rows if r["at"][:10] == today]
    rows.sort(key=lambda r: r["at"])
    with store.transaction(("checkpoint", today)) as tx:
        ids = tx.table("checkpoint", today).insert_multiple(rows)
    if wrong in rows:
        corrections.annul(store, boss, today, ids[rows.index(wrong)], "培训测试，不是真实出入")
    store.actor = {"op": "", "role": ""}
    return (f"gate rules: {len(rows)} entries today ({min(4, len(marked))} marked households turned "
            f"away, {1 if override else 0} leader override, {len(quota_doors)} households on quota), "
            f"{len(home_passes)} household and {len(work_passes)} work passes, "
            f"{len(_OUTSIDERS)} outsiders inside, 1 annulled entry")
