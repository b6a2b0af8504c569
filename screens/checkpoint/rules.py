"""F10: the gate rules in force, and a leader's settings for them."""

from __future__ import annotations


from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Select, Static

from console.core import i18n, settings
from console.core.i18n import DomainError
from console.households import mark_rules
from console.households.marks import COLOURS
from screens.widgets.form import FormRow
from screens.widgets.writes import write
from screens.widgets.footer import DeskFooter


class RulesScreen(ModalScreen[None]):
    """The gate rules leaders set: what each mark colour and a fever mean at
    the gate (with the instruction read out), the household quota, how long
    an outsider may stay. Ctrl+S checks every value and saves all or nothing."""

    BINDINGS = [Binding("ctrl+s", "save", i18n.t("gateui.key.save"), priority=True),
                Binding("escape", "dismiss(None)", i18n.t("gateui.key.close"))]

    #: the settings the form shows, read before it opens (:meth:`read`, in a worker)
    KEYS = ("gate_quota", "gate_fever", "gate_marks", "gate_inside_hours")

    def __init__(self, in_force: dict) -> None:
        super().__init__()
        self.in_force = in_force

    @classmethod
    def read(cls, store) -> dict:
        return {key: settings.get(store, key) for key in cls.KEYS}

    def compose(self) -> ComposeResult:
        quota, fever = self.in_force["gate_quota"], self.in_force["gate_fever"]
        rules = {**self.in_force["gate_marks"], "fever": fever}
        actions = [(i18n.t(f"gateui.action.{a}"), a) for a in mark_rules.ACTIONS]
        with Vertical(classes="modal-card"):
            yield Static(i18n.t("gateui.rules_title"), classes="title")
            with VerticalScroll():
                for key in ("people", "every_days", "out_hours"):
                    yield self._row(key, Input(f"{quota[key]:g}", id=f"r-{key}", max_length=5))
                yield self._row("late_moves_turn", Select(
                    [(i18n.t("yes"), True), (i18n.t("no"), False)], id="r-late_moves_turn",
                    value=quota["late_moves_turn"], allow_blank=False))
                yield self._row("inside_hours", Input(
                    f"{self.in_force['gate_inside_hours']:g}", id="r-inside_hours",
                    max_length=5))
                for colour in (*COLOURS, "fever"):
                    rule = rules[colour]
                    yield self._row(f"{colour}_action", Select(
                        actions, id=f"r-{colour}_action", value=rule["action"], allow_blank=False))
                    yield self._row(f"{colour}_instruction", Input(
                        rule["instruction"], id=f"r-{colour}_instruction",
                        max_length=mark_rules.MAX_INSTRUCTION,
                        placeholder=i18n.t(f"gate.instruction.{colour}")))
            yield Label("", id="r-error", classes="error")
        yield DeskFooter()

    @staticmethod
    def _row(key: str, widget) -> FormRow:
        return FormRow(Label(i18n.t(f"gateui.rule.{key}"), classes="form-label"), widget)

    def _value(self, key: str):
        return self.query_one(f"#r-{key}").value

    def action_save(self) -> None:
        rule = {c: {"action": self._value(f"{c}_action"),
                    "instruction": self._value(f"{c}_instruction")} for c in (*COLOURS, "fever")}
        fever = rule.pop("fever")
        values = {"gate_quota": {k: self._value(k) for k in ("people", "every_days", "out_hours",
                                                            "late_moves_turn")},
                  "gate_inside_hours": self._value("inside_hours"),
                  "gate_marks": rule, "gate_fever": fever}
        app = self.app
        write(self, lambda: settings.put_many(app.store, app.actor, values), self._saved,
              self._refused)

    def _refused(self, exc: DomainError) -> None:
        self.query_one("#r-error", Label).update(str(exc))
        if exc.field and self.query(f"#r-{exc.field}"):
            self.query_one(f"#r-{exc.field}").focus()

    def _saved(self, _) -> None:
        self.notify(i18n.t("gateui.rules_saved"))
        self.dismiss(None)
