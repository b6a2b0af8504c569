"""Catalogue view (F7): bundles, prices seen at shops, specials."""


import datetime as dt
from collections.abc import Callable

from textual.binding import Binding

from console.core import clock
from console.purchases import catalogue as C
from console.purchases import runs as R
from console.purchases.form_values import money, parse_day, parse_money
from screens.widgets.form import Field
from console.core.i18n import t as _t
from screens.purchases.view import View


class CatalogueView(View):
    TABLE_ID = "cat-table"
    COLUMNS = ("kind", "name", "price", "where", "until")
    BINDINGS = [
        Binding("b", "bundle", _t("pui.key.bundle")),
        Binding("p", "price", _t("pui.key.price")),
        Binding("s", "special", _t("pui.key.special")),
        Binding("delete,x", "remove", _t("pui.key.remove")),
    ]

    def load(self) -> Callable[[], None]:
        today = clock.today().isoformat()
        rows = {}
        for r in C.catalogue(self.store):
            if r["kind"] == "special" and r["ends"] < today:
                continue
            if r["kind"] == "item":
                shop, seen = min(r["prices"].items(), key=lambda kv: kv[1]["price_fen"])
                price, where, until = (f"{money(seen['price_fen'])}/{r['unit']}",
                                       f"{shop} ({seen['seen'][5:]})", "")
            else:
                price = f"{money(r['price_fen'])}/{r['unit']}"
                where = r.get("supplier") or r.get("shop", "")
                until = r.get("ends", "")
            rows[str(r["id"])] = (_t(f"pui.kind.{r['kind']}"), r["name"], price, where, until)
        return lambda: self.table.sync(list(rows.items()))

    def action_bundle(self) -> None:
        self.form(_t("pui.t.bundle"), [
            Field("name", _t("pui.f.name"), "35元爱心蔬菜包", max_length=30),
            Field("price", _t("pui.f.price"), "35", check=parse_money, max_length=10),
            Field("supplier", _t("pui.f.supplier"), max_length=40),
            Field("contents", _t("pui.f.contents"), max_length=100),
        ], lambda v: C.add_bundle(self.store, self.actor, v["name"], v["price"], v["supplier"],
                                  v["contents"]), done=_t("pui.t.bundle"))

    def action_price(self) -> None:
        store = self.store
        self.opening(lambda: R.last_shop(store), self._price)

    def _price(self, shop: str) -> None:
        self.form(_t("pui.t.price"), [
            Field("name", _t("pui.f.name"), max_length=30),
            Field("unit", _t("pui.f.unit"), "斤", max_length=4),
            Field("shop", _t("pui.f.shop"), shop, max_length=30),
            Field("price", _t("pui.f.price"), check=parse_money, max_length=10),
        ], lambda v: C.price_seen(self.store, self.actor, v["name"], v["unit"], v["shop"], v["price"]),
            done=_t("pui.t.price"))

    def action_special(self) -> None:
        store = self.store
        self.opening(lambda: R.last_shop(store), self._special)

    def _special(self, shop: str) -> None:
        ends = (clock.today() + dt.timedelta(days=2)).isoformat()
        self.form(_t("pui.t.special"), [
            Field("name", _t("pui.f.name"), max_length=30),
            Field("unit", _t("pui.f.unit"), "箱", max_length=4),
            Field("price", _t("pui.f.price"), check=parse_money, max_length=10),
            Field("shop", _t("pui.f.shop"), shop, max_length=30),
            Field("ends", _t("pui.f.ends"), ends, check=parse_day, max_length=10),
            Field("note", _t("pui.f.note"), max_length=60),
        ], lambda v: C.add_special(self.store, self.actor, v["name"], v["unit"], v["price"], v["shop"],
                                   v["ends"], v["note"]), done=_t("pui.t.special"))

    def action_remove(self) -> None:
        key = self.current()
        if key is None:
            return
        name = self.table.get_row(key)[1]
        self.confirm(_t("pui.confirm_remove", name=name),
                     lambda: C.remove_catalogue(self.store, self.actor, int(key)))
