"""Who is inside or out now: the line under the form and the F9 list."""

from __future__ import annotations

import datetime as dt

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import DataTable, Static
from textual.worker import get_current_worker

from console.checkpoint import inside
from console.core import clock, i18n
from screens.widgets.paged_table import PagedTable
from screens.widgets.find_box import FIND, FindBox, keep
from screens.widgets.footer import DeskFooter


def inside_line(store, now: dt.datetime | None = None) -> str:
    """'Inside 4 (1 over) · residents out 10 (1 late)'."""
    now = now or clock.now()
    ins, outs = inside.inside_now(store, now), inside.out_now(store, now)
    return i18n.t("gateui.inside_line", inside=len(ins), over=sum(r["over"] for r in ins),
                  out=len(outs), late=sum(r["late"] for r in outs))


def inside_names(store, now: dt.datetime | None = None, limit: int = 8) -> str:
    """The shift screen's lines: who is inside (⚠ overstaying), who is out (⚠ late)."""
    now = now or clock.now()
    ins = [f"{r['name'] or r['org']}({_hm(r['since'], now)}){'⚠' if r['over'] else ''}"
           for r in inside.inside_now(store, now)]
    outs = [f"{r['door']} {r['name']}→{_hm(r['due'], now) or '?'}{'⚠' if r['late'] else ''}"
            for r in inside.out_now(store, now)]
    return "\n".join([inside_line(store, now),
                      i18n.t("gateui.names_inside", names="、".join(ins[:limit]) or "—"),
                      i18n.t("gateui.names_out", names="、".join(outs[:limit]) or "—")])


def _hm(when: dt.datetime | None, now: dt.datetime) -> str:
    if when is None:
        return ""
    return when.strftime("%H:%M") if when.date() == now.date() else when.strftime("%m-%d %H:%M")


class InsideScreen(ModalScreen[None]):
    """Outsiders inside now (overstaying in red) and residents out now."""

    BINDINGS = [Binding("escape", "dismiss(None)", i18n.t("gateui.key.close")), FIND]

    def compose(self) -> ComposeResult:
        with Vertical(classes="modal-card"):
            yield Static("", id="inside-title", classes="title")
            yield PagedTable(id="inside", cursor_type="row", zebra_stripes=True)
            yield Static(i18n.t("gateui.out_title"), classes="title")
            yield PagedTable(id="out", cursor_type="row", zebra_stripes=True)
            yield FindBox("#inside")
        yield DeskFooter()

    def on_mount(self) -> None:
        for table_id, cols in (("#inside", ("who", "since", "stay")),
                               ("#out", ("door", "who", "since", "due", "via"))):
            table = self.query_one(table_id, DataTable)
            for key in cols:
                table.add_column(i18n.t(f"gateui.col.{key}"), key=key)
        self.show()
        self.query_one("#inside", DataTable).focus()

    def action_find(self) -> None:
        self.query_one(FindBox).open()

    @on(FindBox.Changed)
    def show(self) -> None:
        """Both lists, kept to what the find box finds (a door: the residents
        out), read in a worker."""
        self._read(self.query_one(FindBox).text)

    @work(thread=True, exclusive=True, group="inside")
    def _read(self, text: str) -> None:
        store, now = self.app.store, clock.now()
        hours = inside.limit(store).total_seconds() / 3600
        ins, outs = inside.inside_now(store, now), inside.out_now(store, now)
        found, problem = keep(ins + outs, text, who=("name", "org"))
        kept = {id(r) for r in found}
        in_rows = [(f"in{i}", _inside_cells(r, now)) for i, r in enumerate(ins) if id(r) in kept]
        out_rows = [(f"out{i}", _out_cells(r, now)) for i, r in enumerate(outs) if id(r) in kept]
        # Enter goes back to the list that kept someone: a door finds the residents out
        target = "#out" if not in_rows and outs else "#inside"
        if not get_current_worker().is_cancelled:
            self.app.call_from_thread(self._show, hours, in_rows, out_rows, problem, target)

    def _show(self, hours: float, in_rows: list, out_rows: list, problem: str, target: str) -> None:
        self.query_one("#inside-title", Static).update(
            i18n.t("gateui.inside_title", hours=f"{hours:g}"))
        box = self.query_one(FindBox)
        box.say(problem)
        self.query_one("#inside", PagedTable).sync(in_rows)
        self.query_one("#out", PagedTable).sync(out_rows)
        box.target = target


def _inside_cells(r: dict, now: dt.datetime) -> tuple:
    style = "bold red" if r["over"] else ""
    who = " ".join(p for p in (r["name"], r["org"]) if p)
    return (Text(who, style=style), _hm(r["since"], now),
            Text(f"{r['minutes'] // 60}:{r['minutes'] % 60:02d}", style=style))


def _out_cells(r: dict, now: dt.datetime) -> tuple:
    style = "bold red" if r["late"] else ""
    left = "" if r["due"] is None else i18n.t(
        "gateui.left", minutes=int((r["due"] - now).total_seconds() // 60))
    return (r["door"], r["name"], _hm(r["since"], now),
            Text(f"{_hm(r['due'], now)} {left}".strip(), style=style), i18n.t(f"gateui.via.{r['via']}"))
