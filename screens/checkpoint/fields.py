"""The gate form's fields: a numbered drop-down (a digit picks) and a labelled field with its error line."""

from __future__ import annotations


from textual.containers import Horizontal, Vertical
from textual.widgets import Label, Select

from console.core import i18n
from screens.widgets.form import FieldError


class KeyedSelect(Select):
    """A Select whose options are numbered: with the focus on it, a digit
    picks that option (open or closed), so no digit lands in a text box."""

    def __init__(self, options: list[tuple[str, str]], **kw) -> None:
        self.keyed = [value for _, value in options]
        #: the choices on one plain line: the drop-down list can lose CJK characters
        #: where it overlaps other widgets (Textual issue #6357), this line cannot
        self.choices = "  ".join(f"{n} {label}" for n, (label, _) in enumerate(options, 1))
        super().__init__([(f"{n} {label}", value) for n, (label, value) in enumerate(options, 1)],
                         type_to_search=False, **kw)  # digits pick, they do not search
        for n in range(1, len(options) + 1):
            self._bindings.bind(str(n), f"pick({n})", i18n.t("checkpoint.key.pick", n=n), show=False)

    def action_pick(self, n: int) -> None:
        self.value = self.keyed[n - 1]
        if self.expanded:
            self.expanded = False
            self.focus()  # the closing list had the focus


def labelled(name: str, widget) -> Vertical:
    """A one-line labelled field with its error line (hidden while empty)."""
    return Vertical(Horizontal(Label(i18n.t(f"checkpoint.ui.{name}"), classes="cp-lbl"), widget,
                               classes="cp-line"),
                    FieldError(id=f"err-{name}"), classes="cp-cell")
