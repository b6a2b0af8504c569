"""The console in a real terminal (tmux, 80x24, 256 colours), started by the launcher."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from console.core import clock
from console.errands import errand as errands
from console.core.store import Store

from tests.e2e.tmux import ScreenTimeout   # the class the desk plugin's Pane raises (one module, not two)
from tests.e2e.desk import LEADER, VOLUNTEER, sign_in
from tests import needs


def test_launcher_refusal_is_readable_in_a_terminal(desk, tmp_path):
    pane = desk(data=tmp_path / "missing")
    assert pane.wait_exit() == 2
    screen = pane.screen()
    assert "不存在" in screen and "does not exist" in screen
    assert "install -d -m 2770" in screen


#: something each tab shows below the tab bar, on the left half of the screen
#: (a new alert still pops up on the right for a while)
TAB_MARKS = {"F1": ("Door/org", "Checkpoint"), "F2": ("Errands:",), "F3": ("Requests",),
             "F4": ("Stock",), "F5": ("Sheet",)}


def test_sign_in_tabs_and_quit(desk):
    pane = desk()
    screen = sign_in(pane)
    assert f"{LEADER}（leader）" in screen or LEADER in row(screen, "│")
    assert "Checkpoint  Errands & passes" in row(screen, "Checkpoint")  # the tab bar
    assert "^p Actions" in screen  # the palette key is always there; long footers are cut at 80 columns
    for key, marks in TAB_MARKS.items():
        pane.keys(key)
        pane.wait_until(lambda s: any(m in body(s) for m in marks),
                        f"{key} to show {marks}")
    pane.keys("C-q")
    assert pane.wait_exit() == 0


def test_sign_in_stays_on_the_checkpoint_tab(desk):
    pane = desk()
    sign_in(pane)
    others = [m for key, marks in TAB_MARKS.items() if key != "F1" for m in marks]
    try:  # watch the first seconds: no other tab may take over
        screen = pane.wait_until(lambda s: any(m in body(s) for m in others),
                                 "another tab to take over", timeout=3.0)
    except ScreenTimeout:
        pass
    else:
        pytest.fail("sign-in ended on another tab:\n" + screen)
    pane.keys("C-q")
    assert pane.wait_exit() == 0


def test_wrong_pin_keeps_the_sign_in_screen(desk):
    pane = desk()
    pane.wait_for("Sign in")
    pane.keys("Enter")
    pane.wait_for("Dismiss menu")
    pane.type(VOLUNTEER)
    pane.keys("Enter")
    pane.wait_gone("Dismiss menu")
    pane.keys("Tab", "Tab")
    pane.type("9999")
    pane.keys("Enter")
    screen = pane.wait_until(lambda s: "PIN" in s and ("wrong" in s.lower() or "incorrect" in s.lower()),
                             "a wrong-PIN message")
    assert "Sign in" in screen and "Households" not in screen
    pane.keys("C-q")
    assert pane.wait_exit() == 0


def test_only_256_colours_reach_the_terminal(desk):
    """The launcher sets TEXTUAL_COLOR_SYSTEM=256: no 24-bit colour codes on screen."""
    pane = desk()
    sign_in(pane)
    codes = set(re.findall(r"\x1b\[([0-9;]*)m", pane.screen(colours=True)))
    assert any(re.search(r"(^|;)[34]8;5;", c) for c in codes), codes
    assert not any(re.search(r"(^|;)[34]8;2;", c) for c in codes), codes
    pane.keys("C-q")
    assert pane.wait_exit() == 0


def body(screen: str) -> str:
    """The screen below the tab bar (header, alert line and tab titles cut off)."""
    lines = screen.splitlines()
    under = next((i for i, line in enumerate(lines) if line.lstrip().startswith(("━", "╸"))), 2)
    return "\n".join(lines[under + 1:])


def row(screen: str, text: str) -> str:
    """The screen line holding ``text`` (empty if none)."""
    return next((line for line in screen.splitlines() if text in line), "")


def test_two_sessions_see_each_others_roster_changes(desk):
    """Two logins on one data directory: a leader's change in one shows in the other."""
    a, b = desk(), desk()
    sign_in(a)
    sign_in(b, "周显甫")
    for pane in (a, b):
        pane.keys("C-r")  # roster; the table has the focus, cursor on the first member
        pane.wait_for("Roster", "Active", "Yes")  # the members, read in a worker
    first = next(line.split()[0] for line in a.screen().splitlines() if "volunteer" in line)
    assert "Yes" in row(b.screen(), first)
    a.keys("C-d")  # deactivate
    a.wait_until(lambda s: "No" in row(s, first) and "Saved" in s, f"{first} deactivated")
    b.wait_until(lambda s: "No" in row(s, first), f"{first} inactive in the other session",
                 timeout=2.0)
    for pane in (a, b):
        pane.keys("Escape", "C-q")
        assert pane.wait_exit() == 0


@needs.font
def test_errand_request_approve_print_and_scan_at_the_gate(desk, demo_dir):
    pane = desk()
    sign_in(pane)
    pane.keys("F2")
    pane.wait_for("Errands:", "n New", "a Approve")
    pane.keys("n")
    pane.wait_for("New errand", "e.g. 5-302")
    pane.fill("1-101")
    pane.wait_for("blank: the head")  # the door was found as it was typed
    pane.tab_to("Purpose")
    pane.fill("买药")
    pane.tab_to("From")  # focusing selects the proposed time; typing replaces it
    start = f"{clock.now():%H:%M}"  # from now (the form proposes the next 5 minutes)
    pane.type(start)
    pane.wait_until(lambda s: start in row(s, "From"), "the start time typed")
    pane.keys("C-s")
    screen = pane.wait_until(lambda s: re.search(r"Errand (\d+) requested", s), "request saved")
    number = int(re.search(r"Errand (\d+) requested", screen).group(1))
    pane.wait_for(f"No. {number} · requested")  # the new errand is selected
    pane.keys("a")
    pane.wait_for(f"Approve errand {number}")  # approving asks first
    pane.keys("y")
    pane.wait_for(f"Errand {number} approved")
    pane.keys("p")
    pane.wait_for(f"No. {number} · pass issued", "print 1")
    code = next(e["code"] for e in errands.all_errands(Store(demo_dir)) if e["number"] == number)
    assert re.fullmatch(r"\d{40,60}", code)

    pane.keys("s")  # the pass on screen, digits under the QR
    pane.wait_for(f"Errand {number}", code[:4], "▀")
    pane.keys("Escape")
    pane.wait_gone("▀▀▀")

    pane.keys("g")  # gate scan window: a keyboard-mode scanner types the digits and Enter
    pane.wait_for("Gate scan", "Waiting for a pass scan")
    pane.type(code + "\r")  # one burst, as a scanner sends it
    pane.wait_for("VALID: may go out", f"Errand {number} · ")
    pane.type(code + "\r")  # read twice at once: not a return (IN needs a minute away)
    pane.wait_for("already used")
    pane.type(code[:-1] + str((int(code[-1]) + 1) % 10) + "\r")  # one digit misread
    pane.wait_for("Typo: the check digit")
    pane.keys("Escape")
    pane.wait_for(f"No. {number} · out")
    pane.keys("C-q")
    assert pane.wait_exit() == 0


def test_checkpoint_entry_shows_in_another_session_within_two_seconds(desk):
    """Log a visitor at the gate in one session; the other desk's log shows it."""
    a, b = desk(), desk()
    sign_in(a)
    sign_in(b, VOLUNTEER)
    for pane in (a, b):  # F1 is the first tab; the cursor starts on the name
        pane.keys("F1")
        pane.wait_for("Door/org", "Outcome", "^s Save")
    a.tab_to("Name", until="Door/org")
    a.fill("试访客")  # 3 characters: the log column is 6 cells wide
    a.tab_to("Door/org")
    a.fill("1-101")
    a.keys("Tab")                 # on to Purpose: nothing is preselected
    a.settle()
    a.type("1")                   # a numbered list, 1 = shopping
    a.wait_until(lambda s: "shopping" in row(s, "Purpose"), "purpose shopping")
    a.keys("F6")                  # the outcome key for "allowed"
    a.wait_until(lambda s: "allowed" in row(s, "Outcome"), "outcome allowed")
    a.keys("C-s")
    a.wait_until(lambda s: "试访客" in s and "Saved #" in s, "the entry saved")
    a.wait_until(lambda s: "试访客" in row(s, "1-101"), "the entry in this desk's log")
    b.wait_until(lambda s: "试访客" in row(s, "1-101"), "the entry in the other desk's log",
                 timeout=2.0)
    a.keys("C-q")  # the entry opened a's shift: quitting asks to hand it over first
    a.wait_for("is still yours")
    a.keys("C-q")  # again: go, leaving the shift open for the next volunteer
    b.keys("C-q")  # b logged nothing: no shift of b's, so it goes at once
    for pane in (a, b):
        assert pane.wait_exit() == 0


def test_quarantined_household_denied_and_a_leader_overrides_with_a_reason(desk, demo_dir):
    """A member of a home-quarantine household wants out: the form says no as
    the door is typed; a leader lets them through with a reason; the log shows it."""
    from console.core.operators import Actor  # noqa: PLC0415
    from console.households import marks  # noqa: PLC0415

    store = Store(demo_dir)
    review = (clock.today() + dt.timedelta(days=7)).isoformat()
    marks.set_mark(store, Actor(LEADER, "leader"), "1-101", "yellow", "密接", review)
    pane = desk()
    sign_in(pane)
    pane.keys("F1")
    pane.wait_for("Door/org", "Outcome", "^s Save")
    pane.tab_to("Name", until="Door/org")
    pane.fill("隔离户")
    pane.tab_to("Door/org")
    pane.fill("1-101")
    pane.keys("Enter")            # on to Purpose: a numbered list, 4 = medical
    pane.settle()
    pane.type("4")
    pane.wait_until(lambda s: "medical" in row(s, "Purpose"), "purpose medical")
    for _ in range(2):            # past the temperature to Dir, a numbered list: 2 = out
        pane.keys("Tab")
        pane.settle()
    pane.wait_for("1 in  2 out  3 attempt")   # its choices on the line under the form
    pane.type("2")
    pane.wait_for(f"Home quarantine until {review[5:]}: may not go")  # the verdict wraps at 80
    pane.settle()
    pane.keys("F6")               # the outcome key for "allowed"
    pane.wait_until(lambda s: "allowed" in row(s, "Outcome"), "outcome allowed")
    pane.keys("C-s")
    pane.wait_for("give the reason")
    pane.type("去医院透析")
    pane.keys("Enter")
    # the log row is the proof (the "Saved" toast can sit under the handover note)
    pane.wait_until(lambda s: "⚑" in row(s, "隔离户"), "the override in the log")
    [entry] = [e for e in Store(demo_dir).table("checkpoint", day=True).all()
               if e.get("name") == "隔离户"]
    assert entry["override"]["reason"] == "去医院透析" and entry["override"]["by"] == LEADER
    pane.keys("C-q")  # the entry opened the leader's shift: quitting asks first
    pane.wait_for("is still yours")
    pane.keys("C-q")
    assert pane.wait_exit() == 0
