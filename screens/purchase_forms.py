"""Small keyboard forms and a confirm dialog for the purchases tab.

:class:`FormScreen` is a modal with one line per field (label, input, the
error under it). Each field validates as you type with a domain check; Ctrl+S
saves only when every field is valid; a DomainError from saving is shown next
to its field and what was typed stays.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Footer, Input, Label, Static

from console.core import i18n
from console.core.i18n import DomainError
from screens.widgets.validation import DomainCheck

i18n.add({
    "pui.save": ("保存", "Save"),
    "pui.cancel": ("取消", "Cancel"),
    "pui.fix_first": ("请先改正标红的内容。", "Fix the fields marked in red first."),
})

CSS = (Path(__file__).with_name("purchases.tcss")).read_text(encoding="utf-8")


@dataclass
class Field:
    name: str
    label: str
    value: str = ""
    placeholder: str = ""
    check: Callable[[str], object] | None = None
    restrict: str | None = None
    max_length: int = 200


class FormScreen(ModalScreen):
    """A keyboard form; ``save(values)`` returns the result or raises DomainError."""

    DEFAULT_CSS = CSS
    BINDINGS = [Binding("ctrl+s", "save", i18n.t("pui.save")),
                Binding("escape", "cancel", i18n.t("pui.cancel"))]

    def __init__(self, title: str, fields: list[Field], save: Callable[[dict], object],
                 info: str = ""):
        super().__init__()
        self.title_text = title
        self.fields = fields
        self.save = save
        self.info = info

    def compose(self) -> ComposeResult:
        with Vertical(classes="pur-form"):
            yield Static(self.title_text, classes="pur-title", markup=False)
            with VerticalScroll():
                if self.info:
                    yield Static(self.info, classes="pur-info", markup=False)
                for f in self.fields:
                    with Horizontal(classes="pur-row"):
                        yield Label(f.label, classes="pur-label")
                        yield Input(f.value, placeholder=f.placeholder, id=f"f-{f.name}",
                                    validators=[DomainCheck(f.check)] if f.check else [],
                                    restrict=f.restrict, max_length=f.max_length,
                                    validate_on=["changed", "submitted"])
                    yield Label("", id=f"e-{f.name}", classes="pur-err")
                yield Label("", id="e-form", classes="pur-err")
        yield Footer()

    def on_mount(self) -> None:
        for f in self.fields:
            inp = self.query_one(f"#f-{f.name}", Input)
            if f.value:
                inp.validate(f.value)
        self.query_one(Input).focus()

    def error(self, field: str | None, text: str) -> None:
        target = self.query(f"#e-{field}") if field else None
        label = target.first(Label) if target else self.query_one("#e-form", Label)
        label.update(text)
        label.set_class(bool(text), "shown")

    @on(Input.Changed)
    def _changed(self, event: Input.Changed) -> None:
        name = (event.input.id or "")[2:]
        result = event.validation_result
        self.error(name, "" if result is None or result.is_valid
                   else result.failure_descriptions[0])
        self.error(None, "")

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        inputs = list(self.query(Input))
        i = inputs.index(event.input)
        if i + 1 < len(inputs):
            inputs[i + 1].focus()
        else:
            self.action_save()

    def values(self) -> dict[str, str]:
        return {f.name: self.query_one(f"#f-{f.name}", Input).value for f in self.fields}

    def action_save(self) -> None:
        bad = False
        for f in self.fields:
            inp = self.query_one(f"#f-{f.name}", Input)
            result = inp.validate(inp.value)
            if result is not None and not result.is_valid:
                self.error(f.name, result.failure_descriptions[0])
                bad = True
        if bad:
            self.error(None, i18n.t("pui.fix_first"))
            return
        try:
            result = self.save(self.values())
        except DomainError as exc:
            known = exc.field and any(f.name == exc.field for f in self.fields)
            self.error(exc.field if known else None, str(exc))
            if known:
                self.query_one(f"#f-{exc.field}", Input).focus()
            return
        self.dismiss(result)

    def action_cancel(self) -> None:
        self.dismiss(None)
