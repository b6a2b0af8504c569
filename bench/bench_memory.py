"""What a signed-in desk holds in memory, and what holds it.

    python bench/bench_memory.py [--scales 1,10] [--keep DIR] [--repeat 3] [--trace N]

For each scale (1 = the demo, 10 = bench/bigdata.py's 10×) a fresh process
starts the console under Pilot at 80×24, signs in, visits every tab (and
pages its biggest list), and prints RSS after start, after sign-in and after
every tab, beside a bare Textual app (Header, Static, Footer) in the same
run; and the time from process start to the sign-in screen (the bare app:
to its first screen). Then what the store and the caches hold: tables
loaded (records, bytes as JSON), the journal tail kept in memory, derived
values in console.core.cache. With ``--trace N`` the child also runs
tracemalloc from its start (slower: no timings then) and prints the N
source lines that allocated the most of what is alive at the end.

Not part of the test suite; the numbers depend on the machine's load.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path
import machine  # noqa: E402  (bench/machine.py, beside this script)

STARTED = time.perf_counter()
if "--trace" in sys.argv and "--child" in sys.argv:
    tracemalloc.start(1)

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

TABS = ("checkpoint", "errands", "purchases", "stock", "households")


from bench_ui import rss_mb  # noqa: E402


def _holders(store) -> dict:
    import orjson

    from console.core import cache

    loaded = {k: (len(r.docs), len(orjson.dumps(r.docs))) for k, r in store._loaded.items()}
    tail = {k: len(v) for k, v in store._tail.items()}
    derived = {}
    for name, table in (("cached", cache._cache), ("folded", cache._folded)):
        for key, (_, value) in table.items():
            try:
                size = len(orjson.dumps(value, default=lambda o: list(o) if isinstance(o, (set, tuple, frozenset)) else str(o)))
            except TypeError:
                size = -1
            derived[f"{name} {key[1]}/{key[2]} {key[3]}"] = size
    return {"loaded": loaded, "tail": tail, "derived": derived}


async def desk(data: str, trace: int) -> dict:
    from bench_ui import _tab_shown, settle
    from textual.widgets import DataTable, Input, Select

    from app import DeskApp, MainScreen
    from console.core import heap
    from console.core.store import Store

    heap.tune()
    heap.freeze_loaded(collect=True)
    marks = {"imported": rss_mb()}
    store = Store(data)
    app = DeskApp(store, lang="en", tune_gc=True)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        start = time.perf_counter() - STARTED
        marks["sign-in screen"] = rss_mb()
        screen = app.screen
        screen.query_one("#name", Select).value = "刘敏"
        screen.query_one("#pin", Input).value = "1234"
        screen.query_one("#pin", Input).focus()
        await pilot.press("enter")
        for _ in range(400):
            await settle(app, pilot)
            if isinstance(app.screen, MainScreen) and _tab_shown(app, "checkpoint"):
                break
            await asyncio.sleep(0.05)
        await settle(app, pilot)
        marks["signed in"] = rss_mb()
        for i, tab in enumerate(TABS, start=1):
            await pilot.press(f"f{i}")
            for _ in range(400):
                await settle(app, pilot)
                if _tab_shown(app, tab):
                    break
                await asyncio.sleep(0.05)
            tables = [t for t in app.screen.query(DataTable) if t.is_on_screen]
            if tables:
                max(tables, key=lambda t: t.row_count).focus()
                await pilot.press("pagedown")
                await settle(app, pilot)
            marks[f"+ {tab}"] = rss_mb()
        await pilot.press("f1")
        await settle(app, pilot)
        await asyncio.sleep(1.5)  # the app's freeze timer
        await settle(app, pilot)
        gc.collect()
        marks["every tab"] = rss_mb()
        if os.environ.get("BENCH_TRIM"):  # diagnosis: how much is freed memory malloc kept
            from console.core import heap
            heap.give_back()
            marks["after malloc_trim"] = rss_mb()
        holders = _holders(store)
        top = []
        if trace:
            snap = tracemalloc.take_snapshot().filter_traces(
                [tracemalloc.Filter(False, tracemalloc.__file__)])
            for stat in snap.statistics("lineno")[:trace]:
                frame = stat.traceback[0]
                top.append((f"{os.path.relpath(frame.filename, ROOT)}:{frame.lineno}",
                            stat.size / 2**20, stat.count))
            by_file = {}
            for stat in snap.statistics("filename"):
                name = os.path.relpath(stat.traceback[0].filename, ROOT)
                name = name.split("site-packages/")[-1].split("/")[0] if "site-packages" in name else name
                by_file[name] = by_file.get(name, 0) + stat.size / 2**20
            holders["by_package"] = sorted(by_file.items(), key=lambda kv: -kv[1])[:trace]
    return {"marks": marks, "start": start, "holders": holders, "top": top,
            "objects": len(gc.get_objects()), "frozen": gc.get_freeze_count()}


async def bare() -> dict:
    from bench_ui import bare_app, settle

    marks = {"imported": rss_mb()}
    async with bare_app().run_test(size=(80, 24)) as pilot:
        await settle(pilot.app, pilot)
        start = time.perf_counter() - STARTED
        marks["sign-in screen"] = rss_mb()
    return {"marks": marks, "start": start, "holders": {}, "top": [], "objects": 0, "frozen": 0}


def run_child(target: str, trace: int) -> dict:
    cmd = [sys.executable, __file__, "--child", target] + (["--trace", str(trace)] if trace else [])
    out = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT)
    if out.returncode:
        sys.exit(f"{target}: {out.stderr[-3000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--scales", default="1,10")
    ap.add_argument("--keep", type=Path, help="keep the data directories under DIR (and reuse them)")
    ap.add_argument("--trace", type=int, default=0)
    ap.add_argument("--repeat", type=int, default=3, help="runs of each child: medians are shown")
    ap.add_argument("--child")
    args = ap.parse_args()
    if args.child:
        res = asyncio.run(bare() if args.child == "bare" else desk(args.child, args.trace))
        print(json.dumps(res))
        return
    import bigdata  # noqa: PLC0415
    base = args.keep or Path(tempfile.mkdtemp(prefix="bench-mem-"))
    targets = {"bare": "bare"}
    for scale in args.scales.split(","):
        data = base / f"x{scale}"
        if not data.exists():
            bigdata.build(data, float(scale) if scale != "1" else 0)
        targets[f"×{scale}"] = str(data)
    runs: dict[str, list[dict]] = {n: [] for n in targets}
    for _ in range(args.repeat):  # interleaved, so a burst of load elsewhere hits every column
        for name, target in targets.items():
            runs[name].append(run_child(target, args.trace if name != "bare" else 0))
    results = {}
    for name, got in runs.items():
        res = dict(got[-1])
        res["start"] = statistics.median(r["start"] for r in got)
        res["marks"] = {m: statistics.median(r["marks"][m] for r in got) for m in got[0]["marks"]}
        results[name] = res
    print(f"machine: {machine.cpus()}, load {os.getloadavg()[0]:.1f}; "
          f"medians of {args.repeat} runs"
          + ("  (tracemalloc on: RSS and times inflated)" if args.trace else ""))
    names = list(results)
    print(f"{'RSS (MB)':28}" + "".join(f"{n:>10}" for n in names))
    for mark in ("imported", "sign-in screen", "signed in", *(f"+ {t}" for t in TABS), "every tab",
                 "after malloc_trim"):
        print(f"{mark:28}" + "".join(
            f"{results[n]['marks'][mark]:10.0f}" if mark in results[n]["marks"] else f"{'—':>10}"
            for n in names))
    print(f"{'start to sign-in (ms)':28}" + "".join(f"{results[n]['start'] * 1000:10.0f}" for n in names))
    print(f"{'  × the bare app':28}" + "".join(
        f"{results[n]['start'] / results['bare']['start']:10.2f}" for n in names))
    print(f"{'GC objects (frozen)':28}" + "".join(
        f"{results[n]['objects']:>6}({results[n]['frozen']})" for n in names))
    for n in names[1:]:
        h = results[n]["holders"]
        print(f"\n{n}: tables loaded (records, MB as JSON)")
        for k, (recs, size) in sorted(h["loaded"].items(), key=lambda kv: -kv[1][1])[:12]:
            print(f"  {k:36}{recs:8d}{size / 2**20:8.1f}")
        print(f"  {len(h['loaded'])} tables, {sum(s for _, s in h['loaded'].values()) / 2**20:.1f} MB as JSON;"
              f" journal tail in memory: {sum(h['tail'].values())} changes")
        big = sorted(h["derived"].items(), key=lambda kv: -kv[1])[:8]
        print(f"  derived values: {len(h['derived'])}, "
              f"{sum(max(0, v) for v in h['derived'].values()) / 2**20:.1f} MB as JSON; biggest:")
        for k, v in big:
            print(f"    {k:50}{v / 2**20:8.2f}")
        if results[n]["top"]:
            print("  tracemalloc, alive at the end, by package / file (MB):")
            for name, mb in h["by_package"]:
                print(f"    {name:60}{mb:8.1f}")
            print("  by source line (MB, blocks):")
            for where, mb, count in results[n]["top"]:
                print(f"    {where:60}{mb:8.1f}{count:9d}")


if __name__ == "__main__":
    main()
