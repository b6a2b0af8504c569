"""Peak memory of printing a batch of pass slips to the A4 sheet (PDF).

    python bench/bench_print.py [--slips 100]

Builds the demo in a temporary directory, takes its issued passes (repeated
to ``--slips``) and prints them with the files backend (PNG per slip plus
one A4 PDF), in a fresh process; prints its peak RSS and the time.
Not part of the test suite.
"""

from __future__ import annotations

import argparse
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def child(data: str, n: int) -> None:
    from console.core.store import Store
    from console.errands import printers

    store = Store(data)
    issued = [e for e in store.table("errands").all() if e.get("code")]
    batch = [issued[i % len(issued)] for i in range(n)]
    t = time.perf_counter()
    result = printers.print_slips(store, batch, lang="zh", gate="西门")
    took = time.perf_counter() - t
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"{n} slips -> {len(result.files)} files in {took:.1f} s, peak RSS {peak:.0f} MB")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--slips", type=int, default=100)
    ap.add_argument("--child")
    args = ap.parse_args()
    if args.child:
        return child(args.child, args.slips)
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "demo"
        subprocess.run([sys.executable, "app.py", "--data-dir", str(data), "demo"], cwd=ROOT,
                       check=True, stdout=subprocess.DEVNULL)
        subprocess.run([sys.executable, __file__, "--child", str(data), "--slips", str(args.slips)],
                       check=True)


if __name__ == "__main__":
    main()
