"""App-wide messages: widgets post them up, the app and the tabs react.

- :class:`Watch` (a widget, on mount): "tell me when any desk writes these
  tables". The app's one-second poll then posts :class:`StoreChanged` to
  that widget, naming the (table, day) pairs that changed; the widget
  reloads what it shows of them. Nothing polls the store but the app.
- :class:`SigningIn` (the sign-in screen, as the PIN check starts): the app
  loads the signed-in console's code beside the PIN hash.
- :class:`SignedIn` (the sign-in screens): enter the console as this person.
- :class:`ShiftChanged` (the checkpoint tab): whose shift the header shows.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from textual.message import Message
from textual.widget import Widget

Files = Callable[[], Iterable[tuple[str, str | None]]]


def versions(store, files: Files, known: bool = False) -> dict[tuple[str, str | None], object]:
    """The store's version of each (table, day) in ``files()`` now (the poll's
    worker); ``known``: as this desk last caught up, which never waits for
    the store (on the event loop)."""
    version = store.known_version if known else store.version
    return {(name, day): version(name, day) for name, day in files()}


class Watch(Message):
    """``widget`` shows what ``files()`` names (re-read at every poll: a
    tab that changes day names the new day); ``seen`` is what it loaded, or
    older (noted on mount without waiting for a busy store: then the first
    poll reloads it once more)."""

    def __init__(self, widget: Widget, files: Files) -> None:
        super().__init__()
        self.widget, self.files = widget, files
        self.seen = versions(widget.app.store, files, known=True)


def watch(widget: Widget, files: Files) -> None:
    """Ask the app for a :class:`StoreChanged` whenever ``files()`` change."""
    widget.post_message(Watch(widget, files))


class StoreChanged(Message):
    """Some desk (this one too) wrote ``changed``: (table, day) pairs."""

    bubble = False  # for the widget that asked, not for its parents

    def __init__(self, changed: frozenset[tuple[str, str | None]]) -> None:
        super().__init__()
        self.changed = changed


class SigningIn(Message):
    """A PIN is being checked (a third of a second of hashing)."""


class SignedIn(Message):
    """Enter the console as ``actor`` at ``gate``."""

    def __init__(self, actor, gate: str) -> None:
        super().__init__()
        self.actor, self.gate = actor, gate


class ShiftChanged(Message):
    """The shift on this desk's gate is now ``label`` ("" when none is open)."""

    def __init__(self, label: str) -> None:
        super().__init__()
        self.label = label
