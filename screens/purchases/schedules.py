"""Schedules view (F10): deliveries that repeat (medicine every N days)."""


from collections.abc import Callable

from rich.text import Text
from textual import on
from textual.binding import Binding
from textual.widgets import DataTable

from console.households.registry import doors
from console.purchases import schedules as S
from screens.widgets.form import Field
from screens.widgets.validation import NUMBER
from console.core.i18n import t as _t
from screens.purchases.view import View, check_door, clip


class SchedulesView(View):
    TABLE_ID = "sched-table"
    COLUMNS = ("time", "what", "door", "to", "state", "done")
    BINDINGS = [
        Binding("n", "new", _t("pui.key.new")),
        Binding("d,enter", "done", _t("pui.key.done")),
        Binding("x", "stop", _t("pui.key.stop")),
    ]
    STYLE = {"done": "green", "later": "", "soon": "bold yellow", "overdue": "bold white on red"}
    _due: dict[str, dict] = {}

    def on_mount(self) -> None:   # View.on_mount runs too (Textual calls each class's handler)
        self.set_interval(30, self.reload)      # states change with the clock

    def load(self) -> Callable[[], None]:
        rows = {}
        due = {f"{s['schedule']}|{s['date']}|{s['time']}": s for s in self.found(S.due_list(self.store))}
        for s in due.values():
            state = Text(_t(f"schedules.state.{s['state']}"), style=self.STYLE[s["state"]])
            done = f"{s['done_by']} {s['done_at'][11:16]}" if s["done_by"] else ""
            rows[f"{s['schedule']}|{s['date']}|{s['time']}"] = (
                s["time"], clip(s["what"], 18), s["door"], clip(s["to"], 16), state, done)

        def show() -> None:
            self._due = due
            self.table.sync(list(rows.items()))
            self._show_detail()
        return show

    @on(DataTable.RowHighlighted, "#sched-table")
    def _show_detail(self) -> None:
        """The selected delivery in full: the table cuts long texts."""
        s = self._due.get(self.table.selected_key or "")
        self.status(_t("pui.schedule_detail", time=s["time"], what=s["what"], person=s["person"],
                       door=s["door"], to=s["to"], note=s["note"] or "—") if s else "")

    def action_new(self) -> None:
        store = self.store
        self.opening(lambda: doors(store), self._new)

    def _new(self, houses: dict[str, dict]) -> None:
        self.form(_t("pui.t.schedule"), [
            Field("what", _t("pui.f.what"), max_length=40),
            Field("door", _t("pui.f.door"), placeholder="5-302", check=check_door(houses), max_length=20),
            Field("to", _t("pui.f.to"), max_length=40),
            Field("times", _t("pui.f.times"), "11:30 17:20", max_length=40),
            Field("every", _t("pui.f.every"), "1", check=S.parse_every, restrict=NUMBER,
                  max_length=3),
            Field("note", _t("pui.f.note"), max_length=60),
        ], lambda v: S.add_schedule(self.store, self.actor, v["what"], v["door"], v["to"], v["times"],
                                    v["every"], note=v["note"]), done=_t("pui.t.schedule"))

    def action_done(self) -> None:
        key = self.current()
        if key is None:
            return
        sched, day, time = key.split("|")
        what = self._due[key]["what"]
        self.form(_t("pui.t.done", time=time, what=what), [
            Field("by", _t("pui.f.by"), self.actor.name, max_length=20)],
            lambda v: S.mark_done(self.store, self.actor, int(sched), day, time, v["by"] or None),
            done=f"{time} {what}")

    def action_stop(self) -> None:
        key = self.current()
        if key is None:
            return
        sched = int(key.split("|")[0])
        what = self._due[key]["what"]
        self.confirm(_t("pui.confirm_stop", what=what),
                     lambda: S.stop_schedule(self.store, self.actor, sched))
