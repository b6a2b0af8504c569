"""Checkpoint benchmarks: save an entry with 100k entries stored, open a 2,000-entry day,
the gate verdict the form asks for on every keystroke that changes the door.

    python bench/bench_checkpoint.py [--entries 100000] [--per-day 2000] [--saves 60]

100k entries are stored as 50 daily files of 2,000 (today is one of them,
with its audit trail); each save is a full `checkpoint.log_entry` (validation,
registry lookup, shift lookup, locked atomic write of today's file and its
audit entry). "Open a day" is what the tab's worker does: read and parse the
day's file, filter, sort newest first, page, and build the table cells.
The gate verdict (`checkpoint.verdict_for` -> `gate_rules.decide`: door
parsed, marks + quota + who is inside) runs
with 20 marked households and residents going out and back in the log; it
is timed as the door changes (log unchanged) and as the first verdict after
a save (today's digest is rebuilt).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from console.checkpoint import gate as cp  # noqa: E402
from console.core import clock, i18n  # noqa: E402
from console.demo import roster as demo  # noqa: E402
from console.core.operators import Actor  # noqa: E402
from console.core.store import Store  # noqa: E402
from screens.checkpoint.cells import row_cells  # noqa: E402


def entries_for(rng: random.Random, day: dt.date, n: int, doors: list[str]) -> list[dict]:
    tz = clock.now().tzinfo
    start = dt.datetime.combine(day, dt.time(), tz)
    out = []
    for i in range(n):
        at = start + dt.timedelta(seconds=int(i * 86000 / n))
        outcome = rng.choices(cp.OUTCOMES, (70, 15, 8, 7))[0]
        direction = "out" if outcome != "turned_away" and rng.random() < 0.4 else "in"
        out.append({"at": at.isoformat(), "name": demo.person_name(rng), "phone": demo.mobile(rng),
                    "door": rng.choice(doors), "org": "", "direction": direction, "purpose": "buy",
                    "purpose_note": "", "outcome": outcome, "temp": 36.5, "fever": False,
                    "plate": "", "note": "", "gate": "西门", "shift": 1, "by": "刘敏"})
    return out


def ms(samples: list[float]) -> str:
    s = sorted(samples)
    return f"{statistics.median(s) * 1000:8.1f} {s[int(len(s) * 0.95) - 1] * 1000:8.1f}"


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--entries", type=int, default=100_000)
    ap.add_argument("--per-day", type=int, default=2000)
    ap.add_argument("--saves", type=int, default=60)
    args = ap.parse_args()
    i18n.set_lang("en")
    rng = random.Random(1)
    with tempfile.TemporaryDirectory() as tmp:
        store = Store(Path(tmp) / "data")
        demo.add_roster(store)
        demo.add_households(store, rng)
        doors = list(store.table("households").all())
        doors = [h["door"] for h in doors]
        today = clock.today()
        ndays = max(1, args.entries // args.per_day)
        t0 = time.perf_counter()
        for k in range(ndays):
            day = today - dt.timedelta(days=ndays - 1 - k)
            rows = entries_for(rng, day, args.per_day, doors)
            store.table("checkpoint", day.isoformat()).insert_multiple(rows)
        fill = time.perf_counter() - t0
        store.table("marks").insert_multiple(
            [{"door": d, "building": 1, "grid": "1", "colour": rng.choice(("red", "orange", "yellow")),
              "reason": "x", "since": today.isoformat(),
              "review": (today + dt.timedelta(days=7)).isoformat(), "by": "x"}
             for d in rng.sample(doors, 20)])
        actor = Actor("刘敏", "volunteer")
        cp.open_shift(store, actor, "西门")
        form = {"name": "王伟", "phone": "13800001234", "door": doors[5], "direction": "in",
                "purpose": "buy", "outcome": "turned_away", "temp": "36.6"}
        saves, redirects = [], []
        for i in range(args.saves):
            t = time.perf_counter()
            cp.log_entry(store, actor, "西门", form)
            saves.append(time.perf_counter() - t)
        for i in range(max(10, args.saves // 4)):
            t = time.perf_counter()
            cp.log_entry(store, actor, "西门", {**form, "outcome": "redirected"})
            redirects.append(time.perf_counter() - t)
        day = (today - dt.timedelta(days=1)).isoformat()
        cold, warm, all_rows = [], [], []
        for i in range(10):
            fresh = Store(store.root)  # a new session: nothing parsed yet
            t = time.perf_counter()
            rows, n, pages = cp.page_of(fresh, day)
            [row_cells(e) for e in rows]
            cold.append(time.perf_counter() - t)
            t = time.perf_counter()
            rows, n, pages = cp.page_of(fresh, day)
            [row_cells(e) for e in rows]
            warm.append(time.perf_counter() - t)
            t = time.perf_counter()
            [row_cells(e) for e in cp.entries(fresh, day)]
            all_rows.append(time.perf_counter() - t)
        rep = []
        for i in range(20):
            t = time.perf_counter()
            cp.repeat_info(store, "王伟", "13800001234", doors[5])
            cp.recall(store, "王")
            rep.append(time.perf_counter() - t)
        typed, after_save = [], []
        for i in range(2000):
            door = rng.choice(doors)
            t = time.perf_counter()
            cp.verdict_for(store, {**form, "direction": "out", "door": door})
            typed.append(time.perf_counter() - t)
        for i in range(20):
            cp.log_entry(store, actor, "西门", form)
            t = time.perf_counter()
            cp.verdict_for(store, {**form, "direction": "out", "door": rng.choice(doors)})
            after_save.append(time.perf_counter() - t)
        store.checkpoint()
        size = os.path.getsize(store.root / "tables" / "checkpoint" / f"{day}.json") / 1e6
    cpu = next((ln.split(":", 1)[1].strip() for ln in open("/proc/cpuinfo")
                if ln.startswith("model name")), "?")
    print(f"machine: {os.cpu_count()} CPUs, {cpu}")
    print(f"stored: {ndays * args.per_day} entries in {ndays} daily files "
          f"({size:.2f} MB per day), filled in {fill:.1f} s")
    print(f"{'operation':58} {'p50 ms':>8} {'p95 ms':>8}")
    print(f"{'save an entry (log_entry, today has ' + str(args.per_day) + ')':58} {ms(saves)}")
    print(f"{'save a redirect (entry + purchase request, one write)':58} {ms(redirects)}")
    print(f"{'open a ' + str(args.per_day) + '-entry day, new session (parse+page+cells)':58} {ms(cold)}")
    print(f"{'open the same day again (cached parse)':58} {ms(warm)}")
    print(f"{'cells for all ' + str(args.per_day) + ' entries of the day':58} {ms(all_rows)}")
    print(f"{'repeat notice + recall (14 days looked back)':58} {ms(rep)}")
    print(f"{'gate verdict as the door is typed (marks+quota+inside)':58} {ms(typed)}")
    print(f"{'gate verdict, first after a save (today re-digested)':58} {ms(after_save)}")


if __name__ == "__main__":
    main()
