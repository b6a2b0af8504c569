"""Child process for tests/domain/test_store_processes.py: `python _store_child.py MODE DATA ARGS...`.

Each mode prints one line per acknowledged action (after the store call
returned) and flushes, so the parent knows exactly what was acknowledged
even if it kills the child with SIGKILL a moment later.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

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
    """Read in a loop until `stop` exists: "entries" never shrinks, and every
    pair written by one transaction into "left" and "right" is seen whole
    ("left" is read first, so each of its keys must already be in "right")."""
    store = Store(data)
    reads, most = 0, 0
    print("ready", flush=True)
    while not os.path.exists(stop):
        try:
            rows = store.table("entries").all()
            left = {d["key"] for d in store.table("left").all()}
            right = {d["key"] for d in store.table("right").all()}
        except StoreError as exc:
            print(f"ERROR {type(exc).__name__}: {exc}", flush=True)
            sys.exit(1)
        if len(rows) < most:
            print(f"ERROR went back from {most} to {len(rows)} records", flush=True)
            sys.exit(1)
        if not left <= right:
            print(f"ERROR half a transaction: {sorted(left - right)[:3]}", flush=True)
            sys.exit(1)
        most = len(rows)
        reads += 1
        time.sleep(0.0005)  # leave the writers some CPU on a 2-core machine
    print(f"done {reads} {most}", flush=True)


def pairs(data: str, tag: str, count: str, go: str) -> None:
    """`count` transactions, each inserting one key into "left" and "right"."""
    store = Store(data)
    store.actor = {"op": tag, "role": "volunteer"}
    print("ready", flush=True)
    wait_for(Path(go))
    for n in range(int(count)):
        with store.transaction("left", "right") as tx:
            tx.table("left").insert({"key": f"{tag}-{n}"})
            tx.table("right").insert({"key": f"{tag}-{n}"})
        print(n, flush=True)


def churn(data: str, tag: str, ack: int) -> None:
    """Write forever (until killed), acknowledging each commit on fd ``ack``
    once the store returned: plain inserts into a daily table, transactions
    over three tables that allocate a pass number, now and then a checkpoint."""
    store = Store(data)
    store.actor = {"op": tag, "role": "volunteer"}
    log = store.table("checkpoint", day="2026-03-05")
    n = 0
    while True:
        key = f"{tag}-{n}"
        if n % 2:
            with store.transaction("passes", "errands", ("checkpoint", "2026-03-05")) as tx:
                number = tx.next_number("pass")
                tx.table("passes").insert({"key": key, "number": number})
                tx.table("errands").insert({"key": key, "pass": number, "note": "买菜" * (n % 7)})
                tx.table("checkpoint").insert({"key": key, "pass": number})
            os.write(ack, f"tx {key} {number}\n".encode())
        else:
            log.insert({"key": key, "door": "5-302"})
            os.write(ack, f"ins {key}\n".encode())
        n += 1
        if n % 15 == 0:
            store.checkpoint()  # killed in the middle of one, too


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
    {"insert": insert, "read": read, "pairs": pairs, "follow": follow, "sell": sell}[sys.argv[1]](*sys.argv[2:])
