"""Child process for tests/test_store_processes.py: `python _store_child.py MODE DATA ARGS...`.

Each mode prints one line per acknowledged action (after the store call
returned) and flushes, so the parent knows exactly what was acknowledged
even if it kills the child with SIGKILL a moment later.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import orjson  # noqa: E402
from tinydb import where  # noqa: E402

from console.core.store import Store, StoreError  # noqa: E402


def wait_for(path: Path) -> None:
    while not path.exists():
        time.sleep(0.001)


def insert(data: str, tag: str, count: str, go: str) -> None:
    """`count` inserts into table "entries", after the start flag appears."""
    store = Store(data)
    store.actor = {"op": tag, "role": "volunteer"}
    table = store.table("entries")
    print("ready", flush=True)
    wait_for(Path(go))
    for n in range(int(count)):
        doc_id = table.insert({"writer": tag, "n": n})
        print(doc_id, flush=True)


def read(data: str, stop: str) -> None:
    """Read "entries" in a loop until `stop` exists; any error is printed."""
    store = Store(data)
    path = store.path_of("entries")
    reads, most = 0, 0
    print("ready", flush=True)
    while not os.path.exists(stop):
        try:
            rows = store.table("entries").all()
            if path.exists():
                orjson.loads(path.read_bytes())  # the raw file parses, every time
        except (StoreError, orjson.JSONDecodeError, OSError) as exc:
            print(f"ERROR {type(exc).__name__}: {exc}", flush=True)
            sys.exit(1)
        if len(rows) < most:
            print(f"ERROR went back from {most} to {len(rows)} records", flush=True)
            sys.exit(1)
        most = len(rows)
        reads += 1
        time.sleep(0.0005)  # leave the writers some CPU on a 2-core machine
    print(f"done {reads} {most}", flush=True)


def churn(data: str, tag: str) -> None:
    """Write forever (until killed): inserts into today's checkpoint file and
    transactions that allocate a pass number; print what was acknowledged.
    "errands" shares the "passes" file: tables that must agree even across a
    crash live in one file (a transaction over several files is atomic per
    file only)."""
    Store.share_file("errands", "passes")
    store = Store(data)
    store.actor = {"op": tag, "role": "volunteer"}
    log = store.table("checkpoint", day="2026-03-05")
    n = 0
    print("ready", flush=True)
    while True:
        key = f"{tag}-{n}"
        if n % 3 == 2:
            with store.transaction("passes", "errands") as tx:
                number = tx.next_number("pass")
                tx.table("passes").insert({"key": key, "number": number})
                tx.table("errands").insert({"key": key, "pass": number})
            print(f"tx {key} {number}", flush=True)
        else:
            log.insert({"key": key, "door": "5-302", "note": "买菜" * (n % 7)})
            print(f"ins {key}", flush=True)
        n += 1


def follow(data: str) -> None:
    """On each stdin line `k v`, set record k's value to v; reply `ok`."""
    store = Store(data)
    table = store.table("shared")
    print("ready", flush=True)
    for line in sys.stdin:
        key, value = line.split()
        if key == "insert":
            table.insert({"k": value, "v": "0"})
        else:
            table.update({"v": value}, where("k") == key)
        print("ok", flush=True)


def sell(data: str, tag: str, go: str) -> None:
    """Sell one unit at a time while the balance lasts (check, then write, in
    one transaction); print each sale's handout number."""
    store = Store(data)
    store.actor = {"op": tag, "role": "volunteer"}
    print("ready", flush=True)
    wait_for(Path(go))
    while True:
        with store.transaction("stock", "handouts") as tx:
            stock = tx.table("stock")
            item = stock.get(where("item") == "体温计")
            if item["balance"] <= 0:
                break
            stock.update({"balance": item["balance"] - 1}, doc_ids=[item.doc_id])
            number = tx.next_number("handout")
            tx.table("handouts").insert({"by": tag, "number": number})
        print(number, flush=True)
    print("sold out", flush=True)


if __name__ == "__main__":
    {"insert": insert, "read": read, "churn": churn, "follow": follow, "sell": sell}[sys.argv[1]](*sys.argv[2:])
