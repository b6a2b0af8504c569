"""What a volunteer sees at 80×24, as SVG snapshots (pytest-textual-snapshot):
the sign-in screen, the five tabs and the main dialogs, in Chinese and English.

A failing snapshot means the screen changed: look at the HTML report pytest
names at the end, and if the change is meant, accept it with
``pytest tests/ui/test_snapshots.py --snapshot-update`` (README, Testing).

Every snapshot is of the demo data (``build_demo``, fixed seed, two days)
with the clock frozen at T0, on a leader's desk at 西门, after every worker
is done. The app is driven through its keys only.
"""

from __future__ import annotations

import importlib
import pkgutil
import sys

import pytest
from textual import notifications

from console import features
from console.core import i18n, printing
from console.core.operators import Actor
from tests.errand_helpers import T0

SIZE = (80, 24)
LEADER = Actor("郭振兴", "leader")       # the demo roster's first leader
GATE = "西门"
LANGS = ["zh", "en"]

_ZH: dict = {}   # the UI modules imported under zh, once a session


def _ui_modules() -> dict:
    return {n: m for n, m in sys.modules.items()
            if n == "app" or n == "screens" or n.startswith("screens.")}


def _import_all_screens() -> None:
    """Every module under screens/, so lazy imports find theirs in the same language."""
    import screens  # noqa: PLC0415

    for info in pkgutil.walk_packages(screens.__path__, "screens."):
        importlib.import_module(info.name)


def _zh_modules() -> dict:
    """app and screens.* imported afresh under zh: key labels take the language
    at import (i18n.lang_in), so an English import cannot show a Chinese desk.
    sys.modules is left as it was."""
    if not _ZH:
        _import_all_screens()
        english = _ui_modules()
        try:
            for name in english:
                del sys.modules[name]
            i18n.set_lang("zh")
            importlib.import_module("app")
            _import_all_screens()
            _ZH.update(_ui_modules())
        finally:
            for name in _ui_modules():
                del sys.modules[name]
            sys.modules.update(english)
            i18n.set_lang("en")
    return _ZH


@pytest.fixture(params=LANGS)
def lang(request) -> str:
    return request.param


@pytest.fixture
def desk_app(lang, monkeypatch):
    """The DeskApp class of the test's language (under zh the Chinese import,
    put in sys.modules for the test)."""
    english = sys.modules["app"]
    if lang == "zh":
        for name, module in _zh_modules().items():
            monkeypatch.setitem(sys.modules, name, module)
    desk = sys.modules["app"].DeskApp
    monkeypatch.setattr(desk, "RAISE_UNEXPECTED", True)
    yield desk
    i18n.set_lang("en")
    english.textual_text.apply()   # Textual's own words back in English for later tests


@pytest.fixture
def demo(empty_store, freeze_clock, monkeypatch):
    """The demo data at T0; no Chinese font, so every machine prints (and shows) the same."""
    monkeypatch.setattr(printing, "find_cjk_font", lambda refresh=False: None)
    freeze_clock(T0)
    features.build_demo(empty_store, days=2)
    return empty_store


@pytest.fixture
def toasts_stay(monkeypatch):
    """A toast stays up until the screenshot: Textual times it out on the real
    clock, and a busy machine must not decide whether it is in the picture."""
    monkeypatch.setattr(notifications, "time", lambda: 0.0)   # time_left: the raise time itself


@pytest.fixture
def snap(snap_compare, desk_app, demo, lang, settle, toasts_stay):
    """snap(*keys, signed_in=True): the screen after pressing ``keys`` (key
    names; ``*"1-302"`` types), every worker done after each. The toasts of
    signing in (the last handover note) are cleared before the keys, or they
    would cover a third of every screen."""

    def shoot(*keys: str, signed_in: bool = True) -> bool:
        app = desk_app(demo, actor=LEADER if signed_in else None, gate=GATE, lang=lang)

        async def run_before(pilot) -> None:
            await settle(pilot)
            if keys:
                pilot.app.clear_notifications()   # sign-in's toasts (the handover note): the keys' own stay
            for key in keys:
                await pilot.press(key)
                await settle(pilot)

        return snap_compare(app, terminal_size=SIZE, run_before=run_before)

    return shoot


# -- sign-in and the five tabs -----------------------------------------------------

def test_sign_in(snap):
    assert snap(signed_in=False)


@pytest.mark.parametrize("keys", [
    ("f1",), ("f2",), ("f3", "f6"), ("f3", "f8"), ("f4",), ("f5", "b"), ("f5", "k"),
], ids=["checkpoint", "errands", "purchases-requests", "purchases-runs", "stock",
        "households-sheet", "households-key-persons"])
def test_tab(snap, keys):
    assert snap(*keys)


# -- the main dialogs --------------------------------------------------------------

@pytest.mark.parametrize("keys", [
    ("f1", "tab", *"1-302", "tab", "tab"),             # a gate entry being typed: the verdict line
    ("f1", "ctrl+y"),                                 # shift and handover
    ("f1", "f9"),                                     # who is inside now
    ("f1", "tab", *"1-302", "escape"),                # clear the typed form? (the confirm dialog)
    ("f2", "n"),                                      # errand request
    ("f3", "f6", "n"),                                # purchase request (the table behind)
    ("f4", "ctrl+n"),                                 # thermometers received
    ("f5", "b", "enter"),                             # household record and its mark
    ("f1", "ctrl+p"),                                 # every action by name (the keys' help)
], ids=["gate-entry", "shift", "inside", "confirm-clear", "errand-request", "purchase-request",
        "stock-receive", "household-record", "palette"])
def test_dialog(snap, keys):
    assert snap(*keys)
