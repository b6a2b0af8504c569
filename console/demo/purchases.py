"""Demo data for purchases at the scale of story 2: five village groups,
a shopping run every other day from the previous day's chat orders, the
35-yuan vegetable bundle, specials that bring waves of orders, and the
mother's meals carried to the quarantine hotel at 11:30 and 17:20.

Past runs are bought, delivered and mostly settled (a few bills still
unpaid); the next run is open and taking orders; two requests came from
the checkpoint and wait for their items. Written in bulk, one transaction
per run, so the whole part takes well under a second or two.
"""

from __future__ import annotations

import datetime as dt
import random

from console.core import clock
from console.purchases import catalogue as C
from console.purchases import orders as P
from console.purchases import runs as R
from console.purchases import schedules as S
from console.core.operators import Actor
from console.core.store import Store
from console.demo.roster import VOLUNTEERS

SHOP = "平价超市"
OTHER_SHOP = "中百超市"
BUNDLE = "35元爱心蔬菜包"
# item, unit, price at SHOP (fen), typical quantities
ITEMS = [("土豆", "斤", 150, (2, 3, 5)), ("白菜", "棵", 300, (1, 2)), ("萝卜", "斤", 120, (2, 3)),
         ("鸡蛋", "个", 80, (10, 15, 30)), ("猪肉", "斤", 2800, (1, 2)), ("牛奶", "箱", 4500, (1, 2)),
         ("大米", "袋", 5500, (1,)), ("面条", "包", 450, (1, 2, 3)), ("食用油", "桶", 6900, (1,)),
         ("酱油", "瓶", 890, (1,)), ("青菜", "斤", 400, (1, 2)), ("苹果", "斤", 650, (2, 3)),
         ("纸尿裤", "包", 8900, (1,)), ("奶粉", "罐", 22800, (1,)), ("灯泡", "个", 1200, (1, 2))]
GROUPS = 5
PER_GROUP = 60          # households per village group that order through the desk


def part(store: Store, rng: random.Random, days: int) -> str:
    today = clock.today()
    tz = clock.now().tzinfo
    store.actor = {"op": VOLUNTEERS[0], "role": "leader"}
    homes = store.table("households").all()
    by_grid: dict[str, list[dict]] = {}
    for h in homes:
        if len(h["room"]) > 4:      # chat doors have 3-4 digit rooms
            continue
        by_grid.setdefault(str(h["grid"]), []).append(h)
    village = [h for g in sorted(by_grid)[:GROUPS] for h in rng.sample(by_grid[g], min(PER_GROUP, len(by_grid[g])))]

    _catalogue(store, today)
    # every other day: yesterday, three days ago, ...; tomorrow's run takes today's orders
    run_days = [today - dt.timedelta(days=d) for d in reversed(range(1, days, 2))]
    orders = runs = unpaid = 0
    for i, day in enumerate(run_days):
        special = i % 3 == 2            # every third run a special brings a wave
        n = rng.randint(40, 70) + (45 if special else 0)
        orders += n
        runs += 1
        unpaid += _past_run(store, rng, day, tz, rng.sample(village, min(n, len(village))),
                            special, recent=i >= len(run_days) - 1)
    # the next run: tomorrow's, taking today's orders until 20:00
    nxt = today + dt.timedelta(days=1)
    R.create_run(store, store_actor(), nxt, SHOP)
    chat = "\n".join(_chat_line(rng, k, h) for k, h in enumerate(rng.sample(village, 35), start=1))
    created, _ = P.parse_and_import(store, store_actor(), "#接龙 明天代购\n" + chat)
    with store.transaction(P.REQUESTS) as tx:  # redirected at the checkpoint, items not filled in yet
        for k, h in enumerate(rng.sample(homes, 2)):  # numbered and timed like the gate's own
            at = clock.now() - dt.timedelta(hours=2 - k)
            tx.table(P.REQUESTS).insert({
                "door": h["door"], "person": h["head"], "phone": h["phone"], "status": "new",
                "lines": [], "source": {"checkpoint": today.isoformat(), "id": 1},
                "no": P.next_number(tx), "at": at.isoformat(timespec="seconds"), "by": VOLUNTEERS[2]})
    _meals(store, rng, today, days)
    store.actor = {"op": "", "role": ""}
    return (f"purchases: {GROUPS} village groups, {runs} past runs ({orders} orders, {unpaid} unpaid), "
            f"next run {nxt} open with {len(created)} orders; meals to the hotel at 11:30 and 17:20")


def store_actor():
    return Actor(VOLUNTEERS[0], "leader")


def _catalogue(store: Store, today: dt.date) -> None:
    rows = [{"kind": "bundle", "name": BUNDLE, "price_fen": 3500, "unit": "份",
             "supplier": "城东蔬菜种植户 老李", "contents": "土豆 白菜 萝卜 青菜 葱姜 约8斤"}]
    seen = (today - dt.timedelta(days=2)).isoformat()
    for name, unit, fen, _ in ITEMS:
        rows.append({"kind": "item", "name": name, "unit": unit,
                     "prices": {SHOP: {"price_fen": fen, "seen": seen},
                                OTHER_SHOP: {"price_fen": fen * 115 // 100, "seen": seen}}})
    rows += [{"kind": "special", "name": "牛奶", "unit": "箱", "price_fen": 3290, "shop": SHOP,
              "ends": (today + dt.timedelta(days=1)).isoformat(), "note": "临期特价，限每户2箱"},
             {"kind": "special", "name": "土豆", "unit": "斤", "price_fen": 90, "shop": SHOP,
              "ends": (today + dt.timedelta(days=3)).isoformat(), "note": "大量到货"}]
    store.table(C.CATALOGUE).insert_multiple(rows)


def _lines(rng: random.Random, special: bool) -> list[dict]:
    lines = []
    if rng.random() < 0.45:
        lines.append({"item": BUNDLE, "qty": 1, "unit": "份", "note": "", "short": False})
    for name, unit, _, qtys in rng.sample(ITEMS[:12], rng.randint(0 if lines else 1, 4)):
        lines.append({"item": name, "qty": rng.choice(qtys), "unit": unit,
                      "note": rng.choice(["", "", "", "要瘦的", "小一点的"]) if name == "猪肉" else "",
                      "short": False})
    if special and not any(ln["item"] == "牛奶" for ln in lines):
        lines.append({"item": "牛奶", "qty": rng.choice((1, 2)), "unit": "箱", "note": "特价", "short": False})
    if rng.random() < 0.04:
        name, unit, _, qtys = rng.choice(ITEMS[12:])
        lines.append({"item": name, "qty": rng.choice(qtys), "unit": unit, "note": "", "short": False})
    return lines


def _cost(lines: list[dict]) -> int:
    prices = {name: fen for name, _, fen, _ in ITEMS}
    prices[BUNDLE] = 3500
    return sum(int(prices[ln["item"]] * ln["qty"]) for ln in lines if not ln["short"])


def _past_run(store: Store, rng: random.Random, day: dt.date, tz, homes: list[dict],
              special: bool, recent: bool) -> int:
    order_day = day - dt.timedelta(days=1)
    deadline = dt.datetime.combine(order_day, dt.time(20), tzinfo=tz)
    vols = VOLUNTEERS[2:]
    unpaid = 0
    with store.transaction(P.RUNS, P.REQUESTS) as tx:
        reqs = []
        for k, h in enumerate(homes, start=1):
            lines = _lines(rng, special)
            if rng.random() < 0.06:
                rng.choice(lines)["short"] = True
            at = dt.datetime.combine(order_day, dt.time(rng.randint(7, 19), rng.randint(0, 59)), tzinfo=tz)
            out_by = rng.choice(vols)
            done = dt.datetime.combine(day, dt.time(rng.randint(14, 18), rng.randint(0, 59)), tzinfo=tz)
            settled = None
            if not recent or rng.random() < 0.7:
                how = "paid" if rng.random() < 0.93 else "free"
                settled = {"how": how, "amount_fen": _cost(lines) if how == "paid" else 0, "reason": "",
                           "by": out_by, "at": done.isoformat()}
            else:
                unpaid += 1
            tx.next_number(f"request-{order_day.isoformat()}", P.REQUESTS)
            reqs.append({"no": f"{order_day:%m%d}-{k:03d}", "door": h["door"], "person": h["head"],
                         "phone": h["phone"], "lines": lines, "note": "", "budget_fen": None,
                         "source": {"chat": k}, "status": "delivered", "ordered_at": at.isoformat(),
                         "paid_fen": _cost(lines), "settlement": settled,
                         "delivery": {"out_by": out_by, "out_at": done.isoformat(), "by": out_by,
                                      "at": done.isoformat()}})
        ids = tx.table(P.REQUESTS).insert_multiple(reqs)
        total = sum(r["paid_fen"] for r in reqs)
        run_id = tx.table(P.RUNS).insert({
            "no": tx.next_number("run"), "date": day.isoformat(), "shop": SHOP,
            "deadline": deadline.isoformat(), "status": "bought" if recent else "closed",
            "requests": ids, "receipt_fen": total,
            "bought_at": dt.datetime.combine(day, dt.time(11), tzinfo=tz).isoformat()})
        tx.table(P.REQUESTS).update({"run": run_id}, doc_ids=ids)
    return unpaid


def _chat_line(rng: random.Random, k: int, h: dict, names: float = 0.2) -> str:
    """One sign-up line as residents write them: door in several forms, or the head's name."""
    lines = _lines(rng, special=rng.random() < 0.3)
    who = h["head"] if rng.random() < names else rng.choice(
        [f"{h['building']}栋{h['room']}", h["door"], f"{h['building']}#{h['room']}"])
    items = " ".join(f"{ln['item']}{ln['qty']:g}{ln['unit']}" for ln in lines)
    return f"{k}. {who} {items}"


def _meals(store: Store, rng: random.Random, today: dt.date, days: int) -> None:
    mother = store.table("households").all()[rng.randrange(len(store.table("households")))]
    start = today - dt.timedelta(days=min(days, 14))
    sched = S.add_schedule(store, store_actor(), "妈妈做的饭（儿子不能吃调料）", mother["door"],
                           "城南宾馆隔离点 3楼前台", "11:30 17:20", start=start,
                           note="饭盒写房号 312；不要放任何调料")
    now = clock.now()
    rows = []
    late = today - dt.timedelta(days=3)
    d = start
    while d <= today:
        for t in ("11:30", "17:20"):
            due = dt.datetime.combine(d, dt.time.fromisoformat(t), tzinfo=now.tzinfo)
            if due > now:
                continue
            minutes = 10 if (d == late and t == "11:30") else rng.randint(-8, 3)   # the day he forgot
            rows.append({"schedule": sched["id"], "date": d.isoformat(), "time": t,
                         "by": VOLUNTEERS[1], "done_at": (due + dt.timedelta(minutes=minutes)).isoformat()})
        d += dt.timedelta(days=1)
    # today's slots that have not come yet stay open, so the reminders are live
    rows = [r for r in rows if not (r["date"] == today.isoformat() and r["done_at"] > now.isoformat())]
    store.table(S.DONE).insert_multiple(rows)
