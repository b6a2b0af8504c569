"""Purge benchmark: remove 60 days of personal data at the stories' scale.

    python bench/bench_purge.py [--days 90] [--purge 60]

The demo fills ``--days`` days (1,472 households, 17 volunteers, the gate
log at 200-2,000 entries a day, errands, orders, hand-outs, the daily roll,
marks), a snapshot is taken, then ``purge --before`` today minus
(days - purge) removes the oldest ``--purge`` days: preview (what goes),
then the purge itself (marks dropped, Store.redact over the journal, the
checkpoints and the snapshot, old files deleted). Afterwards every byte of
the data directory is searched for the purged visitors' phone numbers.
"""

from __future__ import annotations

import argparse
import datetime as dt
import re
import sys
import tempfile
import time
from pathlib import Path
import machine  # noqa: E402  (bench/machine.py, beside this script)

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from console import features  # noqa: E402
from console.core import clock, i18n, purge  # noqa: E402
from console.core.operators import Actor  # noqa: E402
from console.core.store import Store  # noqa: E402


def size_mb(root: Path) -> float:
    return sum(f.stat().st_size for f in root.rglob("*") if f.is_file()) / 1e6


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--days", type=int, default=90)
    ap.add_argument("--purge", type=int, default=60)
    args = ap.parse_args()
    i18n.set_lang("en")
    with tempfile.TemporaryDirectory() as tmp:
        store = Store(Path(tmp) / "data")
        t = time.perf_counter()
        features.build_demo(store, days=args.days)
        store.snapshot()
        built = time.perf_counter() - t
        print(f"built {args.days} days in {built:.0f} s", file=sys.stderr, flush=True)
        before = (clock.today() - dt.timedelta(days=args.days - args.purge)).isoformat()
        old_phones = {e["phone"] for day in store.days("checkpoint") if day < before
                      for e in store.table("checkpoint", day).all() if e.get("phone")}
        new_phones = {e["phone"] for day in store.days("checkpoint") if day >= before
                      for e in store.table("checkpoint", day).all() if e.get("phone")}
        gone = sorted(old_phones - new_phones - {h["phone"] for h in store.table("households").all()})
        counts = purge.counts(store, before)
        mb = size_mb(store.root)
        t = time.perf_counter()
        plan = purge.preview(store, before, features.PURGE_RULES)
        previewed = time.perf_counter() - t
        print(f"preview {previewed:.1f} s", file=sys.stderr, flush=True)
        t = time.perf_counter()
        done = purge.purge(store, Actor("郭振兴", "leader"), before, features.PURGE_RULES)
        purged = time.perf_counter() - t
        t = time.perf_counter()
        digits = set()
        for path in store.root.rglob("*"):
            if path.is_file():
                digits |= set(re.findall(rb"1\d{10}", path.read_bytes()))
        left = [p for p in gone if p.encode() in digits]
        searched = time.perf_counter() - t
        assert purge.counts(store, before) == counts, "anonymous counts changed"
    print(f"machine: {machine.cpus()}")
    print(f"demo: {args.days} days, {mb:.1f} MB on disk with one snapshot, built in {built:.0f} s")
    print(f"{'operation':58} {'seconds':>8}")
    rows = [(f"preview: what a purge of {args.purge} days removes", previewed),
            (f"purge {args.purge} days ({done['records']} records, {done['files']} files)", purged),
            (f"search every byte for {len(gone)} purged phones: {len(left)} found", searched)]
    for label, seconds in rows:
        print(f"{label:58} {seconds:8.2f}")
    print("records per table: " + ", ".join(f"{k} {v}" for k, v in plan["tables"].items()))


if __name__ == "__main__":
    main()
