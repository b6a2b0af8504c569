"""A second desk writing gate entries in a loop: `python _gate_writer.py DATA STOP`.

Prints "ready" once, then logs one entry after another into DATA until the
file STOP exists (a busy neighbouring desk for the keystroke tests)."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from console.checkpoint import gate as cp  # noqa: E402
from console.core.operators import Actor  # noqa: E402
from console.core.store import Store  # noqa: E402


def main(data: str, stop: str) -> None:
    store = Store(data)
    actor = Actor("周显甫", "leader")
    store.actor = {"op": actor.name, "role": actor.role, "gate": "西门"}
    print("ready", flush=True)
    n = 0
    while not Path(stop).exists():
        n += 1
        cp.log_entry(store, actor, "西门", {"name": f"写入{n}", "door": "1-101", "direction": "in",
                                            "purpose": "buy", "outcome": "allowed"})


if __name__ == "__main__":
    main(*sys.argv[1:])
