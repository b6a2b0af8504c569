"""PIN guessing: wrong PINs checked per minute across 16 parallel sign-in
sessions against one name, and the scrypt cost of one check.

    python bench/bench_signin.py [SECONDS]      (default 20)

Builds a throw-away data directory with one volunteer, starts 16 processes
that each try wrong PINs for that name as fast as sign_in lets them, and
counts the guesses the console actually checked ("wrong PIN" answers; "wait"
answers are refusals, not guesses). Set DESK_CODE=path/to/an/older/checkout
to measure another version of the code with the same script.
"""

from __future__ import annotations

import hashlib
import multiprocessing as mp
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, os.environ.get("DESK_CODE") or str(Path(__file__).resolve().parent.parent))

try:  # the package layout, else the flat one of older versions (DESK_CODE)
    from console.core import operators
    from console.core.i18n import DomainError
    from console.core.store import Store
except ImportError:
    from console import operators
    from console.i18n import DomainError
    from console.store import Store

SESSIONS = 16
NAME = "志愿者乙"


def attacker(data: str, n: int, seconds: float, start: float, out) -> None:
    store = Store(data)
    while time.time() < start:
        time.sleep(0.001)
    counts: dict[str, int] = {}
    guess = n * 100_000
    while time.time() < start + seconds:
        guess += 1
        try:
            operators.sign_in(store, NAME, f"{guess % 10**8:08d}")
            key = "signed_in"
        except DomainError as exc:
            key = exc.key
        counts[key] = counts.get(key, 0) + 1
        if key == "auth.wait":
            time.sleep(0.05)  # a patient attacker keeps trying
    out.put(counts)


def scrypt_ms(repeat: int = 5) -> float:
    cost = getattr(operators, "SCRYPT", None) or operators._SCRYPT
    t = time.perf_counter()
    for _ in range(repeat):
        hashlib.scrypt(b"123456", salt=b"s" * 16, dklen=32, maxmem=2**26, **cost)
    return (time.perf_counter() - t) / repeat * 1000


def main() -> None:
    seconds = float(sys.argv[1]) if len(sys.argv) > 1 else 20.0
    print(f"code: {next(p for p in Path(operators.__file__).resolve().parents if (p / 'app.py').exists())}")
    print(f"scrypt per check: {scrypt_ms():.0f} ms")
    with tempfile.TemporaryDirectory() as tmp:
        store = Store(Path(tmp) / "data")
        leader = operators.create_first_leader(store, "组长甲", "123456")
        operators.add_member(store, leader, NAME, "volunteer", "135790")
        queue: mp.Queue = mp.Queue()
        start = time.time() + 2
        procs = [mp.Process(target=attacker, args=(str(store.root), n, seconds, start, queue))
                 for n in range(SESSIONS)]
        for p in procs:
            p.start()
        totals: dict[str, int] = {}
        for _ in procs:
            for key, value in queue.get().items():
                totals[key] = totals.get(key, 0) + value
        for p in procs:
            p.join()
        counter = Store(store.root).table("signin_failures").all()
        checked = totals.get("auth.wrong_pin", 0)
        print(f"{SESSIONS} sessions, {seconds:.0f} s: {checked} guesses checked "
              f"= {checked * 60 / seconds:.0f} guesses/minute; answers {totals}; "
              f"failure counter at the end: {counter[0]['count'] if counter else 0}")


if __name__ == "__main__":
    main()
