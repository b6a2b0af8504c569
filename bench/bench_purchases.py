"""Benchmark: build a shopping run from 1,500 orders.

    python bench/bench_purchases.py [--orders 1500]

Times, on a fresh data directory with the demo's 1,472 households:
parsing a 1,500-line chat sign-up list, importing it (one transaction),
creating the run that collects every order, the combined shopping list,
the packing list, entering 200 of the amounts one by one (each its own
locked write, as at the desk; the rest are filled in untimed), marking the run bought, and the PDF.
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from console.demo import roster as demo  # noqa: E402
from console.purchases import form_values as F  # noqa: E402
from console.purchases import orders as P
from console.purchases import runs as R  # noqa: E402
from console.core.operators import Actor  # noqa: E402
from console.purchases.parser import parse_chat  # noqa: E402
from console.demo.purchases import _chat_line  # noqa: E402
from console.core.store import Store  # noqa: E402


def timed(rows: list, label: str, fn, n: int = 1):
    start = time.perf_counter()
    out = fn()
    ms = (time.perf_counter() - start) * 1000
    rows.append((label, ms, ms / n if n > 1 else None))
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--orders", type=int, default=1500)
    ap.add_argument("--pdf", action="store_true", help="also time the PDF (slow: one page per ~12 packs)")
    args = ap.parse_args()
    rng = random.Random(7)
    with tempfile.TemporaryDirectory() as tmp:
        store = Store(Path(tmp) / "data")
        demo.add_roster(store)
        demo.add_households(store, rng)
        actor = Actor(demo.VOLUNTEERS[0], "leader")
        store.actor = {"op": actor.name, "role": actor.role}
        homes = [h for h in store.table("households").all() if len(h["room"]) <= 4]
        text = "\n".join(_chat_line(rng, k, rng.choice(homes), names=0.0) for k in range(1, args.orders + 1))
        rows: list = []
        reg = timed(rows, "registry (1,472 households)", lambda: P.registry(store))
        result = timed(rows, f"parse {args.orders} chat lines", lambda: parse_chat(text, reg),
                       args.orders)
        timed(rows, f"import {len(result.orders)} orders (1 tx)",
              lambda: P.import_orders(store, actor, result.orders))
        run = timed(rows, "create run collecting them", lambda: R.create_run(
            store, actor, "2099-01-02", "平价超市", "23:59"))
        items = timed(rows, "shopping list (combined)", lambda: R.shopping_list(store, run["id"]))
        packs = timed(rows, "packing list", lambda: R.packing_list(store, run["id"]))
        some = packs[:200]
        timed(rows, f"enter {len(some)} amounts at the desk (each locked)",
              lambda: [R.record_paid(store, actor, p["id"], "12.5") for p in some], len(some))
        with store.transaction(P.REQUESTS) as tx:     # the rest without timing
            tx.table(P.REQUESTS).update({"paid_fen": 1250}, doc_ids=[p["id"] for p in packs[200:]])
        timed(rows, "mark bought (receipt check)",
              lambda: R.mark_bought(store, actor, run["id"], F.money(1250 * len(packs))))
        timed(rows, "requests table read (UI reload)", lambda: P.requests(store))
        if args.pdf:
            timed(rows, "PDF of list + packs", lambda: R.run_pdf(store, run["id"]))
    print(f"orders parsed: {len(result.orders)}, lines needing a fix: {len(result.problems)}, "
          f"shopping list rows: {len(items)}")
    print(f"{'step':42} {'total ms':>10} {'ms each':>9}")
    for label, ms, each in rows:
        print(f"{label:42} {ms:10.1f} {'' if each is None else f'{each:9.2f}'}")


if __name__ == "__main__":
    main()
