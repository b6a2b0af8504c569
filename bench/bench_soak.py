"""An hour of one desk's use at 10× data: does memory stay flat, does the
screen stay responsive?

    nice -n 10 python bench/bench_soak.py [--minutes 60] [--every 4] [--other 1] [--keep DIR]

The console runs under Pilot at 80×24 on a copy of bench/bigdata.py's 10×
directory, signed in at the checkpoint tab. A simulated volunteer types a
gate entry every ``--every`` seconds (name, phone, door, direction,
purpose, outcome, Ctrl+S, as the keys arrive from a terminal) and once a
minute walks every tab; a second process logs a gate entry every
``--other`` seconds (another desk on the same directory). The defaults, ~4,500
entries an hour, are a stress test: the 10× data has ~3,000 a day. Each
entry stays in memory with today's table and the gate's indexes (~3.7 KB), so
RSS rises with them; ``--every 20 --other 20`` is a busy hour at 10×. Every minute a row: RSS, entries
typed at this desk and the other commits
(journal lines since the start less this desk's entries), the longest gap between two ticks of a
10 ms timer (what a volunteer sees as a stuck screen), the longest gen-2
garbage collection and how many ran, the most unreachable objects one of them freed, the tables loaded in memory, the
journal tail held, the objects the collector has frozen (``gc.freeze``)
and still tracks, the widgets, and the cells the tables keep drawn. Rows are printed as they come (a run cut short still
says something); the machine line first.

Not part of the test suite; the numbers depend on the machine's load.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import os
import random
import sys
import time
import tracemalloc
from pathlib import Path
import machine  # noqa: E402  (bench/machine.py, beside this script)
from datadirs import kept, scratch_copy  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from bench_ui import Probe, _tab_shown, rss_mb, settle, writer  # noqa: E402

TABS = ("checkpoint", "errands", "purchases", "stock", "households")


async def type_entry(app, pilot, tab, rng: random.Random, doors: list[str]) -> None:
    """One gate entry as a volunteer types it (the keys of the UI tests)."""
    from textual.widgets import Input

    name = tab.query_one("#name", Input)
    name.focus()
    await pilot.pause()
    name.insert_text_at_cursor(rng.choice(("王伟", "李娜", "张敏", "刘洋", "陈静")))
    await pilot.press("tab", *rng.choice(doors), "enter")  # the door follows the name
    await pilot.press("1", "f7")  # purpose 1 (buy goods), outcome F7 (turned away)
    tab.query_one("#phone", Input).focus()
    await pilot.press(*f"138{rng.randrange(10**8):08d}", "ctrl+s")


def drawn_cells(app) -> int:
    """Cells the desk's tables keep drawn (their render caches)."""
    from textual.widgets import DataTable

    return sum(len(t._cell_render_cache) for sc in app.screen_stack
               for t in sc.query(DataTable))


async def soak(data: Path, minutes: float, every: float, other_every: float = 1.0,
               trace: int = 0) -> None:
    from textual.widgets import Input, Select

    from app import DeskApp, MainScreen
    from console.core import heap
    from console.core.store import Store

    heap.tune()
    heap.freeze_loaded(collect=True)
    probe = Probe()
    store = Store(data)
    doors = [h["door"] for h in store.table("households").all()[:50]]
    rng = random.Random(7)
    app = DeskApp(store, lang="en", tune_gc=True)
    async with app.run_test(size=(80, 24)) as pilot:
        app.set_interval(0.01, probe.tick)
        await settle(app, pilot)
        screen = app.screen
        screen.query_one("#name", Select).value = "刘敏"
        screen.query_one("#pin", Input).value = "1234"
        screen.query_one("#pin", Input).focus()
        await pilot.press("enter")
        for _ in range(600):
            await settle(app, pilot)
            if isinstance(app.screen, MainScreen) and _tab_shown(app, "checkpoint"):
                break
            await asyncio.sleep(0.05)
        other = writer(str(data), every=other_every, checkpoint=True)
        try:
            print(f"{'min':>4}{'RSS MB':>8}{'typed':>7}{'other':>7}{'freeze ms':>10}"
                  f"{'gen2 ms':>9}{'gen2 n':>7}{'freed k':>8}{'tables':>7}{'tail':>7}{'frozen k':>9}{'young k':>8}{'widgets':>8}{'cells':>7}", flush=True)
            start = time.perf_counter()
            typed, minute, last_snap = 0, 0, None
            from collections import Counter
            last_kinds: Counter = Counter()
            first_seq = store.position()
            probe.reset()
            probe.gc.clear()
            next_entry = time.perf_counter()
            while time.perf_counter() - start < minutes * 60:
                now = time.perf_counter()
                if now >= next_entry:
                    tab = app.screen.query_one("#tab-checkpoint")
                    await type_entry(app, pilot, tab, rng, doors)
                    typed += 1
                    next_entry = now + every
                await asyncio.sleep(0.05)
                if now - start >= (minute + 1) * 60:
                    minute += 1
                    for i, name in enumerate(TABS[1:] + TABS[:1], start=2):
                        await pilot.press(f"f{(i - 1) % 5 + 1}")
                        for _ in range(100):
                            await asyncio.sleep(0.02)
                            if _tab_shown(app, name):
                                break
                    if os.environ.get("SOAK_COLLECT"):  # diagnosis: is the growth garbage?
                        t = time.perf_counter()
                        print(f"      gc.collect(): {gc.collect()} unreachable, "
                              f"{(time.perf_counter() - t) * 1000:.0f} ms", flush=True)
                    gen2 = [d for g, d in probe.gc if g == 2]
                    written = store.position() - first_seq
                    print(f"{minute:4d}{rss_mb():8.0f}{typed:7d}{max(0, written - typed):7d}"
                          f"{probe.gap * 1000:10.0f}{max(gen2, default=0) * 1000:9.0f}{len(gen2):7d}"
                          f"{max(probe.freed, default=0) / 1000:8.1f}"
                          f"{len(store._loaded):7d}{sum(len(v) for v in store._tail.values()):7d}"
                          f"{gc.get_freeze_count() // 1000:9d}{len(gc.get_objects()) // 1000:8d}"
                          f"{sum(len(list(sc.walk_children())) for sc in app.screen_stack):8d}"
                          f"{drawn_cells(app):7d}", flush=True)
                    if trace:  # what grew since the last minute
                        snap = tracemalloc.take_snapshot()
                        if last_snap is not None:
                            for d in snap.compare_to(last_snap, "lineno")[:trace]:
                                f = d.traceback[0]
                                print(f"      {os.path.relpath(f.filename, ROOT)}:{f.lineno}"
                                      f" {d.size_diff / 2**20:+.2f} MB {d.count_diff:+d}", flush=True)
                        last_snap = snap
                    if os.environ.get("SOAK_TYPES"):  # diagnosis: which objects the collector tracks more of
                        from collections import Counter
                        kinds = Counter(type(o).__name__ for o in gc.get_objects())
                        grown = (kinds - last_kinds).most_common(8)
                        print("      " + ", ".join(f"{k} +{n}" for k, n in grown), flush=True)
                        last_kinds = kinds
                    probe.reset()
                    probe.gc.clear()
                    probe.freed.clear()
        finally:
            other.kill()
            other.wait()
        await settle(app, pilot)
        if trace:
            gc.collect()
            snap = tracemalloc.take_snapshot()
            print(f"tracemalloc, alive at the end (traced {tracemalloc.get_traced_memory()[0] / 2**20:.0f} MB,"
                  f" peak {tracemalloc.get_traced_memory()[1] / 2**20:.0f} MB):")
            for stat in snap.statistics("lineno")[:trace]:
                frame = stat.traceback[0]
                print(f"  {os.path.relpath(frame.filename, ROOT)}:{frame.lineno:<6}"
                      f"{stat.size / 2**20:8.1f}{stat.count:9d}")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--minutes", type=float, default=60)
    ap.add_argument("--every", type=float, default=4.0, help="seconds between this desk's entries")
    ap.add_argument("--other", type=float, default=1.0, help="... and the other desk's")
    ap.add_argument("--trace", type=int, default=0, help="tracemalloc: the N top lines at the end")
    ap.add_argument("--keep", type=Path, help="reuse DIR/x10 as the 10x template (built if missing)")
    args = ap.parse_args()
    print(f"machine: {machine.cpus()}, load {os.getloadavg()[0]:.1f}, nice {os.nice(0)}; "
          f"{args.minutes:g} min, an entry every {args.every:g} s here and every {args.other:g} s at another desk",
          flush=True)
    with scratch_copy(kept(args.keep)) as data:
        if args.trace:
            tracemalloc.start()
        asyncio.run(soak(data, args.minutes, args.every, args.other, args.trace))
    gc.collect()


if __name__ == "__main__":
    main()
