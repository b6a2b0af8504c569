"""Asking for one line of text: the reason to reject or revoke a pass, to
annul a gate entry, to let someone through against a rule. Enter gives it
(never empty), Esc cancels, asking first if something was typed."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Static

from console.core import i18n
from screens.widgets.confirm import ask_to_discard
from screens.widgets.footer import DeskFooter

i18n.add({
    "prompt.reason": ("理由", "Reason"),
    "prompt.required": ("必填。", "Required."),
    "prompt.cancel": ("取消", "Cancel"),
})


class TextPrompt(ModalScreen[str | None]):
    """``title`` over one input; dismisses with the text, or None on Esc."""

    DEFAULT_CSS = """
    TextPrompt { align: center middle; }
    TextPrompt > Vertical {
        width: 100%; max-width: 78; height: auto; padding: 0 1;
        border: round $primary; background: $surface;
    }
    TextPrompt .error { color: $error; height: auto; }
    """
    AUTO_FOCUS = "#reason"
    BINDINGS = [Binding("escape", "cancel", i18n.t("prompt.cancel"))]

    def __init__(self, title: str, placeholder: str = "") -> None:
        super().__init__()
        self.title_text = title
        self.placeholder = placeholder or i18n.t("prompt.reason")

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(self.title_text, markup=False, classes="title")
            yield Input(id="reason", placeholder=self.placeholder, max_length=200)
            yield Label("", id="reason-error", classes="error")
        yield DeskFooter()

    @on(Input.Submitted)
    def _submit(self, event: Input.Submitted) -> None:
        if not event.value.strip():
            self.query_one("#reason-error", Label).update(i18n.t("prompt.required"))
            return
        self.dismiss(event.value.strip())

    def action_cancel(self) -> None:
        ask_to_discard(self.app, bool(self.query_one("#reason", Input).value.strip()),
                       lambda: self.dismiss(None))
