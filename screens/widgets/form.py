"""The one form dialog every tab uses (purchases, stock), and the row every form is made of.

Keys, the same in every form: Ctrl+S saves; Enter in a text box moves to the
next box and saves from the last one; Enter on a list opens it (it never
saves the choice shown); Esc cancels, asking first when something was typed.
Each text box is checked as it is typed by the domain's own check (one
message, the save's); what is wrong is shown under its field. ``save(values)``
calls the domain in a worker thread through :func:`screens.widgets.writes.write`
(the desk keeps answering while the store writes, and the keys typed after
the save wait until it is done and the form closed) and returns what to
dismiss with; a DomainError is shown under its field (or under the form) and
nothing is closed or lost.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import Any

from rich.cells import cell_len
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Select, Static

from console.core import i18n
from console.core.i18n import DomainError
from screens.widgets.confirm import ask_to_discard
from screens.widgets.footer import DeskFooter
from screens.widgets.validation import DomainCheck
from screens.widgets.writes import write

i18n.add({
    "form.save": ("保存", "Save"),
    "form.cancel": ("取消", "Cancel"),
    "form.pick": ("请选择", "Pick one"),
    "form.fix_first": ("请先改正标红的内容。", "Fix the fields marked in red first."),
})


class FormRow(Horizontal):
    """One row of a form, in every tab and dialog: a label and its field, or
    fields side by side (each a Vertical with its error line under it). The
    row is as high as what it holds and its fields share its width. A form
    whose rows differ says so in its own stylesheet, on ``.form-row`` (the
    dialogs' rows are one line high)."""

    DEFAULT_CSS = """
    FormRow { height: auto; }
    FormRow Input, FormRow Select { width: 1fr; }
    FormRow > Vertical { width: 1fr; height: auto; }
    FormRow.one-line { height: 1; }
    FormRow.one-line Input {
        height: 1; border: none; padding: 0 1; background: $boost;
    }
    FormRow.one-line Input:focus { border: none; background: $primary 30%; }
    FormRow.one-line Input.-invalid { border: none; background: $error 20%; }
    FormRow.one-line Input.-invalid:focus { background: $error 30%; }
    """
    DEFAULT_CLASSES = "form-row"

    def __init__(self, *children, one_line: bool = False, **kwargs) -> None:
        """``one_line``: a dialog's row, the label and a borderless one-line box
        (the form dialog, the errand form), so a whole form fits 80x24."""
        super().__init__(*children, **kwargs)
        self.set_class(one_line, "one-line")


class FieldError(Label):
    """The message under a field, in every form: hidden while empty."""

    DEFAULT_CSS = """
    FieldError { display: none; color: $error; text-style: bold; height: auto; }
    FieldError.-shown { display: block; }
    """

    def show(self, text: str) -> None:
        """Show ``text`` (an empty text hides the line)."""
        self.update(text)
        self.set_class(bool(text), "-shown")

    @property
    def text(self) -> str:
        """What it shows ("" while hidden)."""
        return str(self.render()) if self.has_class("-shown") else ""


@dataclass
class Field:
    """One row of a form: a text box, or a list when ``options`` are given."""

    name: str
    label: str
    value: Any = ""
    placeholder: str = ""
    #: the domain's check of the typed text (raises DomainError with the message)
    check: Callable[[str], object] | None = None
    restrict: str | None = None
    max_length: int = 200
    options: list[tuple[str, Any]] | None = None
    #: a list with nothing chosen until the volunteer picks (never a default gun)
    blank: bool = False


#: the form dialog's width and the least a text box beside a label keeps
FORM_WIDTH = 76
BOX_MIN = 24
#: the widest label column: the dialog's width less its border and padding (4) and a box
LABEL_MAX = FORM_WIDTH - 4 - BOX_MIN


class FormDialog(ModalScreen):
    """``title``, an optional ``info`` line, then one row per field."""

    DEFAULT_CSS = """
    FormDialog { align: center middle; }
    FormDialog > .form {
        width: FORM_WIDTH; max-width: 100%; height: auto; max-height: 100%;
        padding: 0 1; border: round $primary; background: $surface;
    }
    FormDialog .form VerticalScroll { height: auto; max-height: 18; }
    FormDialog .form-title { text-style: bold; }
    FormDialog .form-info { color: $text-muted; height: auto; }
    FormDialog .form-label { width: 14; }
    FormDialog FieldError { padding-left: 14; }
    """.replace("FORM_WIDTH", str(FORM_WIDTH))
    BINDINGS = [Binding("ctrl+s", "save", i18n.t("form.save"), priority=True),
                Binding("escape", "cancel", i18n.t("form.cancel"))]

    def __init__(self, title: str, fields: list[Field], save: Callable[[dict], object],
                 info: str = "") -> None:
        super().__init__()
        self.title_text = title
        self.fields = fields
        self.save = save
        self.info = info
        self._saving = False  # Ctrl+S pressed twice saves once

    def compose(self) -> ComposeResult:
        with Vertical(classes="form"):
            yield Static(self.title_text, classes="form-title", markup=False)
            with VerticalScroll():
                if self.info:
                    yield Static(self.info, classes="form-info", markup=False)
                for f in self.fields:
                    with FormRow(one_line=True):
                        yield Label(f.label, classes="form-label")
                        yield self._widget(f)
                    yield FieldError(id=f"e-{f.name}")
                yield FieldError(id="e-form")
        yield DeskFooter()

    @staticmethod
    def _widget(f: Field) -> Input | Select:
        if f.options is not None and f.blank and f.value == "":
            return Select(f.options, id=f"f-{f.name}", prompt=i18n.t("form.pick"), compact=True)
        if f.options is not None:
            return Select(f.options, id=f"f-{f.name}", allow_blank=False, compact=True,
                          value=f.value if f.value != "" else f.options[0][1])
        return Input(str(f.value), placeholder=f.placeholder, id=f"f-{f.name}",
                     validators=[DomainCheck(f.check)] if f.check else [],
                     restrict=f.restrict, max_length=f.max_length,
                     validate_on=["changed", "submitted"])

    def on_mount(self) -> None:
        # the label column is as wide as the longest label (CJK counts two), so no
        # label is cut, while the box beside it keeps at least BOX_MIN cells
        width = min(LABEL_MAX, 1 + max((cell_len(f.label) for f in self.fields), default=8))
        for label in self.query(".form-label"):
            label.styles.width = width
        for label in self.query(FieldError):
            label.styles.padding = (0, 0, 0, width)
        for inp in self.query(Input):
            if inp.value and inp.validators:
                inp.validate(inp.value)
        inputs = self.query(Input)
        (inputs.first() if inputs else self.query(Select).first()).focus()
        self.initial = self.values()

    def error(self, field: str | None, text: str) -> None:
        """``text`` under ``field`` (under the form when it has no row)."""
        target = self.query(f"#e-{field}") if field else None
        (target.first(FieldError) if target else self.query_one("#e-form", FieldError)).show(text)

    @on(Input.Changed)
    def _changed(self, event: Input.Changed) -> None:
        result = event.validation_result
        self.error((event.input.id or "")[2:], "" if result is None or result.is_valid
                   else result.failure_descriptions[0])
        self.error(None, "")

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        inputs = list(self.query(Input))
        i = inputs.index(event.input)
        if i + 1 < len(inputs):
            inputs[i + 1].focus()
        else:
            self.action_save()

    def values(self) -> dict[str, Any]:
        out = {}
        for f in self.fields:
            w = self.query_one(f"#f-{f.name}")
            out[f.name] = "" if isinstance(w, Select) and w.is_blank() else w.value
        return out

    def action_save(self) -> None:
        for label in self.query(FieldError):
            label.show("")
        bad = []
        for inp in self.query(Input):
            result = inp.validate(inp.value) if inp.validators else None
            if result is not None and not result.is_valid:
                self.error(inp.id[2:], result.failure_descriptions[0])
                bad.append(inp)
        if bad:
            self.error(None, i18n.t("form.fix_first"))
            bad[0].focus()
            return
        if not self._saving:
            self._saving = True
            write(self, partial(self.save, self.values()), self.dismiss, self._refused,
                  group="form-save")

    def _refused(self, exc: DomainError) -> None:
        self._saving = False
        known = exc.field and any(f.name == exc.field for f in self.fields)
        self.error(exc.field if known else None, str(exc))
        if known:
            self.query_one(f"#f-{exc.field}").focus()

    def action_cancel(self) -> None:
        ask_to_discard(self.app, self.values() != self.initial, lambda: self.dismiss(None))
