"""Stock ledger at size: balances and the desk's one-key handout with 1k and 10k movements.

Run: python bench/bench_stock.py   (prints a small table; times are medians)
"""

from __future__ import annotations

import datetime as dt
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from console.demo import roster as demo  # noqa: E402
from console.core import clock  # noqa: E402
from console.households import registry as households  # noqa: E402
from console.stock import balances  # noqa: E402
from console.stock import ledger as stock  # noqa: E402
from console.core.operators import Actor  # noqa: E402
from console.core.store import Store  # noqa: E402


def _median_ms(fn, repeat: int = 7) -> float:
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t) * 1000)
    return statistics.median(times)


def build(root: Path, n: int) -> Store:
    """1,472 households and about ``n`` movements: receipts, handouts, gun loans."""
    store = Store(root)
    rng = random.Random(n)
    demo.add_households(store, rng)
    leader = Actor("bench", "leader")
    doors = [h["door"] for h in households.all_households(store)]
    now = clock.now()
    with stock.ledger(store, leader) as led:
        led.receive("gun", 5, "区卫健委")
        while len(led.by_no) < n:
            led.receive("mercury", 40, f"中心{rng.randrange(25)}", "3.5")
            for _ in range(30):
                door = rng.choice(doors)
                reason = rng.choice(stock.REASONS) if door in led.records else None
                led.issue(door, reason=reason)
            loan = led.lend("gun", f"第{rng.randint(1, 5)}组", now + dt.timedelta(hours=8))
            led.close_loan(loan["no"])
    return store


def main() -> None:
    rows = []
    for n in (1_000, 10_000):
        with tempfile.TemporaryDirectory() as tmp:
            t = time.perf_counter()
            store = build(Path(tmp) / "data", n)
            built = time.perf_counter() - t
            moves = len(balances.movements(store))
            store.checkpoint()
            size = (store.root / "tables" / f"{stock.MOVES}.json").stat().st_size // 1024
            cold = _median_ms(lambda: balances.balances(Store(store.root)), 5)
            warm = _median_ms(lambda: balances.balances(store))
            views = _median_ms(lambda: (balances.sources(store), balances.loans(store),
                                        balances.without_thermometer(store, 1)))
            actor = Actor("bench", "volunteer")
            stock.receive(store, actor, "mercury", 500, "中心X")
            doors = iter(sorted(h["door"] for h in households.all_households(store)))
            # "lost" is accepted whether or not the door already has one: same path, same write
            issue = _median_ms(lambda: stock.issue(store, actor, next(doors), reason="lost"), 9)
            rows.append((moves, size, built, cold, warm, views, issue))
    print(f"{'movements':>9} {'file KiB':>8} {'build s':>7} {'balances cold ms':>16} "
          f"{'balances warm ms':>16} {'other views ms':>14} {'issue one ms':>12}")
    for moves, size, built, cold, warm, views, issue in rows:
        print(f"{moves:>9} {size:>8} {built:>7.1f} {cold:>16.1f} {warm:>16.1f} {views:>14.1f} {issue:>12.1f}")


if __name__ == "__main__":
    main()
