"""Spreadsheet benchmarks: export a 2,000-entry day, import the 1,472-household registry.

    python bench/bench_sheets.py [--per-day 2000] [--runs 5]

"Export" is the whole `exports.export` call the CLI and the Ctrl+E key make:
read the day, build the table, encode (.xlsx with openpyxl write-only, or
CSV), write the new file, log the export. "Import" is `import_file` on an
.xlsx of the demo registry (read-only openpyxl, validation, one write): into
an empty registry, then again over it (every door known, nothing changes).
"""

from __future__ import annotations

import argparse
import io
import random
import sys
import tempfile
import time
from pathlib import Path
import machine  # noqa: E402  (bench/machine.py, beside this script)

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import openpyxl  # noqa: E402

from bench.bench_checkpoint import entries_for, q  # noqa: E402
from console.checkpoint import gate  # noqa: E402
from console.core import clock, exports, i18n  # noqa: E402
from console.core.operators import Actor  # noqa: E402
from console.core.store import Store  # noqa: E402
from console.demo import roster  # noqa: E402
from console.households.registry_import import import_file  # noqa: E402

HEADER = ["楼号", "单元", "门牌", "户主", "电话", "人数", "网格", "在家"]


def registry_xlsx(store: Store, path: Path) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(HEADER)
    for h in store.table("households").all():
        ws.append([h["building"], h["unit"], h["room"], h["head"], h["phone"], h["members"],
                   h["grid"], "在家" if h["at_home"] else "外出"])
    buf = io.BytesIO()
    wb.save(buf)
    path.write_bytes(buf.getvalue())


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--per-day", type=int, default=2000)
    ap.add_argument("--runs", type=int, default=5)
    args = ap.parse_args()
    i18n.set_lang("zh")
    rng = random.Random(1)
    leader = Actor("郭振兴", "leader")
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        store = Store(tmp / "data")
        roster.add_roster(store)
        roster.add_households(store, rng)
        doors = [h["door"] for h in store.table("households").all()]
        today = clock.today()
        store.table("checkpoint", today.isoformat()).insert_multiple(
            entries_for(rng, today, args.per_day, doors))
        day = [today.isoformat()]
        timings: dict[str, list[float]] = {"xlsx": [], "csv": []}
        sizes = {}
        for i in range(args.runs):
            for fmt in timings:
                out = tmp / f"gate-{i}.{fmt}"
                t = time.perf_counter()
                exports.export(store, leader, gate.EXPORTS[0], day, out)
                timings[fmt].append(time.perf_counter() - t)
                sizes[fmt] = out.stat().st_size / 1e3
        source = tmp / "registry.xlsx"
        registry_xlsx(store, source)
        first, again = [], []
        for i in range(args.runs):
            fresh = Store(tmp / f"import-{i}")
            roster.add_roster(fresh)
            t = time.perf_counter()
            report = import_file(fresh, leader, source)
            first.append(time.perf_counter() - t)
            assert report.ok and report.added == len(doors), report.lines()[:3]
            t = time.perf_counter()
            report = import_file(fresh, leader, source)
            again.append(time.perf_counter() - t)
            assert report.same == len(doors)
    def ms(samples: list[float]) -> str:
        return f"{q(samples, 0.5):8.1f} {q(samples, 0.95):8.1f}"

    print(f"machine: {machine.cpus()}; {args.runs} runs each")
    print(f"{'operation':62} {'p50 ms':>8} {'p95 ms':>8}")
    for fmt, samples in timings.items():
        label = f"export a {args.per_day}-entry day to .{fmt} ({sizes[fmt]:.0f} kB)"
        print(f"{label:62} {ms(samples)}")
    print(f"{'import ' + str(len(doors)) + ' households from .xlsx, empty registry':62} {ms(first)}")
    print(f"{'import the same .xlsx again (all known, nothing written)':62} {ms(again)}")


if __name__ == "__main__":
    main()
