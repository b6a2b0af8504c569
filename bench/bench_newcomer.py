"""A newcomer's way from the sign-in screen to a correct "allowed" gate entry,
in a real terminal (tmux, 80x24, the launcher on a copy of the demo data).

Counts the keys a volunteer presses (a typed name or door counts one key per
character) and the seconds the console needs when every key is sent as soon
as the screen shows the step before it is done: the console's share of the
time; a person adds their own reading and typing on top.

    .venv/bin/python bench/bench_newcomer.py
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from console.checkpoint import gate as cp  # noqa: E402
from console.core.store import Store  # noqa: E402
from tests.e2e.tmux import Tmux  # noqa: E402

NAME, PIN, VISITOR, DOOR = "刘敏", "1234", "李四", "5-302"


def main() -> None:
    work = Path(tempfile.mkdtemp(prefix="bench-newcomer-"))
    data = work / "desk"
    subprocess.run([sys.executable, "app.py", "--data-dir", str(data), "demo", "--days", "2"],
                   cwd=ROOT, check=True, capture_output=True)
    before = len(cp.entries(Store(data)))
    keys = {"sign-in": 0, "entry": 0}

    with Tmux(work / "tmux") as t:
        pane = t.start([sys.executable, "-m", "console.launcher"], cwd=ROOT,
                       env={"DESK_DATA": str(data), "DESK_CONFIG": os.devnull})
        pane.wait_for("Sign in", "PIN")
        start = time.monotonic()

        def press(step: str, *k: str, text: str = "") -> None:
            if text:
                pane.type(text)
                keys[step] += len(text)
            else:
                pane.keys(*k)
                keys[step] += len(k)

        press("sign-in", "Enter")                 # open the name list
        pane.wait_for("Dismiss menu")
        press("sign-in", text=NAME)                # type-to-search
        press("sign-in", "Enter")
        pane.wait_until(lambda s: "Dismiss menu" not in s and NAME in s, "name chosen")
        press("sign-in", "Tab", "Tab")             # past the gate to the PIN
        press("sign-in", text=PIN)
        press("sign-in", "Enter")
        pane.wait_for(NAME, "Door/org", "Outcome")
        signed_in = time.monotonic()
        press("entry", text=VISITOR)               # the name box has the cursor
        press("entry", "Tab")                      # the door follows the name
        press("entry", text=DOOR)
        press("entry", "Tab", "5")                 # then the purpose: 5 home
        press("entry", "F6", "C-s")                # allowed, save
        pane.wait_for("Saved #")
        done = time.monotonic()
        pane.keys("C-q")
    entries = cp.entries(Store(data))[before:]
    shutil.rmtree(work, ignore_errors=True)
    ok = [(e["name"], e["door"], e["purpose"], e["outcome"]) for e in entries] == [
        (VISITOR, DOOR, "home", "allowed")]
    print("| step | keys | seconds (console) |\n|---|---|---|")
    print(f"| sign-in screen → main screen | {keys['sign-in']} | {signed_in - start:.1f} |")
    print(f"| main screen → saved 'allowed' entry | {keys['entry']} "
          f"({keys['entry'] - len(VISITOR) - len(DOOR)} besides name and door) | {done - signed_in:.1f} |")
    print(f"| total | {sum(keys.values())} | {done - start:.1f} |")
    print("entry correct:", ok)


if __name__ == "__main__":
    main()
