"""Ctrl+N: recall a recent visitor by name or phone and fill the form."""

from __future__ import annotations


from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from console.core import i18n
from screens.widgets.footer import DeskFooter


class RecallScreen(ModalScreen[dict | None]):
    """Earlier visitors matching the typed prefix; Enter fills the form."""

    BINDINGS = [Binding("escape", "dismiss(None)", i18n.t("checkpoint.key.close"))]

    def __init__(self, found: list[dict]):
        super().__init__()
        self.found = found

    def compose(self) -> ComposeResult:
        with Vertical(classes="modal-card"):
            yield Static(i18n.t("checkpoint.ui.recall_title"), classes="title")
            yield OptionList(*[
                Option(Text(f"{v['name'] or '—'}  {v['phone']}  {v['door'] or v['org']}  "
                            f"{v['plate']}  ({v['last'][5:16].replace('T', ' ')})"), id=str(i))
                for i, v in enumerate(self.found)], id="recall")
        yield DeskFooter()

    @on(OptionList.OptionSelected)
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(self.found[int(event.option.id)])
