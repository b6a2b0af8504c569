"""What one more gate entry costs a desk in memory, at 10× data.

    python bench/bench_entry_bytes.py [--keep DIR] [--entries 1000]

On a copy of bench/bigdata.py's 10× directory: the gate's derived values
are built (notices, recall, the day's moves, the log's first page), then
``--entries`` entries are logged and the same values read again. Printed:
the bytes still held per entry (tracemalloc, after a full collection) and
where, by file. bench_soak's RSS rises by about this much per entry
written, at either desk: that rise is the day's log, not a leak.

Not part of the test suite.
"""

from __future__ import annotations

import argparse
import gc
import random
import sys
import tracemalloc
from pathlib import Path

import machine  # noqa: E402  (bench/machine.py, beside this script)
from datadirs import kept, scratch_copy  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from console.checkpoint import gate as cp, gates, moves, visitors  # noqa: E402
from console.core import clock, i18n  # noqa: E402
from console.core.operators import Actor  # noqa: E402
from console.core.store import Store  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--keep", type=Path, help="reuse DIR/x10 as the 10x template (built if missing)")
    ap.add_argument("--entries", type=int, default=1000)
    args = ap.parse_args()
    with scratch_copy(kept(args.keep)) as data:
        measure(data, args.entries)


def measure(data: Path, n: int) -> None:
    i18n.set_lang("en")
    store = Store(data)
    actor = Actor("刘敏", "volunteer")
    store.actor = {"op": actor.name, "role": actor.role}
    gate = next(g for g in gates.gates(store) if g.get("open", True))["name"]
    doors = [h["door"] for h in store.table("households").all()[:50]]
    rng = random.Random(1)

    def log() -> None:
        cp.log_entry(store, actor, gate, {
            "name": rng.choice(("王伟", "李娜", "张敏")), "phone": f"138{rng.randrange(10**8):08d}",
            "door": rng.choice(doors), "direction": "in", "purpose": "buy", "outcome": "turned_away"})

    def read() -> None:
        today = clock.today().isoformat()
        visitors.repeat_info(store, "王伟", "13800001234", doors[0])
        visitors.recall(store, "王")
        moves.day_digest(store, today)
        cp.page_of(store, today)

    for _ in range(50):
        log()
    read()
    gc.collect()
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    for _ in range(n):
        log()
    if store.needs_checkpoint():
        store.checkpoint()
    read()
    gc.collect()
    held = tracemalloc.get_traced_memory()[0] - before
    print(f"machine: {machine.cpus()}")
    print(f"{n} gate entries logged at 10×: {held / n:,.0f} bytes held per entry")
    for stat in tracemalloc.take_snapshot().statistics("filename")[:6]:
        name = Path(stat.traceback[0].filename)
        where = name.relative_to(ROOT) if name.is_relative_to(ROOT) else name.name
        print(f"  {str(where):<40}{stat.size / n:8,.0f}")


if __name__ == "__main__":
    main()
