"""Shift after shift on one console process: does signing out give back
what the main screen held?

    python bench/bench_shifts.py [--shifts 9] [--scale 1] [--keep DIR]

Under Pilot at 80×24 on a copy of bench/bigdata.py's data (1 = the demo),
each shift signs in, opens every tab, waits for the freeze that follows
(``heap.freeze_loaded``), signs out and waits again; then a row: RSS after a
full collection and ``malloc_trim``, the objects frozen and those the
collector still tracks. Frozen objects are out of the collector's sight: a
main screen frozen and then taken down stays for good unless the sign-out
thaws it first (0.1 kept ~13 MB a shift on the demo).

Not part of the test suite; RSS depends on the machine.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import machine  # noqa: E402
from datadirs import kept, scratch_copy  # noqa: E402
from bench_ui import rss_mb, settle  # noqa: E402


async def shifts(data: str, count: int) -> None:
    from app import DeskApp
    from console.core import heap
    from console.core.operators import Actor
    from console.core.store import Store

    heap.tune()
    heap.freeze_loaded(collect=True)
    app = DeskApp(Store(data), lang="en", tune_gc=True)
    volunteer = Actor("刘敏", "volunteer")
    print(f"{'shift':>5} {'RSS MB':>7} {'frozen k':>9} {'tracked k':>10}")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        for shift in range(1, count + 1):
            app.signed_in(volunteer, "西门")
            await settle(app, pilot)
            for key in ("f1", "f2", "f3", "f4", "f5"):
                await pilot.press(key)
                await settle(app, pilot)
            await asyncio.sleep(app.FREEZE_AFTER + 1)
            await pilot.press("ctrl+o")
            await settle(app, pilot)
            await asyncio.sleep(app.FREEZE_AFTER + 1)
            gc.collect()
            heap.give_back()
            print(f"{shift:5d} {rss_mb():7.0f} {gc.get_freeze_count() // 1000:9d}"
                  f" {len(gc.get_objects()) // 1000:10d}", flush=True)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--shifts", type=int, default=9)
    ap.add_argument("--scale", default="1")
    ap.add_argument("--keep", type=Path, help="reuse DIR/x<scale> as the template (built if missing)")
    args = ap.parse_args()
    print(f"machine: {machine.cpus()}; ×{args.scale} data, {args.shifts} shifts")
    with scratch_copy(kept(args.keep, args.scale)) as data:
        asyncio.run(shifts(str(data), args.shifts))


if __name__ == "__main__":
    main()
