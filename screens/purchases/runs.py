"""Runs view (F8): shopping runs, newest first; the combined list and the packs."""


import datetime as dt
from collections.abc import Callable

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import (DataTable, Static)

from console.core import clock
from console.purchases import orders as P
from console.purchases import runs as R
from console.core.i18n import DomainError
from screens.widgets.form import Field
from screens.widgets.validation import MONEY
from screens.widgets.paged_table import PagedTable
from console.core.i18n import t as _t
from console.purchases.form_values import item_numbers, money, parse_day, parse_hhmm, parse_money
from screens.purchases.view import View, clip, items_text
from screens.widgets.writes import read_newest


class RunsView(View):
    TABLE_ID = "runs-table"
    COLUMNS = ("run", "date", "shop", "deadline", "orders", "status")
    BINDINGS = [
        Binding("n", "new_run", _t("pui.key.new_run")),
        Binding("l", "toggle_list", _t("pui.key.list")),
        Binding("a", "paid", _t("pui.key.paid")),
        Binding("b", "bought", _t("pui.key.bought")),
        Binding("c", "close_run", _t("pui.key.close_run")),
        Binding("p", "pdf", _t("pui.key.pdf")),
    ]
    show_list = False

    def compose(self) -> ComposeResult:
        yield PagedTable(id=self.TABLE_ID, cursor_type="row")
        yield Static("", id="run-summary", classes="pur-status", markup=False)
        yield PagedTable(id="run-detail", cursor_type="row", zebra_stripes=True)
        yield Static("", classes="pur-status", markup=False)

    def run_id(self) -> int | None:
        key = self.table.selected_key
        return int(key) if key else None

    def load(self) -> Callable[[], None]:
        runs = R.runs(self.store)[:30]
        rows = {str(r["id"]): (
            R.run_label(r), r["date"], r["shop"], r["deadline"][5:16].replace("T", " "),
            str(len(r["requests"])), _t(f"purchases.run.{r['status']}")) for r in runs}
        return lambda: (self.table.sync(list(rows.items())), self.reload_detail())

    @on(DataTable.RowHighlighted, "#runs-table")
    def _run_changed(self) -> None:
        self.reload_detail()

    def reload_detail(self) -> None:
        """The selected run's packs or shopping list, read in a worker (the
        cursor may have moved on by the time it is read: the newest read shows)."""
        run_id, show_list, store = self.run_id(), self.show_list, self.store
        width = self.room(self.query_one("#run-detail", DataTable), "items")

        def read() -> tuple:
            rows, run, check = {}, None, None
            if run_id is not None:
                run = R.get_run(store, run_id)
                if show_list:
                    rows = {f"{r['item']}|{r['unit']}": (r["item"], f"{r['qty']:g}{r['unit']}",
                                                          str(r["households"]))
                            for r in R.shopping_list(store, run_id)}
                else:
                    rows = {str(p["id"]): (p["no"], p["door"], money(p["paid_fen"]),
                                           ",".join(str(i + 1) for i, ln in enumerate(p["lines"])
                                                    if ln.get("short")),
                                           clip(p["person"], 8), items_text(p["lines"], width))
                            for p in self.found(R.packing_list(store, run_id))}
                check = R.receipt_check(store, run_id)
            return run_id, show_list, run, rows, check
        read_newest(self, "pur-detail", read, lambda read: self._show_detail(*read))

    def _show_detail(self, run_id: int | None, show_list: bool, run: dict | None,
                     rows: dict, check: dict | None) -> None:
        detail = self.query_one("#run-detail", DataTable)
        mode = "list" if show_list else "packs"
        if getattr(self, "_mode", None) != (mode, run_id):
            detail.clear(columns=True)
            cols = (("items", "qty", "homes") if show_list
                    else ("no", "door", "paid", "short", "person", "items"))
            for c in cols:
                detail.add_column(_t(f"pui.col.{c}"), key=c)
            self._mode = (mode, run_id)
        if run is None:
            self.query_one("#run-summary", Static).update("")
            return
        detail.sync(list(rows.items()))
        self.query_one("#run-summary", Static).update(
            _t("pui.run_summary", no=R.run_label(run), date=run["date"], shop=run["shop"],
               status=_t(f"purchases.run.{run['status']}"), n=len(run["requests"]),
               deadline=run["deadline"][5:16].replace("T", " ")) + "  ·  " +
            _t("pui.showing_list" if show_list else "pui.showing_packs"))
        self.status(_t("pui.sum_info", sum=money(check["sum_fen"]), n=len(check["missing"])))

    def action_toggle_list(self) -> None:
        self.show_list = not self.show_list
        self.reload_detail()

    def action_new_run(self) -> None:
        store = self.store
        self.opening(lambda: R.last_shop(store), self._new_run)

    def _new_run(self, shop: str) -> None:
        tomorrow = (clock.today() + dt.timedelta(days=1)).isoformat()
        self.form(_t("pui.t.run"), [
            Field("date", _t("pui.f.date"), tomorrow, check=parse_day, max_length=10),
            Field("shop", _t("pui.f.shop"), shop, max_length=30),
            Field("deadline", _t("pui.f.deadline"), "20:00", check=parse_hhmm, max_length=5),
        ], lambda v: R.create_run(self.store, self.actor, v["date"], v["shop"], v["deadline"]),
            done=_t("pui.t.run"))

    def action_paid(self) -> None:
        detail = self.query_one("#run-detail", DataTable)
        key = None if self.show_list else detail.selected_key
        if key is None:
            self.app.notify(_t("pui.pick_row"), severity="warning")
            detail.focus()
            return
        store = self.store
        self.opening(lambda: P.get_request(store, int(key)), self._paid)

    def _paid(self, row: dict) -> None:
        info = "\n".join(f"{i}. {ln['item']} {ln['qty']:g}{ln['unit']}"
                         + (f" ({ln['note']})" if ln.get("note") else "")
                         for i, ln in enumerate(row["lines"], start=1))
        short = ",".join(str(i + 1) for i, ln in enumerate(row["lines"]) if ln.get("short"))

        def save(v):
            return R.record_paid(self.store, self.actor, row["id"], v["amount"], item_numbers(v["short"]))
        self.form(_t("pui.t.paid", no=row["no"], door=row["door"]), [
            Field("amount", _t("pui.f.amount"), money(row.get("paid_fen")), check=parse_money,
                  restrict=MONEY, max_length=10),
            Field("short", _t("pui.f.short"), short, _t("pui.ph.short"), check=item_numbers,
                  max_length=40),
        ], save, info)

    def action_bought(self) -> None:
        run_id = self.run_id()
        if run_id is None:
            return
        store = self.store
        self.opening(lambda: (R.get_run(store, run_id), R.receipt_check(store, run_id)),
                     lambda read: self._bought(run_id, *read))

    def _bought(self, run_id: int, run: dict, check: dict) -> None:
        self.form(_t("pui.t.bought", no=R.run_label(run)), [
            Field("receipt", _t("pui.f.receipt"), check=parse_money, restrict=MONEY,
                  max_length=12)],
            lambda v: R.mark_bought(self.store, self.actor, run_id, v["receipt"]),
            _t("pui.sum_info", sum=money(check["sum_fen"]), n=len(check["missing"])),
            done=R.run_label(run))

    def action_close_run(self) -> None:
        run_id = self.run_id()
        if run_id is None:
            return
        store = self.store
        self.opening(lambda: R.get_run(store, run_id), lambda run: self.confirm(
            _t("pui.confirm_close", no=R.run_label(run)),
            lambda: R.close_run(self.store, self.actor, run_id)))

    def action_pdf(self) -> None:
        run_id = self.run_id()
        if run_id is not None:
            self._pdf(run_id)

    @work(thread=True, exclusive=True, group="pdf")
    def _pdf(self, run_id: int) -> None:
        try:
            path = R.run_pdf(self.store, run_id)
        except DomainError as exc:
            self.app.call_from_thread(self.app.notify, str(exc), severity="error", markup=False)
            return
        self.app.call_from_thread(self.app.notify, _t("pui.pdf_done", path=str(path)), markup=False)
