"""The day's log table, with its correct / annul keys."""

from __future__ import annotations


from textual.binding import Binding
from textual.message import Message

from console.core import i18n
from screens.widgets.paged_table import PagedTable


class LogTable(PagedTable):
    """The gate log; on a selected entry: c fixes it, x annuls it."""

    BINDINGS = [Binding("x", "correct('annul')", i18n.t("gateui.key.annul")),
                Binding("c", "correct('fix')", i18n.t("gateui.key.fix"))]

    class Correct(Message):
        """Fix or annul the entry under the cursor."""

        def __init__(self, kind: str, key: str | None) -> None:
            super().__init__()
            self.kind = kind
            self.key = key

    def on_focus(self) -> None:
        """Coming into the log says what the row under the cursor holds, too."""
        if self.row_count:
            key = self.coordinate_to_cell_key(self.cursor_coordinate).row_key   # a RowKey, as Textual posts it
            self.post_message(self.RowHighlighted(self, self.cursor_row, key))

    def action_correct(self, kind: str) -> None:
        self.post_message(self.Correct(kind, self.selected_key))
