"""Every UI test checks that no screen writes to the store on the event loop.

A store write takes the directory's lock and fsyncs; on a busy machine that
is a frozen desk for everyone at it. So a screen writes only from a worker
(screens/widgets/writes.py). This autouse fixture fails a tests/ui test in
which ``Store.transaction`` ran on the main thread with a frame of
``screens/`` or ``app.py`` on the stack (what the test body itself writes to
set up its data is fine: no screen frame is under it).
"""

from __future__ import annotations

import sys
import threading
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
UI = (str(ROOT / "screens") + "/", str(ROOT / "app.py"))


def _screen_frame() -> str | None:
    frame = sys._getframe(2)
    while frame is not None:
        name = frame.f_code.co_filename
        if name.startswith(UI):
            return f"{Path(name).relative_to(ROOT)}:{frame.f_lineno} {frame.f_code.co_name}"
        frame = frame.f_back
    return None


@pytest.fixture(autouse=True)
def _no_store_write_on_the_event_loop(request, monkeypatch):
    if "ui" not in request.node.path.relative_to(ROOT).parts[:2]:
        yield
        return
    from console.core.store import Store  # noqa: PLC0415

    real, found = Store.transaction, []

    def transaction(self, *tables):
        if threading.current_thread() is threading.main_thread() and (where := _screen_frame()):
            found.append(where)
        return real(self, *tables)

    monkeypatch.setattr(Store, "transaction", transaction)
    yield
    assert not found, f"store written on the event loop from {found}"
