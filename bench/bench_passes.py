"""Pass slips and codes: how long a slip, a 100-slip PDF and a verify take.

    python bench/bench_passes.py

Builds a throw-away data directory with 100 issued passes, then times
rendering one 58 mm slip to PNG bytes, one 80 mm slip, a 100-slip A4 PDF,
checking a code alone (Damm + HMAC) and a full verify against the errands
table (100 and 5,000 errands), and a recorded gate scan.
"""

from __future__ import annotations

import datetime as dt
import statistics
import sys
import tempfile
import time
from pathlib import Path
import machine  # noqa: E402  (bench/machine.py, beside this script)

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from console.checkpoint import scan as gate_scan  # noqa: E402
from console.core import operators  # noqa: E402
from console.errands import keys, passes, slips  # noqa: E402
from console.core.store import Store  # noqa: E402


def timed(fn, repeat: int) -> list[float]:
    out = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        out.append(time.perf_counter() - t)
    return out


def main() -> None:
    root = Path(tempfile.mkdtemp(prefix="bench-passes-"))
    store = Store(root / "data")
    leader = operators.create_first_leader(store, "组长甲", "123456")
    store.table("households").insert_multiple(
        [{"door": f"1-{100 + i}", "head": f"户主{i}", "phone": "13800000000"} for i in range(1, 101)])
    start = dt.datetime.now().astimezone().replace(second=0, microsecond=0)
    key = keys.current_key(store)
    docs = []
    for i in range(1, 5001):
        fields = passes.PassFields(key.key_id, i, 1, 1, start, 120, False)
        docs.append({"number": i, "state": "issued", "kind": "household", "door": "1-101",
                     "org": "", "person": "张三", "phone": "138", "purpose": "买白糖",
                     "items": "白糖 50 kg", "destination": "中百超市", "escort": "刘敏",
                     "start": start.isoformat(),
                     "end": (start + dt.timedelta(hours=2)).isoformat(),
                     "pass_no": i, "pass_gen": 1, "pass_key": key.key_id,
                     "code": passes.encode(fields, key.secret), "issued_by": "组长甲",
                     "issued_at": start.isoformat(), "out_at": "", "in_at": "", "history": []})
    store.table("errands").insert_multiple(docs[:100])
    e = docs[0]
    rows = []

    t = timed(lambda: slips.png_bytes(slips.render(e, lang="zh", width=384, gate="西门")), 20)
    rows.append(("slip PNG 384 px (render + encode)", statistics.median(t) * 1e3, "ms"))
    t = timed(lambda: slips.png_bytes(slips.render(e, lang="zh", width=576, gate="西门")), 20)
    rows.append(("slip PNG 576 px (render + encode)", statistics.median(t) * 1e3, "ms"))
    t = timed(lambda: slips.pdf_bytes(
        [slips.render(d, lang="zh", width=576, gate="西门") for d in docs[:100]]), 3)
    rows.append(("A4 PDF, 100 slips (render + PDF)", statistics.median(t), "s"))

    ring = keys.keyring(store)
    now = start + dt.timedelta(minutes=5)
    t = timed(lambda: passes.judge(e["code"], ring, lambda n: e, now), 20000)
    rows.append(("verify code alone (Damm + HMAC + verdict)", statistics.median(t) * 1e6, "us"))
    t = timed(lambda: passes.verify(store, docs[99]["code"], now), 2000)
    rows.append(("verify, 100 errands, last one", statistics.median(t) * 1e6, "us"))
    store.table("errands").insert_multiple(docs[100:])
    last = docs[-1]["code"]
    passes.verify(store, last, now)
    t = timed(lambda: passes.verify(store, last, now), 300)
    rows.append(("verify, 5,000 errands, last one", statistics.median(t) * 1e6, "us"))
    codes = iter(d["code"] for d in docs[1:])
    t = timed(lambda: gate_scan.scan(store, next(codes), "西门", leader), 30)
    rows.append(("gate scan recorded (3 files, 5,000 errands)", statistics.median(t) * 1e3, "ms"))

    print(f"machine: {machine.cpus()}")
    print(f"{'what':46} {'median':>10}")
    for name, value, unit in rows:
        print(f"{name:46} {value:>8.2f} {unit}")


if __name__ == "__main__":
    main()
