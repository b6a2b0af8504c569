"""Import view (i): read a household list (xlsx, csv) and show what it would change."""

from __future__ import annotations

from pathlib import Path

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.validation import ValidationResult, Validator
from textual.widgets import Input, Label, Static

from console.core.i18n import DomainError
from console.households.registry_import import ImportReport, import_file
from screens.widgets.confirm import ConfirmScreen
from console.core.i18n import t
from screens.households.view import HouseholdView


class FileValidator(Validator):
    def validate(self, value: str) -> ValidationResult:
        return self.success() if value and Path(value).expanduser().is_file() \
            else self.failure(t("hh.no_file"))


class ImportView(HouseholdView):
    BINDINGS = [Binding("ctrl+s", "import", t("hh.key.import")),
                Binding("escape", "leave", t("hh.view.sheet"), show=False)]

    def action_leave(self) -> None:
        self.tab.action_view("sheet")

    def compose(self) -> ComposeResult:
        yield Static(t("hh.import_help"), classes="hh-help", markup=False)
        yield Input(id="import-path", placeholder=t("hh.import_path"), validators=[FileValidator()])
        yield Label("", id="err-file", classes="error")
        yield VerticalScroll(Static("", id="import-report", markup=False), id="import-box")

    def focus_main(self) -> None:
        self.query_one("#import-path", Input).focus()

    def _path(self) -> Path | None:
        field = self.query_one("#import-path", Input)
        result = field.validate(field.value)
        if result is not None and not result.is_valid:
            self.query_one("#err-file", Label).update("; ".join(result.failure_descriptions))
            return None
        self.query_one("#err-file", Label).update("")
        return Path(field.value).expanduser()

    @on(Input.Submitted, "#import-path")
    def _check(self) -> None:
        if path := self._path():
            self._run(path, write=False)

    def action_import(self) -> None:
        if path := self._path():
            self._run(path, write=False, then_confirm=True)

    @work(thread=True, exclusive=True, group="import")
    def _run(self, path: Path, write: bool, then_confirm: bool = False) -> None:
        try:
            report = import_file(self.app.store, self.app.actor, path, write=write)
        except DomainError as exc:
            self.app.call_from_thread(self.query_one("#err-file", Label).update, str(exc))
            return
        self.app.call_from_thread(self._show, path, report, then_confirm)

    def _show(self, path: Path, report: ImportReport, then_confirm: bool) -> None:
        self.query_one("#import-report", Static).update("\n".join(report.lines()))
        if report.written:
            self.tab.reload_all()
        if then_confirm and not report.fatal and (report.added or report.updated):
            question = t("hh.confirm_import", path=path.name, added=report.added,
                         updated=report.updated, rejected=len(report.rejected))
            self.app.push_screen(ConfirmScreen(question),
                                 lambda yes: yes and self._run(path, write=True))
