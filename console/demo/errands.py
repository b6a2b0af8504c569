"""Errands demo part: a few dozen errands in every state, their gate entries, scans and slips."""

from __future__ import annotations

import datetime as dt

from tinydb import where

from console.core import clock, i18n, operators, printing
from console.core.store import Store
from console.demo import roster as demo
from console.errands import keys, passes, slips
from console.errands.errand import status
from console.households import registry as households

_DEMO_PURPOSES = [
    ("买白糖（复工原料）", "白糖 50 kg", "中百仓储超市"), ("买奶粉", "婴儿奶粉 2 罐", "母婴店"),
    ("买尿不湿", "尿不湿 3 包", "好又多超市"), ("买灯泡", "LED 灯泡 4 个", "五金店"),
    ("买下水管", "PVC 管 2 根", "建材市场"), ("取课本", "初二课本一套", "实验中学"),
    ("送饭到隔离酒店", "午饭一份（无调料）", "锦江隔离酒店"), ("取药", "降压药 1 月量", "社区医院"),
    ("买体温计", "水银体温计 20 支", "第二社区卫生服务中心"),
]
_DEMO_ORGS = ["宏达食品厂", "康乐药房", "惠民粮油店"]


def part(store: Store, rng, days: int) -> str:
    """A few dozen errands over the last ``days`` days in every state, their
    gate entries and scans, and PNG slips for a handful."""

    now = clock.now().replace(second=0)
    leaders = [m["name"] for m in operators.roster(store) if m["role"] == "leader"]
    volunteers = [m["name"] for m in operators.roster(store)]
    doors = sorted(households.by_door(store))
    key = keys.current_key(store)
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
    if printing.find_cjk_font():
        for doc in [d for d in docs if d["state"] in ("issued", "out")][:6]:
            slips.save_png(store, doc, slips.render(doc, lang="zh", width=384, gate="西门",
                                                     site=slips.site_name(store)))
            printed += 1
    states = {}
    for d in docs:
        s = status(d, now)
        states[s] = states.get(s, 0) + 1
    summary = ", ".join(f"{k} {v}" for k, v in sorted(states.items()))
    slips_line = f"{printed} slips under slips/" if printed else i18n.t("printing.no_font")
    return f"errands: {len(docs)} ({summary}); {slips_line}"
