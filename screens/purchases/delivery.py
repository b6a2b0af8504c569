"""Delivery and unpaid view (F9): out, delivered (asks first), settle, per pack."""


from collections.abc import Callable

from textual import on
from textual.binding import Binding
from textual.widgets import DataTable

from console.core import clock
from console.purchases import orders as P
from console.purchases import settlement as D  # delivery and settlement
from screens import export
from screens.widgets.form import Field
from screens.widgets.validation import MONEY
from console.core.i18n import t as _t
from console.purchases.form_values import money, settle_how
from screens.widgets.paged_table import PagedTable
from screens.purchases.view import View, check_money
from screens.widgets.writes import read_newest


class DeliveryView(View):
    TABLE_ID = "del-table"
    COLUMNS = ("no", "door", "person", "paid", "status", "by", "settled")
    BINDINGS = [
        Binding("o", "out", _t("pui.key.out")),
        Binding("d", "delivered", _t("pui.key.delivered")),
        Binding("s", "settle", _t("pui.key.settle")),
        Binding("u", "toggle_all", _t("pui.key.all")),
        export.binding("unpaid"),
    ]
    unpaid_only = True

    def action_export(self, what: str) -> None:
        export.run(self, what)

    def wanted(self) -> tuple:
        return (self.unpaid_only,)

    def load(self, unpaid_only: bool) -> Callable[[], None]:
        if unpaid_only:
            rows = D.unpaid(self.store)
        else:
            today = clock.today().isoformat()
            rows = [r for r in reversed(P.requests(self.store, ("bought", "out", "delivered")))
                    if not r.get("settlement") or r["settlement"]["at"][:10] == today]
        rows = self.found(rows)

        def settled(r):
            s = r.get("settlement")
            if not s:
                return ""
            return _t(f"purchases.settle.{s['how']}") + (f" {s['reason']}" if s.get("reason") else "")
        def cells(r: dict) -> tuple:
            return (r["no"], r["door"], r.get("person", ""), money(r.get("paid_fen")),
                    _t(f"purchases.status.{r['status']}"),
                    (r.get("delivery") or {}).get("by") or (r.get("delivery") or {}).get("out_by", ""),
                    settled(r))
        show = self.paged(rows, cells)
        return show   # the bill line follows when the window arrives (PagedTable.Loaded)

    def _owed(self) -> str:
        owed = D.unpaid(self.store)
        return _t("pui.unpaid_total", n=len(owed),
                  amount=money(sum(r.get("paid_fen") or 0 for r in owed)))

    @on(DataTable.RowHighlighted, "#del-table")
    @on(PagedTable.Loaded, "#del-table")
    def _show_bill(self) -> None:
        """The selected pack's bill (short items marked) over the unpaid total,
        shown as soon as the list is, not only once the cursor moves; read
        in a worker."""
        key, store = self.table.selected_key, self.store

        def read() -> str:
            text = self._owed()
            if key is not None:
                bill = D.bill(P.get_request(store, int(key)))
                lines = "  ".join(f"{ln['item']}{ln['qty']:g}{ln['unit']}"
                                  + (f"[{_t('purchases.short')}]" if ln["short"] else "")
                                  for ln in bill["lines"])
                text = f"{bill['no']} {bill['door']} {money(bill['paid_fen'])}: {lines}\n{text}"
            return text
        read_newest(self, "pur-bill", read, self.status)   # the cursor's newest row's bill

    def action_toggle_all(self) -> None:
        self.unpaid_only = not self.unpaid_only
        self.reload()

    def _with_row(self, then: Callable[[dict], None]) -> None:
        """``then(request)`` with the selected pack's request, read in a worker."""
        key = self.current()
        if key:
            store = self.store
            self.opening(lambda: P.get_request(store, int(key)), then)

    def action_out(self) -> None:
        self._with_row(self._out)

    def _out(self, row: dict) -> None:
        self.form(_t("pui.t.out", no=row["no"], door=row["door"]), [
            Field("by", _t("pui.f.by"), self.actor.name, max_length=20)],
            lambda v: D.send_out(self.store, self.actor, row["id"], v["by"] or None), done=row["no"])

    def action_delivered(self) -> None:
        self._with_row(self._delivered)

    def _delivered(self, row: dict) -> None:
        by = (row.get("delivery") or {}).get("out_by") or self.actor.name
        self.confirm(_t("pui.confirm_delivered", no=row["no"], door=row["door"], by=by),
                     lambda: D.deliver(self.store, self.actor, row["id"], by),
                     done=row["no"])

    def action_settle(self) -> None:
        self._with_row(self._settle)

    def _settle(self, row: dict) -> None:
        self.form(_t("pui.t.settle", no=row["no"], door=row["door"]), [
            Field("how", _t("pui.f.how"), _t("purchases.settle.paid"), check=settle_how, max_length=10),
            Field("amount", _t("pui.f.amount"), money(row.get("paid_fen")), check=check_money,
                  restrict=MONEY, max_length=10),
            Field("reason", _t("pui.f.reason"), max_length=60),
        ], lambda v: D.settle(self.store, self.actor, row["id"], settle_how(v["how"]), v["amount"] or None,
                              v["reason"]), done=row["no"])
