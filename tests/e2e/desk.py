"""Fixtures and helpers for end-to-end tests in a real terminal (tmux), not
Pilot (registered in tests/conftest.py, the suite's one conftest).

Every console here starts the way an SSH login does: the ``desk`` launcher
(``python -m console.launcher``) with ``DESK_DATA`` pointing at a copy of
the demo data directory, in an 80x24 tmux pane with a 256-colour TERM.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from .tmux import Pane, Tmux, available

ROOT = Path(__file__).resolve().parents[2]
LEADER, VOLUNTEER, PIN, LEADER_PIN = "郭振兴", "刘敏", "1234", "123456"  # demo roster


@pytest.fixture
def tmux(tmp_path) -> Iterator[Tmux]:
    reason = available()
    if reason:
        pytest.skip(reason)
    with Tmux(tmp_path / "tmux") as t:
        yield t


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory) -> Path:
    """One demo data directory per test run (a few seconds); tests get copies."""
    path = tmp_path_factory.mktemp("demo") / "desk"
    subprocess.run([sys.executable, "app.py", "--data-dir", str(path), "demo", "--days", "2"],
                   cwd=ROOT, check=True, capture_output=True, timeout=120)
    return path


@pytest.fixture
def demo_dir(demo_template, tmp_path) -> Path:
    path = tmp_path / "desk"
    shutil.copytree(demo_template, path, symlinks=True)
    os.chmod(path, 0o2770)
    return path


@pytest.fixture
def desk(tmux, demo_dir) -> Callable[..., Pane]:
    """Start a console like an SSH login does; returns its pane."""

    def start(*args: str, data: Path = demo_dir, **env: str) -> Pane:
        environment = {"DESK_DATA": str(data), "DESK_CONFIG": os.devnull, **env}
        return tmux.start([sys.executable, "-m", "console.launcher", *args],
                          env=environment, cwd=ROOT)

    return start


def sign_in(pane: Pane, name: str = LEADER, pin: str | None = None) -> str:
    """Pick the name by typing it into the list, PIN, Enter; the main screen."""
    pane.wait_for("Sign in", "PIN")
    pane.keys("Enter")               # open the name list
    pane.wait_for("Dismiss menu")
    pane.type(name)                  # type-to-search jumps to the name
    pane.keys("Enter")
    pane.wait_until(lambda s: "Dismiss menu" not in s and name in s, f"{name} chosen")
    pane.tab_to("PIN (4 to 8 digits)")  # past the gate (kept as it is)
    pin = pin or (LEADER_PIN if name in (LEADER, "周显甫") else PIN)
    pane.type(pin)
    pane.wait_for("•" * len(pin))
    pane.keys("Enter")
    pane.wait_for(name, "Checkpoint", "Errands", "^p ")  # the palette key (its label is translated)
    return pane.settle()  # tabs may still move the focus just after they mount
