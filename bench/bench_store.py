"""Insert latency of console.store beside plain TinyDB and sqlite3.

    python bench/bench_store.py [--sizes 1000,10000,100000] [--inserts 200] [--dir DIR]

For each stored size N the day-sharded checkpoint log holds N records, 2,000
per day (100k = 50 day files, today's file full) and today's audit trail
holds one entry per record of today, as if the store had written them. Then
1 or 4 writer processes insert into today's log; each insert is timed in the
writer, from the call to its return (lock wait, fsyncs and all). Beside it:
plain TinyDB (default JSONStorage, one file holding all N records; few
inserts at 100k, it is slow) and sqlite3 (WAL, synchronous=FULL, one commit
per insert). "kept" is records gained / inserts acknowledged: below 100 %
means acknowledged writes were lost; "failed" counts inserts that raised. Diagnostic rows: the store with its
audit entry switched off (what the audit write costs).
Not part of the test suite.
"""

from __future__ import annotations

import argparse
import datetime as dt
import multiprocessing as mp
import os
import platform
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import orjson  # noqa: E402

PER_DAY = 2000
STAMP = {"_at": "2026-03-05T09:30:00+08:00",
         "_by": {"op": "郭振兴", "role": "leader", "unix": "desk", "tty": "ssh:10.0.0.7"}}


def record(i: int) -> dict:
    return {"door": f"{i % 22 + 1}-{i % 6 + 1}0{i % 4 + 1}", "name": "张三丰", "direction": "out",
            "gate": "西门", "temp": 36.5, "reason": "买菜", "people": 1, "note": "", "n": i}


# -- setup -------------------------------------------------------------------------

def setup_store(root: Path, n: int) -> str:
    """A data directory with n checkpoint records, PER_DAY a day, ending today."""
    from console.core import clock
    from console.core.store import Store
    Store(root)
    today = clock.today()
    days = max(1, -(-n // PER_DAY))
    left, i = n, 0
    for back in range(days - 1, -1, -1):
        day = (today - dt.timedelta(days=back)).isoformat()
        count = min(PER_DAY, left)
        docs = {str(k + 1): {**record(i + k), **STAMP} for k in range(count)}
        (root / "checkpoint").mkdir(exist_ok=True)
        (root / "checkpoint" / f"{day}.json").write_bytes(orjson.dumps({"checkpoint": docs}))
        left, i = left - count, i + count
    trail = {k: {"file": f"checkpoint/{today}.json", "table": "checkpoint", "op": "insert",
                 "id": int(k), "before": None, "after": d, **STAMP} for k, d in docs.items()}
    (root / "audit").mkdir(exist_ok=True)
    (root / "audit" / f"{today}.json").write_bytes(orjson.dumps({"audit": trail}))
    return today.isoformat()


def setup_tinydb(path: Path, n: int) -> None:
    path.write_bytes(orjson.dumps({"_default": {str(k + 1): {**record(k), **STAMP} for k in range(n)}}))


def setup_sqlite(path: Path, n: int) -> None:
    db = sqlite3.connect(path)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("CREATE TABLE checkpoint (id INTEGER PRIMARY KEY, day TEXT, doc TEXT)")
    db.executemany("INSERT INTO checkpoint (day, doc) VALUES (?, ?)",
                   ((f"d{k // PER_DAY}", orjson.dumps({**record(k), **STAMP}).decode()) for k in range(n)))
    db.commit()
    db.close()


def count(kind: str, path: Path, day: str) -> int:
    if kind.startswith("store"):
        from console.core.store import Store
        return len(Store(path).table("checkpoint", day=day))
    if kind == "tinydb":
        return len(orjson.loads(path.read_bytes())["_default"])
    db = sqlite3.connect(path)
    try:
        return db.execute("SELECT count(*) FROM checkpoint").fetchone()[0]
    finally:
        db.close()


# -- writers -------------------------------------------------------------------------

def writer(kind: str, path: str, day: str, inserts: int, tag: int, go, out) -> None:
    if kind.startswith("store"):
        from console.core.store import Store, Table
        store = Store(path)
        store.actor = {"op": "郭振兴", "role": "leader"}
        table = store.table("checkpoint", day=day)
        if kind == "store-noaudit":
            table = Table(store, "checkpoint", table.path, audited=False)
        insert = table.insert
    elif kind == "tinydb":
        from tinydb import TinyDB
        insert = TinyDB(path).insert
    else:
        db = sqlite3.connect(path, timeout=60, isolation_level=None)
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA synchronous=FULL")

        def insert(doc: dict) -> None:
            db.execute("BEGIN IMMEDIATE")
            db.execute("INSERT INTO checkpoint (day, doc) VALUES (?, ?)", (day, orjson.dumps(doc).decode()))
            db.execute("COMMIT")
    go.wait()
    times, errors = [], []
    for k in range(inserts):
        doc = {**record(tag * 100000 + k)}
        if not kind.startswith("store"):
            doc.update(STAMP)
        start = time.perf_counter()
        try:
            insert(doc)
        except Exception as exc:  # plain TinyDB with several writers reads half-written files
            errors.append(type(exc).__name__)
            continue
        times.append(time.perf_counter() - start)
    out.put((times, errors))


def run(kind: str, path: Path, day: str, writers: int, inserts: int) -> tuple[list[float], int]:
    ctx = mp.get_context("spawn")
    go, out = ctx.Event(), ctx.Queue()
    before = count(kind, path, day)
    per = max(1, inserts // writers)
    procs = [ctx.Process(target=writer, args=(kind, str(path), day, per, w, go, out)) for w in range(writers)]
    for p in procs:
        p.start()
    time.sleep(1.0 if kind != "tinydb" else 0.5 + os.path.getsize(path) / 20e6)  # let them import and open
    go.set()
    times, errors = [], []
    for _ in procs:
        t, e = out.get()
        times += t
        errors += e
    for p in procs:
        p.join()
    try:
        gained = count(kind, path, day) - before
    except Exception:  # the file no longer parses
        gained = -1
    return times, errors, gained


def pct(times: list[float], q: float) -> float:
    times = sorted(times)
    return times[min(len(times) - 1, int(q * len(times)))] * 1000


def machine() -> str:
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor())
    return f"{os.cpu_count()} CPUs, {cpu}, Python {platform.python_version()}, {platform.system()} {platform.release()}"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--sizes", default="1000,10000,100000")
    ap.add_argument("--inserts", type=int, default=200, help="timed inserts per store/sqlite case")
    ap.add_argument("--backends", default="store,store-noaudit,tinydb,sqlite")
    ap.add_argument("--dir", help="where to build the data (default: a temp dir on /tmp)")
    args = ap.parse_args()
    base = Path(tempfile.mkdtemp(prefix="bench-store-", dir=args.dir))
    rows = []
    print(f"machine: {machine()}\ndata in: {base} ({fs_type(base)})\n", flush=True)
    try:
        for n in (int(s) for s in args.sizes.split(",")):
            tiny = 200 if n <= 1000 else 60 if n <= 10000 else 24
            cases = [("store", 1, args.inserts), ("store", 4, args.inserts),
                     ("store-noaudit", 1, args.inserts),
                     ("tinydb", 1, tiny), ("tinydb", 4, tiny),
                     ("sqlite", 1, args.inserts), ("sqlite", 4, args.inserts)]
            for kind, writers, inserts in cases:
                if kind not in args.backends.split(","):
                    continue
                work = base / f"{kind}-{n}-{writers}"
                day = dt.date.today().isoformat()
                if kind.startswith("store"):
                    day = setup_store(work, n)
                elif kind == "tinydb":
                    work.mkdir()
                    work = work / "db.json"
                    setup_tinydb(work, n)
                else:
                    work.mkdir()
                    work = work / "db.sqlite"
                    setup_sqlite(work, n)
                times, errors, gained = run(kind, work, day, writers, inserts)
                kept = "file broken" if gained < 0 else f"{gained / max(1, len(times)):.0%}"
                if errors:
                    kept += f", {len(errors)} failed ({errors[0]})"
                rows.append((kind, n, writers, len(times), pct(times, 0.5), pct(times, 0.99),
                             statistics.fmean(times) * 1000, kept))
                print("  {:<14} {:>7,} {:>2}w  {:>4} inserts  p50 {:8.2f} ms  p99 {:8.2f} ms  kept {}".format(
                    kind, n, writers, len(times), rows[-1][4], rows[-1][5], rows[-1][7]), flush=True)
                shutil.rmtree(work if work.is_dir() else work.parent)
    finally:
        shutil.rmtree(base, ignore_errors=True)
    print_table(rows)


def fs_type(path: Path) -> str:
    best, kind = "", "?"
    for line in Path("/proc/mounts").read_text().splitlines():
        parts = line.split()
        if str(path).startswith(parts[1]) and len(parts[1]) > len(best):
            best, kind = parts[1], parts[2]
    return kind


def print_table(rows: list[tuple]) -> None:
    print("\n| backend | records stored | writers | inserts | p50 ms | p99 ms | mean ms | kept |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for kind, n, w, k, p50, p99, mean, kept in rows:
        print(f"| {kind} | {n:,} | {w} | {k} | {p50:.2f} | {p99:.2f} | {mean:.2f} | {kept} |")
    store = {(n, w): p50 for kind, n, w, _, p50, *_ in rows if kind == "store"}
    tiny = {(n, w): p50 for kind, n, w, _, p50, *_ in rows if kind == "tinydb"}
    for key in sorted(store):
        if key in tiny:
            print(f"\nstore vs plain TinyDB, {key[0]:,} records, {key[1]} writer(s): "
                  f"{tiny[key] / store[key]:.0f}x faster (p50)", end="")
    print()


if __name__ == "__main__":
    main()
