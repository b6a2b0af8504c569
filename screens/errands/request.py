"""A new errand request (n): fields checked as they are typed, Ctrl+S saves."""

from __future__ import annotations

import datetime as dt

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.validation import ValidationResult, Validator
from textual.widgets import Input, Label, Select, Static

from console.core import clock, i18n, operators
from console.errands import errand as errands
from console.households import registry as households
from console.core.i18n import DomainError
from screens.widgets.confirm import ask_to_discard
from screens.widgets.form import FieldError, FormRow
from screens.widgets.footer import DeskFooter
from screens.widgets.name_select import NameSelect
from screens.errands.rows import CSS
from screens.widgets.validation import DomainCheck
from screens.widgets.writes import write


class _DoorValidator(Validator):
    """The door as the registry read before the form opened knows it (the
    save checks it again with the registry as it is then)."""

    def __init__(self, doors: dict[str, dict]) -> None:
        super().__init__()
        self.doors = doors
        self.household: dict | None = None

    def validate(self, value: str) -> ValidationResult:
        self.household = None
        if not value.strip():
            return self.success()
        try:
            self.household = households.find_in(self.doors, value)
        except DomainError as exc:
            return self.failure(str(exc))
        return self.success()


class _Required(Validator):
    def validate(self, value: str) -> ValidationResult:
        return self.success() if value.strip() else self.failure(i18n.t("errtab.required"))


FORM_FIELDS = ("door", "org", "person", "phone", "purpose", "items", "destination", "escort",
               "start", "end")


class RequestScreen(ModalScreen[dict | None]):
    """New errand request. Fields validate as you type; Ctrl+S saves. What
    it needs from the store (:meth:`read`) is read before it opens."""

    DEFAULT_CSS = CSS
    AUTO_FOCUS = "#f-door"
    BINDINGS = [Binding("ctrl+s", "save", i18n.t("errtab.key.save")),
                Binding("escape", "cancel", i18n.t("errtab.key.cancel"))]

    def __init__(self, names: list[str], doors: dict[str, dict]) -> None:
        super().__init__()
        self.names = names
        self.door_check = _DoorValidator(doors)

    @staticmethod
    def read(store) -> tuple[list[str], dict[str, dict]]:
        """The escorts to choose from and the registry's doors (in a worker)."""
        return ([m["name"] for m in operators.roster(store, active_only=True)],
                households.doors(store))

    def compose(self) -> ComposeResult:
        now = clock.now()
        start = now + dt.timedelta(minutes=(-now.minute) % 5)
        end = start + dt.timedelta(hours=2)
        end_text = f"{end:%H:%M}" if end.date() == start.date() else f"{end:%m-%d %H:%M}"
        inputs = {
            "door": Input(id="f-door", placeholder=i18n.t("errtab.ph.door"),
                          validators=[self.door_check], max_length=20),
            "org": Input(id="f-org", max_length=40),
            "person": Input(id="f-person", max_length=20),
            "phone": Input(id="f-phone", restrict=r"[0-9０-９+\- ]*", max_length=20),
            "purpose": Input(id="f-purpose", validators=[_Required()], max_length=60),
            "items": Input(id="f-items", max_length=80),
            "destination": Input(id="f-destination", max_length=40),
            "escort": NameSelect([(n, n) for n in self.names], id="f-escort",
                             prompt=i18n.t("errtab.no_escort")),
            "start": Input(f"{start:%H:%M}", id="f-start", validators=[DomainCheck(errands.parse_time)],
                           placeholder=i18n.t("errtab.ph.time"), max_length=16),
            "end": Input(end_text, id="f-end", validators=[DomainCheck(errands.parse_time)],
                         placeholder=i18n.t("errtab.ph.time"), max_length=16),
        }
        with Vertical(classes="errand-form"):
            yield Static(i18n.t("errtab.new_title"), classes="title")
            with VerticalScroll(can_focus=False):
                for name in FORM_FIELDS:
                    with FormRow(one_line=True):
                        yield Label(i18n.t(f"errtab.f.{name}"), classes="form-label")
                        yield inputs[name]
                    yield FieldError(id=f"e-{name}")
            yield FieldError(id="e-form", classes="form-message")
        yield DeskFooter()

    def on_mount(self) -> None:
        self.initial = self._values()  # the proposed times are not "typed"

    def _error(self, name: str, text: str) -> None:
        self.query_one(f"#e-{name}", FieldError).show(text)

    @on(Input.Changed)
    def _changed(self, event: Input.Changed) -> None:
        name = (event.input.id or "")[2:]
        if name not in FORM_FIELDS:
            return
        result = event.validation_result
        self._error(name, "" if result is None or result.is_valid else
                    " ".join(result.failure_descriptions))
        self._error("form", "")
        if name == "door":
            head = self.door_check.household["head"] if self.door_check.household else ""
            self.query_one("#f-person", Input).placeholder = (
                i18n.t("errtab.ph.person", head=head) if head else "")

    @on(Input.Submitted)
    def _next(self, event: Input.Submitted) -> None:
        event.stop()
        if event.input.id == "f-end":
            self.action_save()
        else:
            self.focus_next()

    def _values(self) -> dict[str, str]:
        out = {}
        for name in FORM_FIELDS:
            widget = self.query_one(f"#f-{name}")
            if isinstance(widget, Select):
                out[name] = "" if widget.is_blank() else str(widget.value)
            else:
                out[name] = widget.value
        return out

    def action_save(self) -> None:
        """Save, or mark every wrong field at once (not one per try). The
        domain's check and the save run in a worker (the store may be busy
        with another desk's write); the keys typed after Ctrl+S wait for it."""
        errors: dict[str, str] = {}
        for inp in self.query(Input):
            result = inp.validate(inp.value)
            if result is not None and not result.is_valid:
                errors[inp.id[2:]] = " ".join(result.failure_descriptions)
        app, values = self.app, self._values()

        def check_then_save() -> tuple[dict | None, list[DomainError]]:
            _, problems = errands.check_request(app.store, **values)
            if errors or problems:
                return None, problems
            return errands.request(app.store, app.actor, **values), []
        write(self, check_then_save, lambda got: self._checked(errors, *got),
              lambda exc: self._error("form", str(exc)))

    def _checked(self, errors: dict[str, str], saved: dict | None,
                 problems: list[DomainError]) -> None:
        if saved is not None:
            self.dismiss(saved)
            return
        for exc in problems:
            field = {"time": "start"}.get(exc.field or "", exc.field or "form")
            errors.setdefault(field if field in FORM_FIELDS else "form", str(exc))
        for name in (*FORM_FIELDS, "form"):
            self._error(name, errors.get(name, ""))
        if errors:
            first = next((n for n in FORM_FIELDS if n in errors), None)
            if first:
                self._error("form", i18n.t("errtab.fix"))
                self.query_one(f"#f-{first}").focus()

    def action_cancel(self) -> None:
        ask_to_discard(self.app, self._values() != self.initial, lambda: self.dismiss(None))
