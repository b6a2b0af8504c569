"""A gate scan window (g) for a desk that scans from the errands tab."""

from __future__ import annotations


from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Static

from console.core import i18n
from screens.errands.rows import CSS
from screens.errands.scan import ScanPanel
from screens.widgets.footer import DeskFooter


class ScanScreen(ModalScreen[None]):
    """A gate scan window, for a desk that scans from the errands tab."""

    DEFAULT_CSS = CSS
    AUTO_FOCUS = "ScanField"
    BINDINGS = [Binding("escape", "dismiss", i18n.t("errtab.key.cancel"))]

    def compose(self) -> ComposeResult:
        with Vertical(classes="errand-dialog"):
            yield Static(i18n.t("errtab.scan_title", gate=self.app.gate or "-"), markup=False,
                         classes="title")
            yield ScanPanel()
        yield DeskFooter()
