"""Households benchmarks: the sheet of a 300-household building and the daily
roll summary for 1,472 households (the story's numbers).

    python bench/bench_households.py
"""

from __future__ import annotations

import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from console import features  # noqa: E402
from console.demo import roster as demo  # noqa: E402
from console.households import registry as hh, marks, roll, sheets
from console.core import operators
from console.households.registry_import import import_households  # noqa: E402
from console.core.store import Store  # noqa: E402


def timed(fn, repeat: int = 20) -> tuple[float, float]:
    fn()  # warm the parse cache, like a running desk
    runs = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        runs.append((time.perf_counter() - t0) * 1000)
    return statistics.median(runs), max(runs)


def main() -> None:
    rng = random.Random(7)
    with tempfile.TemporaryDirectory() as tmp:
        store = Store(Path(tmp) / "data")
        features.build_demo(store, days=7)
        boss = operators.Actor(demo.VOLUNTEERS[0], "leader")
        # a 300-household building: 30 floors x 10 doors, added by CSV import
        lines = ["楼号,门牌,户主,电话,人数,网格,在家"]
        for floor in range(1, 31):
            for door in range(1, 11):
                lines.append(f"99,{floor}{door:02d},户主{floor}{door},1380000{floor:02d}{door:02d},3,1,"
                             + ("外出" if rng.random() < 0.08 else "在家"))
        data = "\n".join(lines).encode("gbk")
        hh.add_building(store, boss, 99, "1", floors=30)
        t0 = time.perf_counter()
        report = import_households(store, boss, data)
        import_ms = (time.perf_counter() - t0) * 1000
        assert report.added == 300, report.lines()
        for door in rng.sample([f"99-{f}{d:02d}" for f in range(1, 31) for d in range(1, 11)], 12):
            marks.set_mark(store, boss, door, rng.choice(marks.COLOURS), "bench", "2099-01-01")
        houses = len(store.table("households"))
        rows = [
            ("import 300 rows (GBK CSV)", import_ms, import_ms),
            ("sheet of a 300-household building", *timed(lambda: sheets.sheet(store, 99))),
            ("sheet image, A4 (Pillow)", *timed(lambda: sheets.draw_sheet(sheets.sheet(store, 99)), 5)),
            ("sheet PDF written", *timed(lambda: sheets.sheet_pdf(store, 99, Path(tmp) / "s.pdf"), 5)),
            (f"roll summary, {houses} households", *timed(lambda: roll.summary(store))),
            (f"not-reported list, {houses} households", *timed(lambda: roll.not_reported(store))),
            ("key-person list", *timed(lambda: marks.key_persons(store))),
        ]
        # the story's 1,472 alone (without the bench building)
        story = [h for h in store.table("households").all() if h["building"] != 99]
        rows.append((f"roll summary, {len(story)} households (story)",
                     *timed(lambda: roll.summary(store, households=story))))
    width = max(len(r[0]) for r in rows)
    print(f"{'benchmark':<{width}}  median ms    max ms")
    for name, med, worst in rows:
        print(f"{name:<{width}}  {med:9.2f} {worst:9.2f}")


if __name__ == "__main__":
    main()
