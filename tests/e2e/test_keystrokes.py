"""Keys sent in one burst (tmux send-keys, as a fast typist or a paste
produces) land in the field that had the focus: name Tab door Tab 1 Tab
temperature fills four fields (the 1 picks the purpose), every time, also
while another desk writes."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from tests.e2e.desk import sign_in
from tests.e2e.test_console import row

WRITER = Path(__file__).with_name("_gate_writer.py")


def clear_form(pane) -> None:
    """Esc on a filled form asks before clearing; y clears."""
    pane.keys("Escape")
    pane.wait_for("Clear what you typed?")
    pane.keys("y")
    pane.wait_until(lambda s: re.search(r"Name\s+Door/org\s+Purpose\s+— pick", row(s, "Name"))
                    and not re.search(r"Temp\s+\d", row(s, "Temp")), "an empty form")


def bursts(pane, times: int = 10) -> None:
    for i in range(times):
        name, door, temp = f"李{i}四", f"5-30{1 + i % 4}", f"36.{i}"
        pane.keys(name, "Tab", door, "Tab", "1", "Tab", temp)  # one send-keys: one burst
        pane.wait_until(lambda s: re.search(rf"Name\s+{name}\s+Door/org\s+{door}\s+Purpose\s+1 shopping",
                                            row(s, "Name"))
                        and re.search(rf"Temp\s+{re.escape(temp)}\s", row(s, "Temp")),
                        f"burst {i} in four fields")
        clear_form(pane)


def test_name_tab_door_tab_purpose_tab_temp_in_one_burst_lands_in_four_fields(desk):
    pane = desk()
    sign_in(pane)
    bursts(pane)
    pane.keys("C-q")
    assert pane.wait_exit() == 0


def test_bursts_land_right_while_another_desk_writes(desk, demo_dir, tmp_path):
    pane = desk()
    sign_in(pane)
    stop = tmp_path / "stop"
    writer = subprocess.Popen([sys.executable, str(WRITER), str(demo_dir), str(stop)],
                              stdout=subprocess.PIPE, text=True)
    try:
        assert writer.stdout.readline().strip() == "ready"
        pane.wait_for("写入")  # the other desk's entries arrive in this log
        bursts(pane)
    finally:
        stop.touch()
        writer.wait(timeout=30)
    pane.keys("C-q")
    assert pane.wait_exit() == 0


def test_esc_on_a_filled_form_asks_first(desk):
    pane = desk()
    sign_in(pane)
    pane.keys("王五")
    pane.wait_until(lambda s: "王五" in row(s, "Name"), "the name typed")
    pane.keys("Escape")
    pane.wait_for("Clear what you typed?")
    pane.keys("n")  # keep it
    pane.wait_gone("Clear what you typed?")
    assert "王五" in row(pane.screen(), "Name")
    clear_form(pane)
    pane.keys("C-q")
    assert pane.wait_exit() == 0
