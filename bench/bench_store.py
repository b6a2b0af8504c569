"""The journaled store against sqlite3 on the desk's real writes.

    python bench/bench_store.py [--scales 1,10] [--n 40]

For each scale (1 = the stories' numbers: 10k gate entries over 28 days,
1.5k purchase orders in one run, 500 errands, 1k stock movements; 10 = ten
times that) a data directory is filled (bulk, untimed), checkpointed, and a
fresh session times the domain calls a desk makes, each one committed
transaction: a gate entry, a redirect to proxy purchase, a pass scan, a
thermometer hand-out, a household's amount in a run. Beside it, in the same
run, sqlite3 (WAL, synchronous=FULL) does the same writes on the same number
of rows: the rows each call writes plus one audit row per changed row, the
reads the rule needs by index. Then 4 desks (processes) log gate entries at
once (p50/p99 over all of them), and a fresh process loads the 10x data by
visiting every tab's views: its RSS and the longest garbage-collection pause
seen. One table is printed. Not part of the test suite.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import multiprocessing as mp
import random
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import orjson  # noqa: E402

from bench_checkpoint import at_once, entries_for  # noqa: E402
from console.checkpoint import gate as cp, scan as gate_scan, shifts  # noqa: E402
from console.core import clock  # noqa: E402
from console.core.operators import Actor  # noqa: E402
from console.core.store import Store  # noqa: E402
from console.demo import roster as demo  # noqa: E402
from console.errands import errand as errands  # noqa: E402
from console.households import registry as households  # noqa: E402
from console.purchases import orders as P  # noqa: E402
from console.purchases import runs as R  # noqa: E402
from console.stock import balances  # noqa: E402
from console.stock import ledger as stock  # noqa: E402

LEADER = Actor("郭振兴", "leader")
DESK = Actor("刘敏", "volunteer")
FORM = {"name": "王伟", "phone": "13800001234", "direction": "in", "purpose": "buy",
        "outcome": "turned_away", "temp": "36.6"}


# -- filling a data directory (untimed) ------------------------------------------

def fill(root: Path, scale: int) -> dict:
    rng = random.Random(scale)
    store = Store(root)
    demo.add_roster(store)
    demo.add_households(store, rng)
    store.actor = {"op": LEADER.name, "role": LEADER.role}
    doors = [h["door"] for h in store.table("households").all()]
    today = clock.today()
    per_day = 10_000 * scale // 28
    for k in range(28):
        day = today - dt.timedelta(days=27 - k)
        store.table("checkpoint", day.isoformat()).insert_multiple(entries_for(rng, day, per_day, doors))
    shifts.open_shift(store, DESK, "西门")
    orders = [{"door": rng.choice(doors), "person": demo.person_name(rng), "phone": demo.mobile(rng),
               "lines": [{"item": "大米", "qty": 1, "unit": "袋"}, {"item": "鸡蛋", "qty": 2, "unit": "斤"}]}
              for _ in range(1500 * scale)]
    P.import_orders(store, LEADER, orders)
    run = R.create_run(store, LEADER, today + dt.timedelta(days=1), "平价超市", "23:59")
    codes = []
    for i in range(30):  # issued passes to scan
        e = errands.request(store, DESK, door=doors[i], person="张三", purpose="买药", items="药",
                            destination="药店", escort="", start="00:00", end="23:59")
        errands.approve(store, LEADER, e["number"])
        codes.append(errands.issue_pass(store, LEADER, e["number"])["code"])
    done = {**errands.get(store, 1), "state": "closed"}
    done.pop("code", None)
    with store.transaction("errands") as tx:  # the rest: closed errands, as after weeks of use
        tx.table("errands").insert_multiple([{**done, "number": 100_000 + i} for i in range(500 * scale - 30)])
    with stock.ledger(store, LEADER) as led:
        item = led.default_handout()
        issues = min(1400, 500 * scale)
        led.receive(item, 5000, "卫生院")
        for i in range(1000 * scale - issues - 1):
            led.receive(item, 1, "卫生院")
        for door in doors[:issues]:
            led.issue(door)
    store.checkpoint()
    return {"doors": doors, "codes": codes, "run": run["id"],
            "requests": [r["id"] for r in R.run_requests(store, run["id"])]}


# -- the desk calls, timed in a fresh session ---------------------------------------

def store_ops(root: Path, world: dict, n: int) -> dict[str, list[float]]:
    store = Store(root)
    store.actor = {"op": DESK.name, "role": DESK.role}
    doors, out = world["doors"], {}

    def timed(name: str, calls) -> None:
        samples = []
        for call in calls:
            t = time.perf_counter()
            call()
            samples.append(time.perf_counter() - t)
        out[name] = samples

    entry = {**FORM, "door": doors[0], "at": clock.stamp(), "gate": "西门", "by": DESK.name}
    today = store.table("checkpoint")
    timed("store commit alone (an insert into today's log)", [lambda: today.insert(entry)] * n)
    timed("gate entry", [lambda i=i: cp.log_entry(store, DESK, "西门", {**FORM, "door": doors[i]})
                         for i in range(n)])
    timed("redirect to proxy purchase", [lambda i=i: cp.log_entry(
        store, DESK, "西门", {**FORM, "door": doors[i], "outcome": "redirected"}) for i in range(n)])
    timed("pass scan", [lambda c=c: gate_scan.scan(store, c, "西门", DESK) for c in world["codes"][:n]])
    timed("thermometer hand-out", [lambda i=i: stock.issue(store, DESK, doors[i], reason="lost")
                                   for i in range(n)])
    timed("household amount in a run", [lambda r=r: R.record_paid(store, LEADER, r, "23.50")
                                        for r in world["requests"][:n]])
    return out


# -- the same writes in sqlite ------------------------------------------------------

SCHEMA = """
CREATE TABLE rows (tbl TEXT, day TEXT, id INTEGER, key TEXT, doc TEXT, PRIMARY KEY (tbl, day, id));
CREATE INDEX rows_key ON rows (tbl, key);
CREATE TABLE counters (name TEXT PRIMARY KEY, value INTEGER);
CREATE TABLE audit (seq INTEGER PRIMARY KEY, at TEXT, by TEXT, tbl TEXT, op TEXT, rid INTEGER,
                    before TEXT, after TEXT);
"""


def sqlite_fill(path: Path, scale: int) -> None:
    db = sqlite3.connect(path)
    db.execute("PRAGMA journal_mode=WAL")
    db.executescript(SCHEMA)
    rng = random.Random(scale)
    doc = orjson.dumps(entries_for(rng, clock.today(), 1, ["1-101"])[0]).decode()
    sizes = {"checkpoint": 10_000, "requests": 1500, "errands": 500, "moves": 1000, "handouts": 1000}
    for tbl, n in sizes.items():
        db.executemany("INSERT INTO rows VALUES (?, ?, ?, ?, ?)",
                       ((tbl, f"d{i % 28}" if tbl == "checkpoint" else "", i, f"k{i}", doc)
                        for i in range(n * scale)))
    db.executemany("INSERT INTO audit (at, by, tbl, op, rid, after) VALUES ('', '', 'checkpoint', 'insert', ?, ?)",
                   ((i, doc) for i in range(10_000 * scale)))
    db.execute("INSERT INTO counters VALUES ('request', 0), ('movement', 0), ('scan', 0)")
    db.commit()
    db.close()


class Sqlite:
    def __init__(self, path: Path):
        self.db = sqlite3.connect(path, timeout=60, isolation_level=None)
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA synchronous=FULL")
        self.doc = orjson.dumps({**FORM, "door": "1-101", "at": clock.stamp(), "by": DESK.name}).decode()
        self.n = 10_000_000

    def _write(self, tbl: str, day: str = "", before: str | None = None) -> None:
        self.n += 1
        self.db.execute("INSERT OR REPLACE INTO rows VALUES (?, ?, ?, ?, ?)", (tbl, day, self.n, f"k{self.n}", self.doc))
        self.db.execute("INSERT INTO audit (at, by, tbl, op, rid, before, after) VALUES (?, ?, ?, ?, ?, ?, ?)",
                        (clock.stamp(), DESK.name, tbl, "update" if before else "insert", self.n, before, self.doc))

    def _tx(self, body) -> None:
        self.db.execute("BEGIN IMMEDIATE")
        body()
        self.db.execute("COMMIT")

    def _read(self, tbl: str, key: str) -> str | None:
        row = self.db.execute("SELECT doc FROM rows WHERE tbl = ? AND key = ?", (tbl, key)).fetchone()
        return row[0] if row else None

    def _count(self, name: str) -> None:
        self.db.execute("UPDATE counters SET value = value + 1 WHERE name = ?", (name,))

    def gate_entry(self) -> None:
        self._tx(lambda: (self._read("checkpoint", "k5"), self._write("checkpoint", "d0")))

    def redirect(self) -> None:
        self._tx(lambda: (self._read("checkpoint", "k5"), self._count("request"),
                          self._write("requests"), self._write("checkpoint", "d0")))

    def scan(self) -> None:
        self._tx(lambda: (self._write("errands", before=self._read("errands", "k3")), self._count("scan"),
                          self._write("scans", "d0"), self._write("checkpoint", "d0")))

    def handout(self) -> None:
        self._tx(lambda: (self.db.execute("SELECT count(*) FROM rows WHERE tbl = 'moves'").fetchone(),
                          self._count("movement"), self._write("moves"),
                          self._write("handouts", before=self._read("handouts", "k7"))))

    def amount(self) -> None:
        self._tx(lambda: self._write("requests", before=self._read("requests", "k9")))


def sqlite_ops(path: Path, n: int) -> dict[str, list[float]]:
    db, out = Sqlite(path), {}
    for name, call in (("store commit alone (an insert into today's log)", db.gate_entry),
                       ("gate entry", db.gate_entry), ("redirect to proxy purchase", db.redirect),
                       ("pass scan", db.scan), ("thermometer hand-out", db.handout),
                       ("household amount in a run", db.amount)):
        samples = []
        for _ in range(n):
            t = time.perf_counter()
            call()
            samples.append(time.perf_counter() - t)
        out[name] = samples
    return out


# -- 4 desks at once, and a loaded session's memory -----------------------------------

def _desk(kind: str, path: str, doors: list[str], n: int, barrier, results) -> None:
    if kind.startswith("store"):
        store = Store(path)
        store.actor = {"op": DESK.name, "role": DESK.role}
        if kind == "store":
            call = [lambda i=i: cp.log_entry(store, DESK, "西门", {**FORM, "door": doors[i]}) for i in range(n)]
        else:
            log = store.table("checkpoint")
            call = [lambda i=i: log.insert({**FORM, "door": doors[i], "at": clock.stamp()}) for i in range(n)]
        store.table("checkpoint").all()  # the desk has its day open
    else:
        db = Sqlite(Path(path))
        call = [db.gate_entry] * n
    barrier.wait()
    samples = []
    for c in call:
        t = time.perf_counter()
        c()
        samples.append(time.perf_counter() - t)
    results.put(samples)


def four_desks(kind: str, path: Path, doors: list[str], n: int) -> list[float]:
    return at_once(_desk, lambda k: (kind, str(path), doors[k * n:(k + 1) * n], n))


def _rss() -> float:
    return next(int(x.split()[1]) for x in open("/proc/self/status") if x.startswith("VmRSS")) / 1024


def _loaded(path: str, results) -> None:
    base = _rss()  # the console's modules, before any data
    pauses, start = [0.0], [0.0]

    def watch(phase, info):
        if phase == "start":
            start[0] = time.perf_counter()
        else:
            pauses.append(time.perf_counter() - start[0])

    gc.callbacks.append(watch)
    gc.collect()
    pauses[:] = [0.0]
    t = time.perf_counter()
    store = Store(path)
    days = store.days("checkpoint")
    for day in days[-2:]:  # every tab: the gate log (today and yesterday), purchases,
        cp.page_of(store, day)  # errands, thermometers, households, the audit days
    P.requests(store), R.runs(store), errands.by_status(store), balances.balances(store)
    households.by_door(store), store.history_days()
    load, loading = time.perf_counter() - t, max(pauses)
    pauses[:] = [0.0]
    for i in range(20):  # then use: writes, and the views again
        cp.log_entry(store, DESK, "西门", {**FORM, "door": "1-101"})
        if i % 5 == 0:
            cp.page_of(store, days[-1]), P.requests(store), balances.balances(store)
    results.put((base, _rss(), loading * 1000, max(pauses) * 1000, load))


def loaded_session(path: Path) -> tuple[float, float, float, float, float]:
    ctx = mp.get_context("spawn")  # a fresh interpreter, as a new SSH login
    results = ctx.Queue()
    p = ctx.Process(target=_loaded, args=(str(path), results))
    p.start()
    out = results.get()
    p.join()
    return out


# -- the table ---------------------------------------------------------------------

def p(samples: list[float], q: float) -> float:
    s = sorted(samples)
    return s[min(len(s) - 1, int(len(s) * q))] * 1000


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--scales", default="1,10")
    ap.add_argument("--n", type=int, default=30, help="calls timed per write")
    args = ap.parse_args()
    scales = [int(x) for x in args.scales.split(",")]
    res: dict[int, tuple[dict, dict]] = {}
    extra = {}
    with tempfile.TemporaryDirectory() as tmp:
        for scale in scales:
            root, lite = Path(tmp) / f"store{scale}", Path(tmp) / f"lite{scale}.db"
            t = time.perf_counter()
            world = fill(root, scale)
            sqlite_fill(lite, scale)
            print(f"filled scale {scale}x in {time.perf_counter() - t:.0f} s", file=sys.stderr)
            res[scale] = (store_ops(root, world, args.n), sqlite_ops(lite, args.n))
            if scale == scales[-1]:
                extra["desks"] = (four_desks("store", root, world["doors"][200:], 40),
                                  four_desks("sqlite", lite, world["doors"], 40),
                                  four_desks("store-commit", root, world["doors"], 40))
                extra["loaded"] = loaded_session(root)
    head = "".join(f" | {s}x store p50 | sqlite p50 | ratio" for s in scales)
    print(f"| write{head} | store {scales[-1]}x/{scales[0]}x |")
    print("|---" * (1 + 3 * len(scales) + 1) + "|")
    for name in res[scales[0]][0]:
        cells = ""
        for s in scales:
            mine, lite = p(res[s][0][name], 0.5), p(res[s][1][name], 0.5)
            cells += f" | {mine:.1f} ms | {lite:.1f} ms | {mine / lite:.1f}x"
        growth = p(res[scales[-1]][0][name], 0.5) / p(res[scales[0]][0][name], 0.5)
        print(f"| {name}{cells} | {growth:.2f}x |")
    mine, lite, bare = extra["desks"]
    print(f"| 4 desks at once, gate entries ({scales[-1]}x) | p50 {p(mine, .5):.1f} ms, p99 {p(mine, .99):.1f} ms"
          f" | p50 {p(lite, .5):.1f} ms, p99 {p(lite, .99):.1f} ms | | | | | |")
    print(f"| 4 desks at once, store commits alone ({scales[-1]}x) | p50 {p(bare, .5):.1f} ms,"
          f" p99 {p(bare, .99):.1f} ms | | | | | | |")
    base, rss, loading, using, load = extra["loaded"]
    print(f"| fresh session, every view at {scales[-1]}x | RSS {rss:.0f} MB ({base:.0f} MB before any data);"
          f" longest GC pause {loading:.0f} ms"
          f" while loading ({load:.1f} s), {using:.0f} ms in use | | | | | | |")


if __name__ == "__main__":
    main()
