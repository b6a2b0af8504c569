"""Asking before something that cannot be taken back: a yes/no dialog and
the Esc-on-a-filled-form rule every form follows."""

from __future__ import annotations

from collections.abc import Callable

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Static

from console.core import i18n
from screens.widgets.footer import DeskFooter

i18n.add({
    "confirm.yes": ("是", "Yes"),
    "confirm.no": ("否", "No"),
    "confirm.keys": ("[y] 是    [n] 否（Esc）", "[y] yes    [n] no (Esc)"),
    "confirm.discard": ("清掉已填写的内容？", "Clear what you typed?"),
})


class ConfirmScreen(ModalScreen[bool]):
    """A question answered with y or n (Esc = n). Enter answers yes only when
    ``enter_is_yes`` (never for discarding typed work: Enter is pressed by habit)."""

    DEFAULT_CSS = """
    ConfirmScreen { align: center middle; }
    ConfirmScreen > Vertical {
        width: 100%; max-width: 70; height: auto; padding: 0 1;
        border: round $warning; background: $surface;
    }
    """

    def __init__(self, question: str, enter_is_yes: bool = False) -> None:
        super().__init__()
        self.question = question
        keys = "y,enter" if enter_is_yes else "y"
        self._bindings.bind(keys, "answer(True)", i18n.t("confirm.yes"))
        self._bindings.bind("n,escape", "answer(False)", i18n.t("confirm.no"))

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(self.question, markup=False)
            yield Static(i18n.t("confirm.keys"), markup=False)
        yield DeskFooter()

    def action_answer(self, yes: bool) -> None:
        self.dismiss(yes)


def ask_to_discard(app, typed: bool, discard: Callable[[], object]) -> None:
    """Esc on a form: nothing typed clears (or closes) at once; typed text is
    cleared only after the volunteer says yes."""
    if not typed:
        discard()
        return
    app.push_screen(ConfirmScreen(i18n.t("confirm.discard")),
                    lambda yes: discard() if yes else None)
