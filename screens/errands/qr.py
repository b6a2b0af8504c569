"""The pass on screen (s): its QR drawn in half blocks, big enough for a phone to scan."""

from __future__ import annotations


from rich.style import Style
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Static

from console.core import i18n
from console.errands import slips
from screens.errands.rows import CSS


def qr_text(code: str) -> Text:
    """The pass QR in half-block characters, explicitly black on white
    (two modules per character cell, so modules come out square)."""
    matrix = slips.qr_matrix(code)
    if len(matrix) % 2:
        matrix = [*matrix, [False] * len(matrix[0])]
    black, white = "#000000", "#ffffff"
    styles = {(a, b): Style(color=black if a else white, bgcolor=black if b else white)
              for a in (False, True) for b in (False, True)}
    text = Text(no_wrap=True, overflow="crop")
    for y in range(0, len(matrix), 2):
        for top, bottom in zip(matrix[y], matrix[y + 1]):
            text.append("▀", styles[(top, bottom)])
        if y + 2 < len(matrix):
            text.append("\n")
    return text


class QrScreen(ModalScreen[None]):
    """The pass on screen, big enough for a phone to scan from the terminal."""

    DEFAULT_CSS = CSS
    BINDINGS = [Binding("escape,q", "dismiss", i18n.t("errtab.key.cancel"))]

    def __init__(self, errand: dict) -> None:
        super().__init__()
        self.errand = errand

    def compose(self) -> ComposeResult:
        e = self.errand
        with Vertical(id="qr-card"):
            yield Static(i18n.t("errtab.qr_title", number=e["number"], person=e["person"],
                                no=f"{e['pass_no']:06d}", gen=e["pass_gen"]), markup=False)
            yield Static(qr_text(e["code"]), id="qr")
            yield Static(slips.groups(e["code"]), id="qr-digits", markup=False)
