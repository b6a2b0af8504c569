"""The folded indexes (stock, shift tallies, requests): before and after a change.

    python bench/bench_indexes.py [--scales 1,10] [--n 40] [--before origin/main]

For each scale a data directory is filled once with bench/bigdata.py (1 = the
story: 10k gate entries, 1.5k purchase requests, 1k thermometer movements;
10 = 100k, 15k, 10k) and checkpointed. Then, on a copy of it, in a fresh
process, once with the code of ``--before`` (a git ref, in a temporary
worktree) and once with this tree's, these are timed (p50 / p95 / p99, ms):

- a thermometer hand-out (``stock.issue``), and the stock tab's views after one
  (balances, sources, loans, the building's households without one);
- the shift screen after a gate entry: ``shift_counts`` and ``out_on_errand``;
- purchases: a new request and filling one in; after a change, the requests
  table, the unpaid list and the gate's requests;
- 4 desks (processes) handing out thermometers at once.

Not part of the test suite.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
import machine  # noqa: E402  (bench/machine.py, beside this script)

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path[:0] = [str(HERE)]

from bench_checkpoint import at_once, cells, q, run_tree, timer  # noqa: E402

LEADER = "郭振兴"  # the demo roster's first leader


def _stock_desk(path: str, doors: list[str], barrier, results) -> None:
    from console.core.operators import Actor  # noqa: PLC0415
    from console.core.store import Store  # noqa: PLC0415
    from console.stock import ledger as stock  # noqa: PLC0415

    store, actor = Store(path), Actor(LEADER, "leader")
    stock.issue(store, actor, doors[0], reason="lost")  # the desk is up and running
    barrier.wait()
    samples = []
    for door in doors[1:]:
        t = time.perf_counter()
        stock.issue(store, actor, door, reason="lost")
        samples.append(time.perf_counter() - t)
    results.put(samples)



def work(path: Path, n: int) -> dict[str, list[float]]:
    """Time the calls with whatever code ``console`` imports as."""
    from console.checkpoint import gate as cp, gates  # noqa: PLC0415
    try:
        from console.checkpoint import shifts  # noqa: PLC0415
    except ImportError:  # before the split: the shift code was in gate
        shifts = cp
    from console.core import clock, i18n  # noqa: PLC0415
    from console.core.operators import Actor  # noqa: PLC0415
    from console.core.store import Store  # noqa: PLC0415
    from console.purchases import orders as P, settlement as D  # noqa: PLC0415
    from console.stock import balances, ledger as stock  # noqa: PLC0415

    i18n.set_lang("en")
    store, actor, out = Store(path), Actor(LEADER, "leader"), {}
    store.actor = {"op": LEADER, "role": "leader"}
    doors = [h["door"] for h in store.table("households").all()]
    stock.receive(store, actor, "mercury", 5000, "bench")
    gate = (gates.open_gates(store) or ["西门"])[0]
    start = clock.today().isoformat() + "T00:00:00" + clock.stamp()[-6:]
    free = iter(doors * 4)

    timed = timer(out, n)

    def hand_out() -> None:
        stock.issue(store, actor, next(free), reason="lost")

    def log() -> None:
        cp.log_entry(store, actor, gate, {"name": "王伟", "phone": "13800001234", "direction": "in",
                                          "purpose": "buy", "outcome": "allowed", "temp": "36.6",
                                          "door": next(free)})

    mine, qty = P.create_request(store, actor, doors[0]), iter(range(1, 10**6))

    def fill() -> None:  # a real change every time (the same lines again write nothing)
        P.set_lines(store, actor, mine["id"], f"白菜{next(qty)}斤")

    timed("stock: hand-out (issue)", hand_out)
    timed("stock: tab views after a hand-out", lambda: (
        balances.balances(store, balances.movements(store)), balances.sources(store),
        balances.loans(store), balances.without_thermometer(store, 1)), before=hand_out)
    timed("gate: shift_counts after an entry", lambda: shifts.shift_counts(store, gate, start), before=log)
    timed("gate: out_on_errand after an entry", lambda: shifts.out_on_errand(store), before=log)
    timed("purchases: create_request", lambda: P.create_request(store, actor, next(free), lines="鸡蛋2斤"))
    timed("purchases: set_lines", fill)
    timed("purchases: requests table after a change", lambda: P.requests(store), before=fill)
    timed("purchases: unpaid list after a change", lambda: D.unpaid(store), before=fill)
    timed("gate: its purchase requests after a change", lambda: cp.requests(store), before=fill)
    out["4 desks at once, stock hand-outs"] = at_once(
        _stock_desk, lambda k: (str(path), doors[-(k + 1) * 31:][:31]))
    return out


def worker(tree: str) -> None:
    sys.path[:0] = [tree]
    job = json.loads(sys.stdin.read())
    import console  # noqa: PLC0415

    assert Path(console.__file__).is_relative_to(tree), console.__file__
    print(json.dumps(work(Path(job["data"]), job["n"])))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--scales", default="1,10")
    ap.add_argument("--n", type=int, default=40, help="calls timed per operation")
    ap.add_argument("--before", default="origin/main", help="git ref of the code to compare with")
    ap.add_argument("--worker", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.worker:
        return worker(args.worker)
    sys.path[:0] = [str(ROOT)]
    import bigdata  # noqa: PLC0415

    print(f"machine: {machine.cpus()}; load {os.getloadavg()[0]:.2f}; "
          f"python {sys.version.split()[0]}")
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp) / "before"
        subprocess.run(["git", "-C", str(ROOT), "worktree", "add", "-q", "--detach", str(base),
                        args.before], check=True)
        try:
            for scale in (float(s) for s in args.scales.split(",")):
                data = Path(tmp) / f"data{scale:g}"
                print(f"\n{scale:g}x: {bigdata.build(data, scale)[-1]}; ms; before = {args.before}")
                before, after = (run_tree(tree, data, [], args.n, __file__) for tree in (base, ROOT))
                print("| operation | before p50 | p95 | p99 | after p50 | p95 | p99 | after/before p50 |")
                print("|---|---:|---:|---:|---:|---:|---:|---:|")
                for name in after:
                    ratio = q(after[name], 0.5) / q(before[name], 0.5)
                    print(f"| {name}{cells(before[name])}{cells(after[name])} | {ratio:.2f} |")
        finally:
            subprocess.run(["git", "-C", str(ROOT), "worktree", "remove", "--force", str(base)],
                           check=False)


if __name__ == "__main__":
    main()
