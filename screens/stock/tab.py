"""The Thermometers tab (F4): hand out by door, the ledger, sources, households
still without one, guns out; every change through a FormDialog."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import ContentSwitcher, DataTable, Input, Label, Select, Static
from textual.widgets._select import SelectOverlay

from console.core import clock, i18n
from console.households import registry as households
from console.stock import balances, items
from console.stock import ledger as stock
from console.stock.handouts import handout_sheet
from console.stock.values import due_in, loan_hours, parse_count, parse_qty, parse_yuan, yuan
from console.core.i18n import DomainError
from screens import export
from screens.widgets.confirm import ConfirmScreen
from screens.widgets.form import Field, FormDialog, FormRow
from screens.widgets.find_box import FIND_UNSHOWN, FindBox, keep
from screens.widgets.paged_table import PagedTable
from screens.widgets.validation import NUMBER, DomainCheck, blank_or
from screens.widgets.writes import write
from screens import messages


class StockTab(Vertical):
    """F4: thermometers."""

    DEFAULT_CSS = Path(__file__).with_name("stock.tcss").read_text(encoding="utf-8")
    BINDINGS = [
        Binding("f6", "view('ledger')", i18n.t("stockui.view.ledger"), show=False),
        Binding("f7", "view('sources')", i18n.t("stockui.view.sources"), show=False),
        Binding("f8", "view('missing')", i18n.t("stockui.view.missing"), show=False),
        Binding("f9", "view('guns')", i18n.t("stockui.view.guns"), show=False),
        Binding("ctrl+n", "receive", i18n.t("stockui.key.receive")),
        Binding("ctrl+g", "lend", i18n.t("stockui.key.lend")),
        Binding("ctrl+b", "gun_back", i18n.t("stockui.key.back")),
        Binding("ctrl+y", "write_off", i18n.t("stockui.key.write_off")),
        # Ctrl+F finds in the ledger, the guns and the still-without list, as in every list
        FIND_UNSHOWN,   # (the footer is full at 80 columns: Print would be cut)
        Binding("ctrl+k", "stock_take", i18n.t("stockui.key.stock_take"), show=False,  # leaders:
                priority=True),  # over the door box's own Ctrl+K
        Binding("ctrl+z", "correct", i18n.t("stockui.key.correct"), show=False),  # in Ctrl+P
        Binding("f10", "print_sheet", i18n.t("stockui.key.print")),
        export.binding("handouts"),
    ]

    COLS = {
        "balances": ["item", "balance", "out", "received", "given", "low"],
        "moves": ["no", "time", "item", "kind", "qty", "detail"],
        "sources": ["source", "item", "qty", "cost"],
        "missing": ["door", "head", "members", "home"],
        "guns": ["no", "item", "team", "since", "due", "state"],
    }

    def __init__(self) -> None:
        super().__init__()
        self.pending_door: str | None = None
        self.busy = False
        self.building: int | None = None
        self._buildings: list[int] = []
        self.data: dict | None = None   # the last read; each view drawn from it when shown
        self._drawn: set[str] = set()
        self._handouts: list[tuple[str, str]] = []   # what the item list offers (from the last read)

    def compose(self) -> ComposeResult:
        with Horizontal(id="issue-row"):
            yield Input(id="door", placeholder=i18n.t("stockui.door"), max_length=24,
                        validators=[DomainCheck(households.normalise_door)],
                        validate_on=["changed", "submitted"])
            # the items come with the first read (in a worker); until then "" (the domain's first handout)
            yield Select(self._no_items(), id="item", allow_blank=False)
            yield Select([(i18n.t(f"stock.reason.{r}"), r) for r in stock.REASONS], id="reason",
                         prompt=i18n.t("stockui.reason_none"))
        yield Label("", id="door-msg")
        yield Static(i18n.t("stockui.views"), id="views")
        with ContentSwitcher(initial="v-ledger", id="stock-views"):
            with Vertical(id="v-ledger"):
                yield Static("", id="low-line", markup=False)
                yield PagedTable(id="balances", cursor_type="row")
                yield PagedTable(id="moves", cursor_type="row", follow_top=True)
            with Vertical(id="v-sources"):
                yield Static("", id="sources-total", markup=False)
                yield PagedTable(id="sources", cursor_type="row")
            with Vertical(id="v-missing"):
                with FormRow():
                    yield Select([], id="building", prompt=i18n.t("stockui.building"))
                    yield Static("", id="missing-total", markup=False)
                yield PagedTable(id="missing", cursor_type="row")
            with Vertical(id="v-guns"):
                yield PagedTable(id="guns", cursor_type="row")
        yield FindBox("#moves")

    def on_mount(self) -> None:
        for table_id, cols in self.COLS.items():
            table = self.query_one(f"#{table_id}", DataTable)
            for col in cols:
                table.add_column(i18n.t(f"stockui.col.{col}"), key=col)
        self.reload()
        messages.watch(self, lambda: [(stock.MOVES, None), ("settings", None), ("households", None)])

    def on_store_changed(self, event: messages.StoreChanged) -> None:
        self.reload()

    def on_show(self) -> None:
        """Arriving on the tab (F4), the cursor waits in the door box."""
        self.query_one("#door", Input).focus()

    # -- data --
    @work(thread=True, exclusive=True, group="stock-load")
    def reload(self) -> None:
        """Read everything in a worker; only the view on screen is drawn (the
        others when they are shown), and the ledger only the rows in sight."""
        store = self.app.store
        moves = balances.movements(store)
        numbers = sorted(b["number"] for b in store.table("buildings").all())
        building = self.building if self.building in numbers else (numbers[0] if numbers else None)
        data = {
            "moves": moves,
            "by_no": {m["no"]: m for m in moves},
            "balances": balances.balances(store, moves),
            "sources": balances.sources(store, moves),
            "loans": balances.loans(store, clock.now(), moves),
            "buildings": numbers, "building": building,
            "missing": balances.without_thermometer(store, building).get(building, [])
            if building is not None else [],
            "names": items.item_map(store),
        }
        data["handouts"] = _item_options(data["names"].values(), "handout")
        self.app.call_from_thread(self._show, data)

    def _show(self, data: dict) -> None:
        if not self.query("#balances"):
            return  # a load that finishes while the tab is composed or taken down
        self.data, self._drawn = data, set()
        if data["building"] != self.building or data["buildings"] != self._buildings:
            self._buildings, self.building = data["buildings"], data["building"]
            select = self.query_one("#building", Select)
            with select.prevent(Select.Changed):
                select.set_options([(f"{n} {i18n.t('stockui.building')}", n) for n in self._buildings])
                if self.building is not None:
                    select.value = self.building
        if data["handouts"] != self._handouts:
            self._set_handouts(data["handouts"])
        self._draw(self.query_one(ContentSwitcher).current or "v-ledger")

    @staticmethod
    def _no_items() -> list[tuple[str, str]]:
        return [(i18n.t("stockui.f.item"), "")]

    def _set_handouts(self, handouts: list[tuple[str, str]]) -> None:
        """The items Enter hands out, as the last read found them; the one
        picked stays picked, else the first (the domain's default)."""
        self._handouts = handouts
        select = self.query_one("#item", Select)
        picked = select.value
        with select.prevent(Select.Changed):
            select.set_options(handouts or self._no_items())
            if any(key == picked for _, key in handouts):
                select.value = picked

    def _item_label(self, key: str) -> str:
        return items.item_name(self.data["names"].get(key, key))

    #: what the find box looks in, per view: the list, its table, the name fields
    FINDS = {"v-ledger": ("moves", "#moves", ("team",)), "v-guns": ("loans", "#guns", ("team",)),
             "v-missing": ("missing", "#missing", ("head",))}

    def action_find(self) -> None:
        view = self.query_one(ContentSwitcher).current or "v-ledger"
        box = self.query_one(FindBox)
        box.target = self.FINDS.get(view, ("", "#moves"))[1]
        box.open()

    @on(FindBox.Changed)
    def _find(self) -> None:
        self._drawn = set()
        self._draw(self.query_one(ContentSwitcher).current or "v-ledger")

    def _draw(self, view: str) -> None:
        """Draw ``view`` from the last read, once per read (and per find text)."""
        if view in self._drawn or self.data is None:
            return
        self._drawn.add(view)
        data, name = self.data, self._item_label
        if view in self.FINDS:
            what, _, who = self.FINDS[view]
            box = self.query_one(FindBox)
            rows, problem = keep(data[what], box.text, who=who)
            box.say(problem)
            data = {**data, what: rows}
        if view == "v-ledger":
            bal = data["balances"]
            self.query_one("#balances", DataTable).sync(list({
                b["item"]: (b["name"], b["balance"], b["out"], b["received"], b["given"],
                            f"{b['low']} {i18n.t('stockui.low')}" if b["is_low"] else str(b["low"]))
                for b in bal}.items()))
            self.query_one("#low-line", Static).update("  ".join(
                i18n.t("stockui.low_line", item=b["name"], balance=b["balance"], low=b["low"])
                for b in bal if b["is_low"]))
            self._page("#moves", data["moves"][::-1], lambda m: (   # newest first
                m["no"], _when(m["at"]), name(m["item"]), i18n.t(f"stock.kind.{m['kind']}"),
                m["delta"], _detail(m)))
        elif view == "v-sources":
            src = data["sources"]
            self.query_one("#sources", DataTable).sync(list({
                f"{s['source']}|{s['item']}": (s["source"], name(s["item"]), s["qty"], yuan(s["cost_fen"]))
                for s in src}.items()))
            self.query_one("#sources-total", Static).update(i18n.t(
                "stockui.sources_total", n=len({s["source"] for s in src}), qty=sum(s["qty"] for s in src),
                cost=yuan(sum(s["cost_fen"] for s in src))))
        elif view == "v-missing":
            self._show_missing(data["missing"])
        elif view == "v-guns":
            self._page("#guns", data["loans"], lambda m: (
                m["no"], name(m["item"]), m["team"], _when(m["at"]), _when(m["due"]),
                i18n.t("stockui.overdue" if m["overdue"] else "stockui.ok")))

    def _page(self, table_id: str, rows: list[dict], cells: Callable[[dict], tuple]) -> None:
        """A long list (10,000 moves at 10×): the table fetches the window it
        shows, and only those rows become cells."""
        table = self.query_one(table_id, PagedTable)

        def window(start: int, count: int) -> tuple[int, list]:
            return len(rows), [(str(m["no"]), cells(m)) for m in rows[start:start + count]]
        table.fetch = window
        table.reload()

    def _show_missing(self, rows: list[dict]) -> None:
        self.query_one("#missing", DataTable).sync(list({
            r["door"]: (r["door"], r["head"] or "", r["members"] or "",
                        i18n.t("yes") if r["at_home"] else i18n.t("stock.away"))
            for r in rows}.items()))
        if self.building is not None:
            self.query_one("#missing-total", Static).update(i18n.t(
                "stockui.missing_total", building=self.building, n=len(rows),
                away=sum(not r["at_home"] for r in rows)))

    @on(Select.Changed, "#building")
    def _building(self, event: Select.Changed) -> None:
        if isinstance(event.value, int) and event.value != self.building:
            self.building = event.value
            self.reload()

    # -- handing out at the desk --
    def _say(self, text: str, error: bool = False) -> None:
        label = self.query_one("#door-msg", Label)
        label.update(text)
        label.set_class(error, "error")
        label.set_class(not error, "ok")

    @on(Input.Submitted, "#door")
    def _door_entered(self, event: Input.Submitted) -> None:
        if event.validation_result and not event.validation_result.is_valid:
            self._say(i18n.t("households.bad_door", text=event.value), error=True)
            return
        self._issue(event.value)

    @on(Select.Changed, "#reason")
    def _reason_picked(self, event: Select.Changed) -> None:
        """A second thermometer for a household: asks first (y), so Enter pressed
        twice on a door never hands out a replacement by itself."""
        door = self.query_one("#door", Input).value
        if not (self.pending_door and self.pending_door == door and event.value in stock.REASONS):
            return
        pending = self.pending_door

        def done(yes: bool) -> None:
            if yes:
                self._issue(pending)
            else:
                self.query_one("#reason", Select).clear()
                self.query_one("#door", Input).focus()
        self.app.push_screen(ConfirmScreen(i18n.t(
            "stockui.replace_title", door=pending, reason=i18n.t(f"stock.reason.{event.value}"))), done)

    def _issue(self, door_text: str) -> None:
        """Hand out in a worker (a big ledger takes a moment to lock and write);
        a second Enter while it runs is ignored, so one Enter is one handout."""
        if self.busy:
            return
        self.busy = True
        reason = self.query_one("#reason", Select).value
        self.app.keys.wait_for(self._issue_worker(  # the next door waits for the cleared box
            door_text, self.query_one("#item", Select).value or None,   # None: before the first read
            reason if reason in stock.REASONS else None))

    @work(thread=True, group="stock-issue")
    def _issue_worker(self, door_text: str, item: str | None, reason: str | None) -> None:
        store, actor = self.app.store, self.app.actor
        try:
            house = households.find(store, door_text)
            doc = stock.issue(store, actor, house["door"], item=item, reason=reason)
            balance = next(b["balance"] for b in balances.balances(store) if b["item"] == doc["item"])
            name = items.item_name(items.item_map(store).get(doc["item"], doc["item"]))
        except DomainError as exc:
            self.app.call_from_thread(self._refused, door_text, exc)
            return
        self.app.call_from_thread(self._issued, house, doc, balance, name)

    def _refused(self, door_text: str, exc: DomainError) -> None:
        self.busy = False
        self._say(str(exc) + ("  " + i18n.t("stockui.pick_reason") if exc.field == "reason" else ""),
                  error=True)
        if exc.field == "reason":
            self.pending_door = door_text
            select = self.query_one("#reason", Select)
            select.focus()
            select.expanded = True
            # highlight "broken": Enter picks it, ↓ Enter picks "lost"
            self.call_after_refresh(self._highlight_first_reason)
        else:
            self.query_one("#door", Input).focus()

    def _issued(self, house: dict, doc: dict, balance: int, name: str) -> None:
        self.busy = False
        if doc["replacement"]:
            text = i18n.t("stockui.replaced", reason=i18n.t(f"stock.reason.{doc['reason']}"),
                          door=doc["door"], head=house.get("head") or "", item=name, balance=balance)
        else:
            text = i18n.t("stockui.issued", door=doc["door"], head=house.get("head") or "",
                          item=name, qty=doc["qty"], balance=balance)
        self._say(text)
        self.pending_door = None
        self.query_one("#reason", Select).clear()
        door = self.query_one("#door", Input)
        door.value = ""
        door.focus()
        self.reload()

    def _highlight_first_reason(self) -> None:
        overlay = self.query_one("#reason", Select).query_one(SelectOverlay)
        overlay.highlighted = 1 if overlay.option_count > 1 else 0

    # -- views and forms --
    def action_view(self, name: str) -> None:
        switcher = self.query_one(ContentSwitcher)
        left = self.query_one(f"#{switcher.current}") if switcher.current else None
        switcher.current = f"v-{name}"
        self._draw(f"v-{name}")
        if name != "ledger":
            self.query_one(f"#{name}", DataTable).focus()
        elif left is not None and self.app.focused in left.query("*"):
            self.query_one("#door", Input).focus()   # back from a list: the door box, not nowhere

    def _form(self, title: str, fields: list[Field], save: Callable[[dict], str],
              help_text: str = "") -> None:
        def done(result: str | None) -> None:
            if result:
                self.app.notify(result, markup=False)
                self.reload()
        self.app.push_screen(FormDialog(title, fields, save, help_text), done)

    def _with_items(self, kind: str | None, form: Callable[[list[tuple[str, str]]], None]) -> None:
        """``form(options)`` with the items of ``kind`` read in a worker (a
        busy store never stops the screen); the keys typed after the form's
        key wait for the form and land in it."""
        store = self.app.store
        write(self, lambda: _item_options(items.items(store), kind), form, group="stock-read")

    def _done(self, doc: dict) -> str:
        return i18n.t("stockui.done", no=doc["no"])

    def action_receive(self) -> None:
        self._with_items(None, self._receive)

    def _receive(self, options: list[tuple[str, str]]) -> None:
        store, actor = self.app.store, self.app.actor
        self._form(i18n.t("stockui.t.receive"), [
            Field("item", i18n.t("stockui.f.item"), options=options),
            Field("qty", i18n.t("stockui.f.qty"), restrict=NUMBER, check=parse_qty),
            Field("source", i18n.t("stockui.f.source")),
            Field("cost", i18n.t("stockui.f.cost"), value="0", restrict=NUMBER, check=parse_yuan),
            Field("date", i18n.t("stockui.f.date"), value=clock.today().isoformat(), restrict=r"[0-9-]*"),
        ], lambda v: self._done(stock.receive(store, actor, v["item"], v["qty"], v["source"],
                                              v["cost"], v["date"])))

    def action_lend(self) -> None:
        self._with_items("loan", self._lend)

    def _lend(self, options: list[tuple[str, str]]) -> None:
        store, actor = self.app.store, self.app.actor
        self._form(i18n.t("stockui.t.lend"), [
            Field("item", i18n.t("stockui.f.item"), options=options),
            Field("team", i18n.t("stockui.f.team")),
            Field("hours", i18n.t("stockui.f.hours"), value="8", restrict=NUMBER,
                  check=loan_hours),
        ], lambda v: self._done(stock.lend(store, actor, v["item"], v["team"], due_in(v["hours"]))))

    def action_gun_back(self) -> None:
        """The guns out are read in a worker; the form opens with them."""
        store = self.app.store
        selected = self._selected("#guns") if self.query_one(ContentSwitcher).current == "v-guns" else None

        def read() -> list[tuple[str, int]]:
            names = items.item_map(store)
            return [(f"{m['team']} · {items.item_name(names.get(m['item'], m['item']))} · "
                     f"{_when(m['at'])} → {_when(m['due'])}", m["no"]) for m in balances.loans(store)]
        write(self, read, lambda options: self._gun_back(options, selected), group="stock-read")

    def _gun_back(self, options: list[tuple[str, int]], selected: str | None) -> None:
        if not options:
            self._say(i18n.t("stockui.no_guns_out"), error=True)
            return
        store, actor = self.app.store, self.app.actor

        def save(v: dict) -> str:
            if v["loan"] == "":
                raise DomainError("stockui.pick_loan", field="loan")
            return self._done(stock.give_back(store, actor, loan=v["loan"], outcome=v["outcome"],
                                              note=v["note"]))

        self._form(i18n.t("stockui.t.back"), [
            Field("loan", i18n.t("stockui.f.loan"), options=options,  # picked, never a default gun
                  value=int(selected) if selected and int(selected) in {o[1] for o in options} else "",
                  blank=True),
            Field("outcome", i18n.t("stockui.f.outcome"),
                  options=[(i18n.t(f"stock.kind.{k}"), k) for k in ("return", "broken", "lost")]),
            Field("note", i18n.t("stockui.f.note")),
        ], save)

    def action_write_off(self) -> None:
        self._with_items(None, self._write_off)

    def _write_off(self, options: list[tuple[str, str]]) -> None:
        store, actor = self.app.store, self.app.actor
        self._form(i18n.t("stockui.t.write_off"), [
            Field("item", i18n.t("stockui.f.item"), options=options),
            Field("qty", i18n.t("stockui.f.qty"), value="1", restrict=NUMBER,
                  check=parse_qty),
            Field("kind", i18n.t("stockui.f.kind"),
                  options=[(i18n.t(f"stock.kind.{k}"), k) for k in ("broken", "lost")]),
            Field("note", i18n.t("stockui.f.note")),
        ], lambda v: self._done(stock.write_off(store, actor, v["item"], v["qty"], v["kind"], v["note"])))

    def action_stock_take(self) -> None:
        self._with_items(None, self._stock_take)

    def _stock_take(self, options: list[tuple[str, str]]) -> None:
        store, actor = self.app.store, self.app.actor

        def save(v: dict) -> str:
            out = []
            if v["low"].strip():
                items.set_low(store, actor, v["item"], v["low"])
                out.append(i18n.t("stockui.low_saved"))
            if v["counted"].strip() or not out:
                out.append(self._done(stock.stock_take(store, actor, v["item"], v["counted"], v["reason"])))
            return " ".join(out)

        self._form(i18n.t("stockui.t.stock_take"), [
            Field("item", i18n.t("stockui.f.item"), options=options),
            # no restrict: a letter typed here is shown and refused, never dropped unseen
            Field("counted", i18n.t("stockui.f.counted"), check=blank_or(parse_count)),  # blank: the level only
            Field("reason", i18n.t("stockui.f.reason")),
            Field("low", i18n.t("stockui.f.low"), restrict=NUMBER, check=blank_or(items.parse_low)),
        ], save)

    def action_correct(self) -> None:
        self.action_view("ledger")
        key = self._selected("#moves")
        m = self.data["by_no"].get(int(key)) if key and self.data else None
        if m is None:
            self._say(i18n.t("stockui.nothing_selected"), error=True)
            return
        store, actor = self.app.store, self.app.actor
        kind = i18n.t("stock.kind." + m["kind"])
        what = f"{kind} {m['delta']:+d} {_detail(m)}"
        self._form(i18n.t("stockui.t.correct", no=m["no"], what=what), [
            Field("reason", i18n.t("stockui.f.reason")),
        ], lambda v: self._done(stock.reverse(store, actor, m["no"], v["reason"])),
            i18n.t("stockui.correct_help"))

    def _selected(self, table_id: str) -> str | None:
        return self.query_one(table_id, PagedTable).selected_key

    def action_export(self, what: str) -> None:
        export.run(self, what)

    def action_print_sheet(self) -> None:
        self.action_view("missing")
        if self.building is not None:
            self._print(self.building)

    @work(thread=True, exclusive=True, group="stock-print")
    def _print(self, building: int) -> None:
        try:
            path = handout_sheet(self.app.store, building)
        except DomainError as exc:
            self.app.call_from_thread(self.app.notify, str(exc), severity="error", markup=False)
            return
        self.app.call_from_thread(self.app.notify, i18n.t("stockui.printed", path=path),
                                  markup=False, timeout=15)


def _item_options(known, kind: str | None = None) -> list[tuple[str, str]]:
    """(label, key) of each of the ``known`` items (:func:`items.items`) of ``kind`` (any: None)."""
    return [(items.item_name(i), i["key"]) for i in known if kind is None or i.get("kind") == kind]


def _when(stamp: str) -> str:
    """'12-02 08:00' from an ISO time."""
    return stamp[5:16].replace("T", " ")


def _detail(m: dict) -> str:
    kind = m["kind"]
    if kind == "receive":
        return f"{m['source']} ¥{yuan(m['cost_fen'])}"
    if kind == "issue":
        rep = f" {i18n.t('stock.replacement')}:{i18n.t('stock.reason.' + m['reason'])}" \
            if m.get("replacement") else ""
        return f"{m['door']}{rep}"
    if kind == "lend":
        return f"{m['team']} → {m['due'][5:16].replace('T', ' ')}"
    if kind == "adjust":
        return f"{m['expected']}→{m['counted']} {m['reason']}"
    if kind == "reverse":
        return f"#{m['reverses']} {m['reason']}"
    return " ".join(str(x) for x in (f"#{m['loan']}" if m.get("loan") else "", m.get("team", ""),
                                      m.get("note", "")) if x)
