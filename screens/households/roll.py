"""Daily roll view (r): today's temperature report per household of a building."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Input, Label, Static

from console.core import clock
from console.households import registry as hh, marks, roll
from console.core.i18n import DomainError
from console.core.i18n import t
from screens.households.cells import MARK_STYLE, mark_letter, roll_status
from screens.households.summary import SummaryScreen
from screens.households.view import BUILDING_KEYS, HouseholdView
from screens.widgets.writes import write
from screens.widgets.find_box import FIND, FindBox, keep
from screens.widgets.paged_table import PagedTable
from screens.widgets.validation import TEMPERATURE


class RollView(HouseholdView):
    BINDINGS = [
        Binding("n", "mark('normal')", t("hh.key.normal")),
        Binding("f", "mark('fever')", t("hh.key.fever")),
        Binding("x", "mark(None)", t("hh.key.clear")),
        Binding("t", "temp", t("hh.key.temp")),
        Binding("escape", "table", t("hh.key.close"), show=False),
        Binding("s", "summary", t("hh.key.summary")),
        FIND,
        Binding("left_square_bracket", "building(-1)", t("hh.key.prev_b"), key_display="[",
                group=BUILDING_KEYS),
        Binding("right_square_bracket", "building(1)", t("hh.key.next_b"), key_display="]",
                group=BUILDING_KEYS),
        Binding("ctrl+left", "day(-1)", t("hh.key.prev_day"), show=False),
        Binding("ctrl+right", "day(1)", t("hh.key.next_day"), show=False),
    ]

    def __init__(self, **kw):
        super().__init__(**kw)
        self.day = clock.today().isoformat()

    def compose(self) -> ComposeResult:
        yield Static("", id="roll-title", classes="hh-line", markup=False)
        yield PagedTable(id="roll-table", cursor_type="row", zebra_stripes=True)
        yield FindBox("#roll-table")
        yield Input(id="roll-temp", placeholder=t("hh.temp_placeholder"), restrict=TEMPERATURE,
                    max_length=5)
        yield Label("", id="err-temp", classes="error")

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        for key in ("door", "head", "status", "colour"):
            table.add_column(t(f"hh.col.{key}"), key=key)

    def find_text(self) -> str:
        return self.query_one(FindBox).text

    def fetch(self, building: int | None, find: str) -> dict | None:
        if building is None:
            return None
        store, day = self.app.store, self.day
        houses = hh.in_building(store, building)
        shown, problem = keep(houses, find)
        return {"building": building, "day": day, "houses": shown, "problem": problem,
                "reports": roll.day_reports(store, day), "current": marks.current(store),
                "total": roll.summary(store, day, houses)["total"]}

    def show(self, got: dict | None) -> None:
        table = self.query_one("#roll-table", PagedTable)
        if got is None:
            table.clear()
            return
        reports, current = got["reports"], got["current"]

        def colour(door: str) -> Text:
            c = current.get(door, {}).get("colour")
            return Text(mark_letter(c), style=MARK_STYLE.get(c, ""))
        self.query_one(FindBox).say(got["problem"])
        table.sync([(h["door"], (h["door"], h["head"], roll_status(reports.get(h["door"]), h["at_home"]),
                                 colour(h["door"]))) for h in got["houses"]])
        self.query_one("#roll-title", Static).update(t("hh.roll_title", day=got["day"],
                                                       building=got["building"], **got["total"]))

    def _door(self) -> str | None:
        return self.query_one("#roll-table", PagedTable).selected_key

    def _record(self, status: str | None, temp: str | None = None,
                then: Callable[[], None] | None = None) -> None:
        """Report ``door`` in a worker; then the cursor is on the next household
        (before the next key: ``n n f`` reports three in a row) and ``then()``."""
        door = self._door()
        if door is None:
            return
        self.query_one("#err-temp", Label).update("")
        app, day = self.app, self.day

        def reported(_) -> None:
            self.reload()
            table = self.query_one(DataTable)
            table.move_cursor(row=table.cursor_row + 1)
            if then is not None:
                then()
        write(self, lambda: roll.report(app.store, app.actor, door, status, temp, day=day), reported,
              lambda exc: self.query_one("#err-temp", Label).update(str(exc)))

    def action_mark(self, status: str | None) -> None:
        self._record(status)

    def action_temp(self) -> None:
        self.query_one("#roll-temp", Input).focus()

    def action_table(self) -> None:
        self.query_one(DataTable).focus()

    @on(Input.Submitted, "#roll-temp")
    def _temp(self, event: Input.Submitted) -> None:
        try:
            value = roll.parse_temp(event.value)
        except DomainError as exc:
            self.query_one("#err-temp", Label).update(str(exc))
            return
        if value is None:
            return
        box = event.input
        self._record("fever" if value >= roll.FEVER_AT else "normal", str(value),
                     then=lambda: setattr(box, "value", ""))

    def action_find(self) -> None:
        self.query_one(FindBox).open()

    @on(FindBox.Changed)
    def _find(self) -> None:
        """A door of another building shows that building's roll (found in the read's worker)."""
        self.reload(follow_find=True)

    def action_summary(self) -> None:
        self.app.push_screen(SummaryScreen(self.day))

    def action_building(self, step: int) -> None:
        self.tab.step_building(step)

    def action_day(self, step: int) -> None:
        day = dt.date.fromisoformat(self.day) + dt.timedelta(days=step)
        if day <= clock.today():
            self.day = day.isoformat()
            self.reload()
