"""Checkpoint benchmarks: the gate path before and after a change, beside sqlite3.

    python bench/bench_checkpoint.py [--scales 1,10] [--n 60] [--before origin/main]

For each scale (1 = the story's 10k gate entries over 28 days; 10 = 100k,
3,571 a day) a data directory is filled once (untimed) and checkpointed, as
on a desk that has been running. Then the same calls are timed on a copy of
it, in a fresh process, once with the code of ``--before`` (a git ref, put
in a temporary worktree) and once with this tree's:

- a gate entry (``checkpoint.log_entry``: validation, shift, the rules under
  the lock, one committed transaction);
- the gate verdict as the door is typed (log unchanged) and the first one
  after a save; who is inside / out after a save (the inside list); the
  repeat notice and recall after a save;
- opening today's log (page, cells);
- 4 desks (processes) logging gate entries at once: p50 / p99 over all.

Beside it, in the same run, sqlite3 (WAL, synchronous=FULL) does the gate
entry's writes (bench/bench_store.py: the row, one audit row, the read the
rule needs by index), alone and from 4 processes. One table per scale:
p50 / p95 / p99 in ms. Not part of the test suite.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import multiprocessing as mp
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
import machine

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent


def entries_for(rng: random.Random, day: dt.date, n: int, doors: list[str],
                outsiders: float = 0.0) -> list[dict]:
    """``n`` entries of ``day``, a share ``outsiders`` of them without a door."""
    from console.checkpoint import gate as cp  # noqa: PLC0415
    from console.core import clock  # noqa: PLC0415
    from console.demo import roster as demo  # noqa: PLC0415

    tz = clock.now().tzinfo
    start = dt.datetime.combine(day, dt.time(), tz)
    out = []
    for i in range(n):
        at = start + dt.timedelta(seconds=int(i * 86000 / n))
        outcome = rng.choices(cp.OUTCOMES, (70, 15, 8, 7))[0]
        direction = "out" if outcome != "turned_away" and rng.random() < 0.4 else "in"
        outsider = bool(outsiders) and rng.random() < outsiders
        out.append({"at": at.isoformat(), "name": demo.person_name(rng), "phone": demo.mobile(rng),
                    "door": "" if outsider else rng.choice(doors), "org": "顺丰" if outsider else "",
                    "direction": direction, "purpose": "deliver" if outsider else "buy",
                    "purpose_note": "", "outcome": outcome, "temp": 36.5, "fever": False,
                    "plate": "", "note": "", "gate": "西门", "shift": 1, "by": "刘敏"})
    return out


# -- filling (untimed, this tree's code) ------------------------------------------

def fill(root: Path, scale: int) -> list[str]:
    from console.checkpoint import shifts  # noqa: PLC0415
    from console.core import clock  # noqa: PLC0415
    from console.core.operators import Actor  # noqa: PLC0415
    from console.core.store import Store  # noqa: PLC0415
    from console.demo import roster as demo  # noqa: PLC0415

    rng = random.Random(scale)
    store = Store(root)
    demo.add_roster(store)
    demo.add_households(store, rng)
    doors = [h["door"] for h in store.table("households").all()]
    today = clock.today()
    per_day = 10_000 * scale // 28
    for k in range(28):
        day = today - dt.timedelta(days=27 - k)
        store.table("checkpoint", day.isoformat()).insert_multiple(
            entries_for(rng, day, per_day, doors, outsiders=0.1))
    store.table("marks").insert_multiple(
        [{"door": d, "building": 1, "grid": "1", "colour": rng.choice(("red", "orange", "yellow")),
          "reason": "x", "since": today.isoformat(),
          "review": (today + dt.timedelta(days=7)).isoformat(), "by": "x"}
         for d in rng.sample(doors, 20)])
    shifts.open_shift(store, Actor("刘敏", "volunteer"), "西门")
    store.checkpoint()
    return doors


# -- the timed calls, in a process running one tree's code --------------------------

FORM = {"name": "王伟", "phone": "13800001234", "direction": "in", "purpose": "buy",
        "outcome": "allowed", "temp": "36.6"}


def _desk(path: str, doors: list[str], barrier, results) -> None:
    from console.checkpoint import gate as cp  # noqa: PLC0415
    from console.core.operators import Actor  # noqa: PLC0415
    from console.core.store import Store  # noqa: PLC0415

    store, actor = Store(path), Actor("刘敏", "volunteer")
    cp.log_entry(store, actor, "西门", {**FORM, "door": doors[0]})  # the desk is up and running
    barrier.wait()
    samples = []
    for door in doors[1:]:
        t = time.perf_counter()
        cp.log_entry(store, actor, "西门", {**FORM, "door": door})
        samples.append(time.perf_counter() - t)
    results.put(samples)


def at_once(desk, args_of) -> list[float]:
    """4 processes running ``desk(*args_of(k), barrier, results)`` together
    (they start at one barrier): all their samples."""
    ctx = mp.get_context("fork")
    barrier, results = ctx.Barrier(4), ctx.Queue()
    procs = [ctx.Process(target=desk, args=(*args_of(k), barrier, results)) for k in range(4)]
    for p in procs:
        p.start()
    samples = [s for _ in procs for s in results.get()]
    for p in procs:
        p.join()
    return samples


def four_desks(path: Path, doors: list[str], n: int, desk=_desk) -> list[float]:
    return at_once(desk, lambda k: (str(path), doors[k * (n + 1):(k + 1) * (n + 1)]))


def timer(out: dict[str, list[float]], n: int):
    """``timed(name, call, before=None, times=n)``: ``call()`` timed ``times``
    times (``before()`` untimed ahead of each), the samples into ``out[name]``."""
    def timed(name: str, call, before=None, times: int = n) -> None:
        samples = []
        for _ in range(times):
            if before:
                before()
            t = time.perf_counter()
            call()
            samples.append(time.perf_counter() - t)
        out[name] = samples
    return timed


def work(path: Path, doors: list[str], n: int) -> dict[str, list[float]]:
    """Time the gate path with whatever code ``console`` imports as."""
    from console.checkpoint import gate as cp, inside  # noqa: PLC0415
    from console.core import i18n  # noqa: PLC0415
    from console.core.operators import Actor  # noqa: PLC0415
    from console.core.store import Store  # noqa: PLC0415
    try:
        from screens.checkpoint.cells import row_cells  # noqa: PLC0415
    except ImportError:  # before screens/checkpoint/ became a package
        from screens.checkpoint import row_cells  # noqa: PLC0415

    try:
        from console.checkpoint import visitors as people  # noqa: PLC0415
    except ImportError:  # before the split: repeat_info and recall were in gate
        people = cp
    i18n.set_lang("en")
    store, actor, rng, out = Store(path), Actor("刘敏", "volunteer"), random.Random(7), {}
    save = iter(doors)

    timed = timer(out, n)

    def log() -> None:
        cp.log_entry(store, actor, "西门", {**FORM, "door": next(save)})

    def verdict() -> None:
        cp.verdict_for(store, {**FORM, "direction": "out", "door": rng.choice(doors)})

    timed("first gate entry of a session", log, times=1)
    timed("gate entry (log_entry)", log)
    timed("gate verdict as the door is typed", verdict, times=10 * n)
    timed("gate verdict, first after a save", verdict, before=log)
    timed("inside list after a save (inside + out now)",
          lambda: (inside.inside_now(store), inside.out_now(store)), before=log)
    timed("repeat notice + recall after a save",
          lambda: (people.repeat_info(store, "王伟", "13800001234", doors[5]),
                   people.recall(store, "王")), before=log)
    timed("open today's log (page + cells)",
          lambda: [row_cells(e) for e in cp.page_of(store)[0]], times=max(10, n // 4))
    out["4 desks at once, gate entries"] = four_desks(path, doors[-4 * 41:], 40)
    return out


def run_tree(tree: Path, data: Path, doors: list[str], n: int, script: str = __file__) -> dict:
    """``script --worker tree`` (its ``work``) in a fresh process importing
    ``tree``'s code, on a copy of ``data``: the samples it prints."""
    with tempfile.TemporaryDirectory() as tmp:
        copy = Path(tmp) / "data"
        shutil.copytree(data, copy)
        args = json.dumps({"data": str(copy), "doors": doors, "n": n})
        done = subprocess.run([sys.executable, script, "--worker", str(tree)], input=args,
                              capture_output=True, text=True, check=True)
    return json.loads(done.stdout)


# -- sqlite3, the same writes (bench/bench_store.py) ---------------------------------

def _lite_desk(path: str, doors: list[str], barrier, results) -> None:
    from bench_store import Sqlite  # noqa: PLC0415

    db = Sqlite(Path(path))
    barrier.wait()
    samples = []
    for _ in doors[1:]:
        t = time.perf_counter()
        db.gate_entry()
        samples.append(time.perf_counter() - t)
    results.put(samples)


def run_sqlite(path: Path, scale: int, n: int) -> dict[str, list[float]]:
    from bench_store import Sqlite, sqlite_fill  # noqa: PLC0415

    sqlite_fill(path, scale)
    db, samples = Sqlite(path), []
    for _ in range(n):
        t = time.perf_counter()
        db.gate_entry()
        samples.append(time.perf_counter() - t)
    return {"gate entry (log_entry)": samples,
            "4 desks at once, gate entries": four_desks(path, ["x"] * 4 * 41, 40, _lite_desk)}


# -- the table ---------------------------------------------------------------------

def q(samples: list[float], at: float) -> float:
    s = sorted(samples)
    return s[min(len(s) - 1, int(len(s) * at))] * 1000


def cells(samples: list[float] | None) -> str:
    if not samples:
        return " | | |"
    if len(samples) == 1:
        return f" | {samples[0] * 1000:.1f} | |"
    return " |" + " |".join(f" {q(samples, at):.1f}" for at in (0.5, 0.95, 0.99))


def table(scale: int, per_day: int, before: dict, after: dict, lite: dict, ref: str) -> None:
    print(f"\n{scale}x: {per_day * 28} gate entries over 28 days ({per_day} a day); ms; "
          f"before = {ref}")
    print("| operation | before p50 | p95 | p99 | after p50 | p95 | p99 | after/before p50 |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for name in after:
        ratio = q(after[name], 0.5) / q(before[name], 0.5) if name in before else float("nan")
        print(f"| {name}{cells(before.get(name))}{cells(after[name])} | {ratio:.2f} |")
    for name in lite:
        print(f"| sqlite3: {name} | | |{cells(lite[name])} | |")
    for name in lite:
        mine = [f"{q(run[name], 0.5) / q(lite[name], 0.5):.1f}x" for run in (before, after)]
        print(f"| {name}: p50 / sqlite3 p50 | {mine[0]} | | | {mine[1]} | | | |")


def worker(tree: str) -> None:
    sys.path[:0] = [tree, str(HERE)]
    job = json.loads(sys.stdin.read())
    import console  # noqa: PLC0415

    assert Path(console.__file__).is_relative_to(tree), console.__file__
    print(json.dumps(work(Path(job["data"]), job["doors"], job["n"])))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--scales", default="1,10")
    ap.add_argument("--n", type=int, default=60, help="calls timed per operation")
    ap.add_argument("--before", default="origin/main", help="git ref of the code to compare with")
    ap.add_argument("--worker", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.worker:
        return worker(args.worker)
    sys.path[:0] = [str(ROOT), str(HERE)]
    from console.core import i18n  # noqa: PLC0415

    i18n.set_lang("en")
    print(f"machine: {machine.cpus()}; load {os.getloadavg()[0]:.2f}; "
          f"python {sys.version.split()[0]}")
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp) / "before"
        subprocess.run(["git", "-C", str(ROOT), "worktree", "add", "-q", "--detach", str(base),
                        args.before], check=True)
        try:
            for scale in (int(s) for s in args.scales.split(",")):
                data = Path(tmp) / f"data{scale}"
                t = time.perf_counter()
                doors = fill(data, scale)
                print(f"filled {scale}x in {time.perf_counter() - t:.0f} s", file=sys.stderr)
                before = run_tree(base, data, doors, args.n)
                after = run_tree(ROOT, data, doors, args.n)
                lite = run_sqlite(Path(tmp) / f"lite{scale}.db", scale, args.n)
                table(scale, 10_000 * scale // 28, before, after, lite, args.before)
        finally:
            subprocess.run(["git", "-C", str(ROOT), "worktree", "remove", "--force", str(base)],
                           check=False)


if __name__ == "__main__":
    main()
