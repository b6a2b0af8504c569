"""Thermometers demo part (story 4): purchases from 20+ centres, free hand-outs, guns lent daily."""

from __future__ import annotations

import datetime as dt

from console.core import clock
from console.core.operators import Actor
from console.core.store import Store
from console.demo import roster as demo
from console.households import registry as households
from console.stock.balances import held_by_door, sources
from console.stock.ledger import REASONS, ledger

CENTRES = ["城东", "城西", "城南", "城北", "东湖", "西湖", "南湖", "北湖", "解放路", "人民路",
           "建设路", "胜利街", "和平街", "新华路", "中山路", "长江路", "汉江路", "滨江", "花园",
           "桥口", "白沙洲", "青山", "杨园", "关山"]


def part(store: Store, rng, days: int) -> str:
    """Story 4: 8 thermometers from one centre, then 500+ from 20+ centres over
    three days, handed out free; 5 infrared guns lent to 5 teams every day."""

    tz = clock.now().tzinfo
    today = clock.today()
    names = demo.VOLUNTEERS
    leader = Actor(names[0], "leader")
    homes = sorted(households.all_households(store), key=lambda h: (not h["at_home"], rng.random()))
    buy_days = [today - dt.timedelta(days=max(3, min(days, 6)) - k) for k in range(3)]  # all past

    def at(day: dt.date, hour: int, minute: int | None = None) -> str:
        return dt.datetime.combine(day, dt.time(hour, rng.randrange(60) if minute is None else minute),
                                   tz).isoformat()

    def ago(hours: float) -> str:  # today's moves happened before the demo was made
        return (clock.now() - dt.timedelta(hours=hours)).isoformat(timespec="seconds")

    bought = given = 0
    with ledger(store, leader) as led:
        first = buy_days[0] - dt.timedelta(days=1)
        led.receive("gun", 5, "区卫健委", "0", first, "每组一把", at=at(first, 9))
        led.receive("mercury", 8, "城东社区卫生服务中心", "3.5", first, "药店都卖完了", at=at(first, 10))
        bought += 8
        centres = rng.sample(CENTRES, 23)
        queue = iter(homes)
        for d, day in enumerate(buy_days):
            for c in centres[d * 8:(d + 1) * 8] if d < 2 else centres[16:]:
                led.actor = Actor(rng.choice(names), "volunteer")
                qty = rng.randint(12, 34)
                led.receive("mercury", qty, f"{c}社区卫生服务中心", f"{rng.choice((3, 4, 5))}.{rng.choice((0, 5))}",
                            day, at=at(day, rng.randint(8, 12)))
                bought += qty
            if d == 1:
                led.receive("digital", 20, "爱心企业捐赠", "0", day, "捐赠", at=at(day, 15))
            stock_now = led.balance["mercury"] - rng.randint(8, 20)
            for _ in range(max(0, stock_now)):
                house = next(queue)
                led.actor = Actor(rng.choice(names), "volunteer")
                led.issue(house["door"], at=at(day, rng.randint(13, 19)))
                given += 1
            for _ in range(12 if d == 1 else 0):
                led.issue(next(queue)["door"], "digital", at=at(day, 16))
                given += 1
        replaced = 0
        for k in range(5):  # replacements: broken or lost ones
            door = rng.choice(homes[:given])["door"]
            if led.balance["mercury"] and door in led.records:
                led.issue(door, reason=rng.choice(REASONS), at=ago(rng.uniform(0.5, 3)))
                replaced += 1
        led.actor = leader
        led.adjust("mercury", max(0, led.balance["mercury"] - 1), "晚上盘点：一支摔碎")
        for day in [first + dt.timedelta(days=k) for k in range((today - first).days)]:
            for team in range(1, 6):
                loan = led.lend("gun", f"第{team}组", dt.datetime.combine(day, dt.time(18), tz),
                                at=at(day, 8))
                led.close_loan(loan["no"], at=at(day, 17 + (team == 3), 40 + team))
        for team in range(1, 6):  # out right now; team 4 is an hour late on an 8-hour loan
            late = team == 4
            due = clock.now() + dt.timedelta(hours=-1 if late else 6)
            led.lend("gun", f"第{team}组", due, at=ago(9 if late else 2 + team / 2))
    centres_used = {r["source"] for r in sources(store) if r["item"] == "mercury"}
    return (f"thermometers: {bought} mercury bought from {len(centres_used)} health centres over 3 days, "
            f"{given} handed out free to {len(held_by_door(store))} of {len(homes)} "
            f"households (+{replaced} replacements); 5 infrared guns lent to 5 teams")
