"""Demo foundation shared by every feature's demo part, at the stories' scale.

A 17-person roster (volunteers' PIN 1234; the first two are leaders, PIN
123456) and 1,472 households in 22 buildings and 5 grids. Each feature's part
(console/demo/<feature>.py, listed in console.features) is a function
``(store, rng, days) -> str`` that writes its history for the last ``days``
days and returns a one-line summary.
"""

from __future__ import annotations

import random

from console.core import operators
from console.core.store import Store

DEMO_PIN = "1234"
DEMO_LEADER_PIN = "123456"  # leaders need 6 digits or more
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华建国文辉玲兰凤红梅婷雪斌宇浩凯鹏飞"
VOLUNTEERS = ["郭振兴", "周显甫", "刘敏", "陈静", "杨磊", "黄丽", "赵强", "吴涛", "徐娟",
              "孙杰", "马超", "朱艳", "胡勇", "何秀英", "高建国", "林玲", "罗斌"]
LEADERS = 2
BUILDINGS = 22
HOUSEHOLDS = 1472
GRIDS = 5


def person_name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))


def mobile(rng: random.Random) -> str:
    return rng.choice(("13", "15", "18", "17")) + "".join(str(rng.randrange(10)) for _ in range(9))


def add_roster(store: Store) -> str:
    first = operators.create_first_leader(store, VOLUNTEERS[0], DEMO_LEADER_PIN)
    for i, name in enumerate(VOLUNTEERS[1:], start=1):
        leader = i < LEADERS
        operators.add_member(store, first, name, "leader" if leader else "volunteer",
                             DEMO_LEADER_PIN if leader else DEMO_PIN)
    return (f"roster: {len(VOLUNTEERS)} volunteers ({LEADERS} leaders), PIN {DEMO_PIN}, "
            f"leaders' PIN {DEMO_LEADER_PIN}")


def _building_sizes(rng: random.Random) -> list[tuple[int, int, int]]:
    """(floors, doors per floor, households) per building, summing to HOUSEHOLDS."""
    shapes = [(rng.randint(8, 14), rng.choice((6, 6, 8))) for _ in range(BUILDINGS)]
    total = sum(f * d for f, d in shapes)
    while total > HOUSEHOLDS:  # trim top floors until the total fits
        i = max(range(BUILDINGS), key=lambda k: shapes[k][0] * shapes[k][1])
        f, d = shapes[i]
        shapes[i] = (f - 1, d)
        total -= d
    sizes = [(f, d, f * d) for f, d in shapes]
    f, d, n = sizes[-1]
    extra = HOUSEHOLDS - total  # a partly filled top floor on the last building
    sizes[-1] = (f + (extra + d - 1) // d, d, n + extra)
    return sizes


def add_households(store: Store, rng: random.Random) -> str:
    rows, buildings = [], []
    for b, (floors, per_floor, count) in enumerate(_building_sizes(rng), start=1):
        grid = str(min(GRIDS, (b - 1) * GRIDS // BUILDINGS + 1))
        buildings.append({"number": b, "grid": grid, "floors": floors,
                          "leader": person_name(rng)})
        made = 0
        for floor in range(1, floors + 1):
            for door in range(1, per_floor + 1):
                if made == count:
                    break
                made += 1
                room = f"{floor}{door:02d}"
                rows.append({
                    "door": f"{b}-{room}", "building": b, "unit": 1 + (door - 1) * 2 // per_floor,
                    "floor": floor, "room": room, "head": person_name(rng), "phone": mobile(rng),
                    "members": rng.choice((1, 2, 2, 3, 3, 3, 4, 4, 5, 6)),
                    "grid": grid, "at_home": rng.random() > 0.08,
                })
    with store.transaction("households", "buildings") as tx:
        tx.table("buildings").insert_multiple(buildings)
        tx.table("households").insert_multiple(rows)
    return f"households: {len(rows)} in {BUILDINGS} buildings, {GRIDS} grids"
