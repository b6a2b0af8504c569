"""No traceback and no secret on a volunteer's screen: a damaged or unreadable
key file, an unexpected error, errors that keep coming."""

from __future__ import annotations

import html
import re
import secrets

import orjson
import pytest

from app import DeskApp
from console.checkpoint import scan as gate_scan
from console.core import logs
from console.errands import keys
from screens.crash import CrashScreen
from screens.errands.scan import ScanField

CODE = "1" * 52


def screen_text(app) -> str:
    """Every character on the screen now, from Textual's own SVG export."""
    svg = app.export_screenshot()
    return html.unescape("".join(re.findall(r"<text[^>]*>([^<]*)</text>", svg))).replace("\xa0", " ")


def leaks(text: str, secret: str) -> bool:
    return any(secret[i:i + 8] in text for i in range(len(secret) - 7))


@pytest.fixture
def secret() -> str:
    return secrets.token_hex(32)


@pytest.fixture
def shown_errors(monkeypatch):
    """Run the console as volunteers get it: unexpected errors are shown, not raised."""
    monkeypatch.setattr(DeskApp, "RAISE_UNEXPECTED", False)


async def _scan(app, pilot) -> str:
    field = app.screen.query_one(ScanField)
    field.value = CODE
    await field.action_submit()  # what the scanner's Enter does
    await pilot.pause()
    await app.workers.wait_for_complete()
    await pilot.pause()
    return screen_text(app)


@pytest.mark.parametrize("damage", ["bad hex", "not json", "unreadable"])
async def test_damaged_key_file_shows_a_message_not_the_key(store, volunteer, secret, damage,
                                                          shown_errors):
    path = store.root / keys.KEYS_FILE
    path.parent.mkdir(exist_ok=True)
    if damage == "bad hex":
        path.write_bytes(orjson.dumps({"current": "123", "keys": {"123": {"secret": secret + "zz"}}}))
    elif damage == "not json":
        path.write_bytes(b'{"current": "123", "keys": {"123": {"secret": "' + secret.encode())
    else:
        path.mkdir()  # cannot be read as a file, even by root
    app = DeskApp(store, actor=volunteer, gate="西门")
    async with app.run_test(size=(100, 30)) as pilot:
        text = await _scan(app, pilot)
        assert "pass key file" in text
        assert "Traceback" not in text and not leaks(text, secret)


async def test_unexpected_error_shows_a_reference_and_logs_the_details(store, volunteer, secret,
                                                                       shown_errors, monkeypatch):
    logs.setup(store.root)

    def broken(*args, **kwargs):
        key = bytes.fromhex(secret)  # a local variable Textual would have printed
        raise RuntimeError(f"cannot sign with {key.hex()}")

    monkeypatch.setattr(gate_scan, "scan", broken)
    app = DeskApp(store, actor=volunteer, gate="西门")
    async with app.run_test(size=(100, 30)) as pilot:
        text = await _scan(app, pilot)
        assert isinstance(app.screen, CrashScreen)
        assert "The console hit a problem" in text and "Tell a leader" in text
        ref = re.search(r"reference (\S+)\.", text)[1]
        assert "Traceback" not in text and not leaks(text, secret)
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, CrashScreen)  # the desk goes on
    logged = logs.path(store.root).read_text()
    assert ref in logged and "Traceback" in logged and "RuntimeError" in logged
    assert not leaks(logged, secret)
    assert logs.path(store.root).stat().st_mode & 0o777 == 0o660


async def test_errors_that_keep_coming_close_with_the_message(store, volunteer, shown_errors,
                                                              capfd):
    app = DeskApp(store, actor=volunteer, gate="西门")
    async with app.run_test(size=(100, 30)):
        for _ in range(DeskApp.CRASH_LIMIT):
            try:
                {}["missing"]
            except KeyError as exc:
                app._handle_exception(exc)  # what Textual calls for an unhandled error
    assert app.return_code == 1 and "Tell a leader" in app.crash_message
    err = capfd.readouterr().err
    assert "Tell a leader" in err
    assert "Traceback" not in err and "KeyError" not in err
