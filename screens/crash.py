"""What a volunteer sees instead of a traceback: a short message with the
log reference (the details are in the log file, see console.logs)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Static

from console.core import i18n
from screens.widgets.footer import DeskFooter

i18n.add({
    "crash.back": ("回到服务台", "Back to the console"),
})


class CrashScreen(ModalScreen):
    BINDINGS = [Binding("escape,enter", "dismiss", i18n.t("crash.back"))]

    def __init__(self, message: str) -> None:
        super().__init__()
        self.message = message

    def compose(self) -> ComposeResult:
        with Vertical(classes="modal-card"):
            yield Static(self.message, id="crash-message", classes="error", markup=False)
        yield DeskFooter()
