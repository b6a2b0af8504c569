"""Demo data at N times the story's scale, for the UI and memory benchmarks.

    python bench/bigdata.py DIR [--scale 10]

Builds the demo into DIR (as `python app.py demo` does), then tops its big
tables up to ``scale`` times the story's scale (../shared/seed/STORIES.md):
gate entries to 10,000 × scale (spread over the demo's days, today included),
purchase requests to 1,500 × scale (copies of the demo's orders, each added
to its original's run, so every view and pack list grows too), thermometer
movements to 1,000 × scale. Copies get other names and phones so searches
and sorting see varied data. Only the store's public API is used (tables,
insert_multiple, transactions, checkpoint).
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from console import features  # noqa: E402
from console.core.store import Store  # noqa: E402
from console.demo import roster  # noqa: E402

STORY = {"gate": 10_000, "orders": 1_500, "movements": 1_000}
META = ("_at", "_by")


def _copy(row: dict, rng: random.Random) -> dict:
    out = {k: v for k, v in row.items() if k not in META}
    if out.get("name"):
        out["name"] = roster.person_name(rng)
    if out.get("person"):
        out["person"] = roster.person_name(rng)
    if out.get("phone"):
        out["phone"] = roster.mobile(rng)
    return out


def _gate(store: Store, rng: random.Random, target: int) -> int:
    days = store.days("checkpoint")
    have = {d: store.table("checkpoint", d).all() for d in days}
    missing = target - sum(len(rows) for rows in have.values())
    for i, day in enumerate(days):
        share = missing // len(days) + (1 if i < missing % len(days) else 0)
        rows = have[day]
        if share > 0 and rows:
            store.table("checkpoint", day).insert_multiple(
                _copy(rows[k % len(rows)], rng) for k in range(share))
    return sum(len(store.table("checkpoint", d)) for d in days)


def _orders(store: Store, rng: random.Random, target: int) -> int:
    from console.purchases import orders as P  # noqa: PLC0415
    with store.transaction(P.REQUESTS, P.RUNS) as tx:
        requests, runs = tx.table(P.REQUESTS), tx.table(P.RUNS)
        rows = requests.all()
        copies = [_copy(rows[k % len(rows)], rng) for k in range(max(0, target - len(rows)))]
        for k, row in enumerate(copies):
            if row.get("no"):
                row["no"] = f"{row['no']}-{k // len(rows) + 1}"
        ids = requests.insert_multiple(copies)
        joined: dict[int, list[int]] = {}
        for doc_id, row in zip(ids, copies):
            if row.get("run"):
                joined.setdefault(row["run"], []).append(doc_id)
        for run_id, extra in joined.items():
            run = runs.get(doc_id=run_id)
            if run is not None:
                runs.update({"requests": list(run.get("requests", [])) + extra}, doc_ids=[run_id])
        return len(requests)


def _movements(store: Store, rng: random.Random, target: int) -> int:
    from console.stock import ledger as stock  # noqa: PLC0415
    with store.transaction(stock.MOVES) as tx:
        moves = tx.table(stock.MOVES)
        rows = sorted(moves.all(), key=lambda m: m.get("no", 0))
        copies = []
        for k in range(max(0, target - len(rows))):
            row = _copy(rows[k % len(rows)], rng)
            row["no"] = tx.next_number("movement")  # the ledger's counter: the next one goes on
            copies.append(row)
        moves.insert_multiple(copies)
        return len(moves)


def build(path: Path, scale: float = 10, seed: int = 2020) -> list[str]:
    """Fill an empty data directory at ``scale`` × the story's scale."""
    store = Store(path)
    lines = features.build_demo(store, seed=seed)
    if scale > 0:
        rng = random.Random(seed + 1)
        store.actor = {"op": roster.VOLUNTEERS[0], "role": "leader"}
        gate = _gate(store, rng, int(STORY["gate"] * scale))
        orders = _orders(store, rng, int(STORY["orders"] * scale))
        moves = _movements(store, rng, int(STORY["movements"] * scale))
        store.actor = {"op": "", "role": ""}
        lines.append(f"scaled ×{scale:g}: {gate} gate entries, {orders} purchase requests, "
                     f"{moves} stock movements")
    store.checkpoint()  # as on a desk that has been running: a start reads no long tail
    return lines


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("dir", type=Path)
    ap.add_argument("--scale", type=float, default=10)
    args = ap.parse_args()
    t = time.perf_counter()
    for line in build(args.dir, args.scale):
        print(" ", line)
    print(f"written to {args.dir} in {time.perf_counter() - t:.1f} s")


if __name__ == "__main__":
    main()
