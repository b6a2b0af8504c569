"""UI responsiveness and memory: the console under Pilot at 80×24.

    python bench/bench_ui.py [--scales 1,10] [--keep DIR]

For each scale (1 = the demo, 10 = bench/bigdata.py's 10× the story's
scale) a fresh process signs in and walks the console; beside it, in the same
run, a bare Textual app (Header, Static, Footer). Each row says how long the
step took until the screen settled (no message or worker pending) and the
**freeze**: the longest gap between two ticks of a 10 ms timer during the
step (what a volunteer sees as a stuck screen; a responsive app stays near
10-20 ms). Rows:

- start: process start to the first screen (sign-in, or the bare app's)
- sign-in: Enter on the PIN to the main screen settled (includes the PIN hash)
- tab first / again: F1..F5 the first time and later
- page: PgDn in the tab's biggest list
- idle 3 s, and idle 3 s while another desk logs ~10 gate entries a second
- RSS after visiting every tab; the longest gen-2 garbage collection and the
  number of them (gc.callbacks) over the whole session

Not part of the test suite; the numbers depend on the machine's load.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from textual import events
import machine

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

STARTED = time.perf_counter()
TABS = ("checkpoint", "errands", "purchases", "stock", "households")


class Probe:
    """The freeze measure: a 10 ms timer's longest gap since ``reset``,
    and every garbage collection's duration (and, for full ones, how many
    unreachable objects it found)."""

    def __init__(self) -> None:
        self.last = time.perf_counter()
        self.gap = 0.0
        self.gc: list[tuple[int, float]] = []
        self.freed: list[int] = []
        self._gc_start = 0.0
        gc.callbacks.append(self._on_gc)

    def _on_gc(self, phase: str, info: dict) -> None:
        if phase == "start":
            self._gc_start = time.perf_counter()
        else:
            self.gc.append((info["generation"], time.perf_counter() - self._gc_start))
            if info["generation"] == 2:
                self.freed.append(info["collected"])

    def tick(self) -> None:
        now = time.perf_counter()
        self.gap = max(self.gap, now - self.last)
        self.last = now

    def reset(self) -> None:
        self.last = time.perf_counter()
        self.gap = 0.0


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


async def settle(app, pilot) -> None:
    """Until nothing is pending: messages processed, workers done."""
    from textual.worker import WorkerCancelled

    for _ in range(50):
        await pilot.pause()
        try:
            await app.workers.wait_for_complete()
        except WorkerCancelled:  # a newer read replaced it: wait for that one
            pass
        await pilot.pause()
        if not any(w.is_running for w in app.workers):
            return


def busy(app) -> bool:
    return any(w.is_running for w in app.workers)


async def answer(app, key: str, done, limit: float = 20.0) -> bool:
    """Press ``key`` as a terminal would (no Pilot waiting for animations or
    an idle CPU, which the probe's own timer defeats) and return once
    ``done()`` holds, no worker is running, and the loop is free again."""
    event = events.Key(key, None)
    event.set_sender(app)
    app._driver.send_message(event)
    end = time.perf_counter() + limit
    while time.perf_counter() < end:
        await asyncio.sleep(0.002)
        if done() and not busy(app):
            await asyncio.sleep(0)
            if done() and not busy(app):
                return True
    return False


async def step(rows: list, name: str, app, pilot, probe: Probe, key: str, done,
               limit: float = 20.0) -> None:
    """One row; a key that changed nothing within ``limit`` (a list that fits
    on the screen has no next page) gets no time, only its freeze."""
    await settle(app, pilot)
    probe.reset()
    t = time.perf_counter()
    answered = await answer(app, key, done, limit)
    rows.append((name, time.perf_counter() - t if answered else None, probe.gap))


def _state(app) -> tuple:
    w = app.focused
    page = getattr(next(iter(app.screen.query("#checkpoint")), None), "page", None)
    return (id(w), getattr(w, "cursor_row", None), getattr(w, "scroll_y", None), page)


def _tab_shown(app, tab: str) -> bool:
    """The tab is active and its content is mounted and laid out."""
    from textual.widgets import TabbedContent
    try:
        tabs = app.screen.query_one(TabbedContent)
        pane = app.screen.query_one(f"#tab-{tab}")
    except Exception:
        return False
    return (tabs.active == f"tab-{tab}" and bool(pane.children)
            and all(c.is_mounted and c.size.height > 0 for c in pane.children))


def writer(data: str, every: float = 0.1, checkpoint: bool = False) -> subprocess.Popen:
    """Another desk: logs a gate entry at the first open gate every
    ``every`` seconds until killed (and checkpoints when due, if asked)."""
    code = (
        "import os, sys, time; sys.path.insert(0, %r); parent = os.getppid()\n"
        "from console.checkpoint import gate as cp, gates\n"
        "from console.core import i18n\n"
        "from console.core.operators import Actor\n"
        "from console.core.store import Store\n"
        "i18n.set_lang('en'); s = Store(%r); a = Actor('刘敏', 'volunteer')\n"
        "s.actor = {'op': a.name, 'role': a.role}\n"
        "g = [x for x in gates.gates(s) if x.get('open', True)][0]['name']\n"
        "while os.getppid() == parent:  # not left behind when the bench is killed\n"
        "    cp.log_entry(s, a, g, {'name': '王伟', 'phone': '', 'door': '', 'direction': 'in',\n"
        "                 'purpose': 'buy', 'outcome': 'turned_away', 'org': '顺丰快递'})\n"
        "    if %r and s.needs_checkpoint(): s.checkpoint()\n"
        "    time.sleep(%r)\n" % (str(ROOT), data, checkpoint, every))
    return subprocess.Popen([sys.executable, "-c", code], stderr=subprocess.DEVNULL)


async def desk(data: str) -> dict:
    from textual.widgets import DataTable, Input, Select

    from app import DeskApp, MainScreen
    from console.core.store import Store

    from console.core import heap
    heap.tune()  # as app.run_app does, before the UI (not counted below)
    heap.freeze_loaded(collect=True)
    probe = Probe()
    app = DeskApp(Store(data), lang="en", tune_gc=True)
    rows: list = []
    counts: dict[str, int] = {}
    async with app.run_test(size=(80, 24)) as pilot:
        app.set_interval(0.01, probe.tick)
        await settle(app, pilot)
        rows.append(("start", time.perf_counter() - STARTED, probe.gap))
        screen = app.screen
        screen.query_one("#name", Select).value = "刘敏"
        screen.query_one("#pin", Input).value = "1234"
        screen.query_one("#pin", Input).focus()

        await step(rows, "sign-in", app, pilot, probe, "enter",
                   lambda: isinstance(app.screen, MainScreen) and _tab_shown(app, "checkpoint"))
        for visit in ("first", "again"):
            for i, tab in enumerate(TABS, start=1):
                if visit == "first" and i == 1:
                    continue  # shown at sign-in
                await step(rows, f"tab {tab} ({visit})", app, pilot, probe, f"f{i}",
                           lambda tab=tab: _tab_shown(app, tab))
                if visit == "first":
                    tables = [t for t in app.screen.query(DataTable) if t.is_on_screen] or [None]
                    big = max(tables, key=lambda t: t.row_count if t else -1)
                    if big is not None:
                        big.focus()
                        await settle(app, pilot)
                        before = _state(app)
                        await step(rows, f"page {tab}", app, pilot, probe, "pagedown",
                                   lambda before=before: _state(app) != before, limit=2.0)
                        counts[tab] = big.row_count
        await pilot.press("f1")
        await settle(app, pilot)
        rss = rss_mb()
        probe.reset()
        await asyncio.sleep(3)
        rows.append(("idle 3 s", 3.0, probe.gap))
        other = writer(data)
        try:
            await asyncio.sleep(1)  # its start-up
            probe.reset()
            await asyncio.sleep(3)
            rows.append(("idle 3 s, another desk writing", 3.0, probe.gap))
        finally:
            other.kill()
            other.wait()
        await settle(app, pilot)  # no worker result may land while the app shuts down
    gen2 = [d for g, d in probe.gc if g == 2]
    return {"rows": rows, "rss": rss, "gen2_max": max(gen2, default=0.0), "gen2_n": len(gen2),
            "objects": len(gc.get_objects()), "counts": counts}


def bare_app():
    """The bare Textual app every console number is set beside (Header, Static, Footer)."""
    from textual.app import App
    from textual.widgets import Footer, Header, Static

    class Bare(App):
        def compose(self):
            yield Header(show_clock=True)
            yield Static("hello")
            yield Footer()

    return Bare()


async def bare() -> dict:
    probe = Probe()
    app = bare_app()
    rows: list = []
    async with app.run_test(size=(80, 24)) as pilot:
        app.set_interval(0.01, probe.tick)
        await settle(app, pilot)
        rows.append(("start", time.perf_counter() - STARTED, probe.gap))
        probe.reset()
        await asyncio.sleep(3)
        rows.append(("idle 3 s", 3.0, probe.gap))
    return {"rows": rows, "rss": rss_mb(), "gen2_max": 0.0, "gen2_n": 0, "objects": 0, "counts": {}}


def child(args) -> None:
    result = asyncio.run(bare() if args.child == "bare" else desk(args.child))
    print(json.dumps(result))


def run_child(target: str) -> dict:
    out = subprocess.run([sys.executable, __file__, "--child", target], capture_output=True,
                         text=True, cwd=ROOT)
    if out.returncode:
        sys.exit(f"{target}: {out.stderr[-2000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--scales", default="1,10")
    ap.add_argument("--keep", type=Path, help="keep the data directories under DIR (and reuse them)")
    ap.add_argument("--child")
    args = ap.parse_args()
    if args.child:
        return child(args)
    import bigdata  # noqa: PLC0415  (bench/ is on sys.path when run as a script)
    base = args.keep or Path(tempfile.mkdtemp(prefix="bench-ui-"))
    results = {"bare": run_child("bare")}
    for scale in args.scales.split(","):
        data = base / f"x{scale}"
        if not data.exists():
            bigdata.build(data, float(scale) if scale != "1" else 0)
        results[f"×{scale}"] = run_child(str(data))
    print(f"machine: {machine.cpus()}, load {os.getloadavg()[0]:.1f}")
    names = list(results)
    steps = list(dict.fromkeys(r[0] for res in results.values() for r in res["rows"]))
    print(f"{'step (ms: until settled / longest freeze)':40}" + "".join(f"{n:>16}" for n in names))
    for s in steps:
        cells = []
        for n in names:
            hit = [r for r in results[n]["rows"] if r[0] == s]
            took = "fits" if hit and hit[0][1] is None else f"{hit[0][1] * 1000:.0f}" if hit else ""
            cells.append(f"{took:>7} /{hit[0][2] * 1000:6.0f}" if hit else f"{'—':>15}")
        print(f"{s:40}" + "".join(f"{c:>16}" for c in cells))
    print(f"{'rows in the paged lists':40}" + "".join(
        f"{' '.join(str(v) for v in results[n]['counts'].values()) or '—':>16}" for n in names))
    print(f"{'RSS after every tab (MB)':40}" + "".join(f"{results[n]['rss']:16.0f}" for n in names))
    print(f"{'longest gen-2 GC (ms) / count':40}" + "".join(
        f"{results[n]['gen2_max'] * 1000:9.0f} /{results[n]['gen2_n']:5d}" for n in names))
    print(f"{'objects tracked by the GC at the end':40}" + "".join(
        f"{results[n]['objects']:16d}" for n in names))


if __name__ == "__main__":
    main()
