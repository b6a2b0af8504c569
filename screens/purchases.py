"""Purchases tab (F3): requests, catalogue, shopping runs, delivery and
unpaid bills, scheduled deliveries — five views switched with 1..5.

Every view is a keyed DataTable updated in place when any session writes the
purchase files; actions are bindings (Footer, command palette) on the view.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable

from rich.cells import cell_len
from rich.text import Text
from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import (DataTable, Footer, Input, Label, Static, TabbedContent, TabPane,
                             TextArea)

from console.core import clock, i18n
from console.purchases import orders as P
from console.purchases import schedules as S
from console.households.registry import find
from console.core.i18n import DomainError
from console.purchases.parser import format_items, parse_items
from screens import export
from screens.confirm import ConfirmScreen
from screens.purchase_forms import CSS, Field, FormScreen
from screens.widgets.paged_table import PagedTable

i18n.add({
    "pui.view.requests": ("代购单", "Requests"),
    "pui.view.catalogue": ("目录", "Catalogue"),
    "pui.view.runs": ("采购批次", "Runs"),
    "pui.view.delivery": ("配送/未付", "Delivery/unpaid"),
    "pui.view.schedules": ("定时配送", "Schedules"),
    "pui.col.no": ("单号", "No."), "pui.col.door": ("门牌", "Door"),
    "pui.col.person": ("联系人", "Person"), "pui.col.items": ("物品", "Items"),
    "pui.col.status": ("状态", "Status"), "pui.col.run": ("批次", "Run"),
    "pui.col.kind": ("类别", "Kind"), "pui.col.name": ("名称", "Name"),
    "pui.col.price": ("价格", "Price"), "pui.col.where": ("商家/供应", "Shop/supplier"),
    "pui.col.until": ("截止", "Until"), "pui.col.date": ("日期", "Date"),
    "pui.col.shop": ("超市", "Shop"), "pui.col.deadline": ("接单截止", "Deadline"),
    "pui.col.orders": ("单数", "Orders"), "pui.col.qty": ("数量", "Qty"),
    "pui.col.homes": ("户数", "Homes"), "pui.col.paid": ("实付", "Paid"),
    "pui.col.short": ("缺货", "Short"), "pui.col.settled": ("结算", "Settled"),
    "pui.col.by": ("送货人", "By"), "pui.col.time": ("时间", "Time"),
    "pui.col.what": ("送什么", "What"), "pui.col.to": ("送到", "To"),
    "pui.col.state": ("状态", "State"), "pui.col.done": ("谁/几点", "Who/when"),
    "pui.kind.bundle": ("菜包", "bundle"), "pui.kind.item": ("常用", "item"),
    "pui.kind.special": ("特价", "special"),
    "pui.key.new": ("新建", "New"), "pui.key.edit": ("填写物品", "Items"),
    "pui.key.import": ("粘贴接龙", "Paste list"), "pui.key.cancel_req": ("取消单", "Cancel order"),
    "pui.key.bundle": ("菜包", "Bundle"), "pui.key.price": ("记价格", "Price seen"),
    "pui.key.special": ("特价", "Special"), "pui.key.remove": ("删除", "Remove"),
    "pui.key.new_run": ("新批次", "New run"), "pui.key.list": ("清单/分装", "List/packs"),
    "pui.key.paid": ("填实付", "Paid"), "pui.key.bought": ("采购完成", "Bought"),
    "pui.key.close_run": ("结束批次", "Close"), "pui.key.pdf": ("打印PDF", "PDF"),
    "pui.key.out": ("送出", "Out"), "pui.key.delivered": ("已送达", "Delivered"),
    "pui.key.settle": ("结算", "Settle"), "pui.key.all": ("全部/未付", "All/unpaid"),
    "pui.key.done": ("已送", "Done"), "pui.key.stop": ("停止", "Stop"),
    "pui.key.check": ("检查", "Check"), "pui.key.do_import": ("导入", "Import"),
    "pui.key.close": ("关闭", "Close"),
    "pui.key.find": ("查找", "Find"),
    "pui.find": ("找：", "Find:"),
    "pui.ph.find": ("门牌（5-302、5栋302）、姓名或拼音，Esc 清除", "door (5-302, 5栋302), name or pinyin; Esc clears"),
    "pui.f.door": ("门牌", "Door"), "pui.f.person": ("联系人", "Person"),
    "pui.f.items": ("物品", "Items"), "pui.f.note": ("备注", "Note"),
    "pui.f.budget": ("预算(元)", "Budget (yuan)"), "pui.f.name": ("名称", "Name"),
    "pui.f.price": ("价格(元)", "Price (yuan)"), "pui.f.supplier": ("供应方", "Supplier"),
    "pui.f.contents": ("内容", "Contents"), "pui.f.unit": ("单位", "Unit"),
    "pui.f.shop": ("超市", "Shop"), "pui.f.ends": ("截止日期", "Ends on"),
    "pui.f.date": ("采购日期", "Shopping day"), "pui.f.deadline": ("前一天截止", "Deadline (eve)"),
    "pui.f.amount": ("实付(元)", "Paid (yuan)"), "pui.f.short": ("缺货第几项", "Short item #s"),
    "pui.f.receipt": ("小票合计", "Receipts total"), "pui.f.by": ("送货人", "Delivered by"),
    "pui.f.how": ("已付/免费/减免", "paid/free/waived"), "pui.f.reason": ("原因", "Reason"),
    "pui.f.what": ("送什么", "What"), "pui.f.to": ("送到哪里", "To"),
    "pui.f.times": ("时间", "Times"), "pui.f.every": ("每几天", "Every N days"),
    "pui.ph.items": ("土豆2斤 牛奶1箱(全脂)", "土豆2斤 牛奶1箱(全脂)"),
    "pui.ph.short": ("如 2,3（没买到的）", "e.g. 2,3 (not bought)"),
    "pui.t.new_request": ("新代购单", "New request"),
    "pui.t.edit_request": ("代购单 {no} · {door} {person}", "Request {no} · {door} {person}"),
    "pui.t.bundle": ("固定价菜包", "Fixed-price bundle"),
    "pui.t.price": ("记录看到的价格", "Price seen at a shop"),
    "pui.t.special": ("特价商品", "Special offer"),
    "pui.t.run": ("新采购批次", "New shopping run"),
    "pui.t.paid": ("{no} · {door} 实付", "{no} · {door}: amount paid"),
    "pui.t.bought": ("批次 {no} 采购完成", "Run {no}: shopping done"),
    "pui.t.settle": ("结算 {no} · {door}", "Settle {no} · {door}"),
    "pui.t.out": ("送出 {no} · {door}", "Out for delivery {no} · {door}"),
    "pui.t.schedule": ("新的定时配送", "New scheduled delivery"),
    "pui.t.done": ("{time} {what} 已送到", "{time} {what} delivered"),
    "pui.t.import": ("粘贴接龙名单（Ctrl+G 检查，Ctrl+S 导入，Esc 关闭）",
                     "Paste a sign-up list (Ctrl+G check, Ctrl+S import, Esc close)"),
    "pui.sum_info": ("各户实付合计 {sum} 元；还差 {n} 户没填。", "Amounts so far: {sum} yuan; {n} packs still missing."),
    "pui.specials": ("特价：{list}", "Specials: {list}"),
    "pui.no_specials": ("目前没有特价。", "No specials running."),
    "pui.pick_row": ("请先选中一行。", "Select a row first."),
    "pui.saved": ("已保存：{what}", "Saved: {what}"),
    "pui.imported": ("已导入 {n} 单；{bad} 行留在框里待修改。",
                     "Imported {n} orders; {bad} lines stay in the box to fix."),
    "pui.check_result": ("能读出 {n} 单；{bad} 行需要修改：", "{n} orders readable; {bad} lines need fixing:"),
    "pui.confirm_cancel": ("取消代购单 {no}（{door}）？", "Cancel request {no} ({door})?"),
    "pui.confirm_delivered": ("{no}（{door}）已由 {by} 送到？送达后不能撤回。",
                              "{no} ({door}) delivered by {by}? This cannot be undone."),
    "pui.confirm_close": ("结束批次 {no}？结束后不能再改。", "Close run {no}? It cannot change afterwards."),
    "pui.confirm_remove": ("从目录删除“{name}”？", "Remove “{name}” from the catalogue?"),
    "pui.confirm_stop": ("停止定时配送“{what}”？", "Stop the scheduled delivery “{what}”?"),
    "pui.pdf_done": ("PDF 已保存：{path}", "PDF saved: {path}"),
    "pui.run_summary": ("{no} {date} {shop} · {status} · {n} 单 · 截止 {deadline}",
                        "{no} {date} {shop} · {status} · {n} orders · deadline {deadline}"),
    "pui.showing_list": ("采购清单（合并数量）", "Shopping list (combined)"),
    "pui.showing_packs": ("分装单（每户一包）", "Packs (one per household)"),
    "pui.schedule_detail": ("{time} {what} · {person}（{door}）→ {to} · 备注：{note}",
                            "{time} {what} · {person} ({door}) → {to} · note: {note}"),
    "pui.unpaid_total": ("未付 {n} 单，共 {amount} 元", "{n} unpaid, {amount} yuan in all"),
    "pui.from_gate": ("卡口转来，待填写", "from the gate: fill in"),
    "pui.bad_short": ("请写物品序号，如 2 或 1,3。", "Write item numbers, e.g. 2 or 1,3."),
    "pui.bad_how": ("请写 已付、免费 或 减免（paid/free/waived）。", "Write paid, free or waived."),
    "pui.bad_every": ("请写 1 到 30 的整数。", "Write a whole number from 1 to 30."),
})

MAX_ROWS = 500


def _t(key: str, **kw) -> str:
    return i18n.t(key, **kw)


def clip(text: str, cells: int) -> str:
    """Cut ``text`` to ``cells`` terminal columns (CJK characters take two)."""
    if cell_len(text) <= cells:
        return text
    while text and cell_len(text) > cells - 1:
        text = text[:-1]
    return text + "…"


def items_text(lines: list[dict], cells: int = 60) -> str:
    return clip(format_items(lines) if lines else "", cells)


def _check_door(store):
    def check(value: str) -> None:
        find(store, value)
    return check


def _check_money(value: str) -> None:
    if value.strip():
        P.parse_money(value)


def _check_items_optional(value: str) -> None:
    if value.strip():
        parse_items(value)


def _short_numbers(value: str) -> list[int]:
    out = []
    for part in value.replace("，", ",").replace("、", ",").replace(" ", ",").split(","):
        if part.strip():
            if not part.strip().isdigit() or int(part) < 1:
                raise DomainError("pui.bad_short", field="short")
            out.append(int(part) - 1)
    return out


HOW = {"paid": "paid", "已付": "paid", "付": "paid", "free": "free", "免费": "free",
       "waived": "waived", "减免": "waived", "免": "waived"}


def _how(value: str) -> str:
    how = HOW.get(value.strip().lower())
    if not how:
        raise DomainError("pui.bad_how", field="how")
    return how


class View(Vertical):
    """One view inside the tab: a keyed table and a status line.

    :meth:`load` reads the store in a worker and returns what to do on the
    event loop (patch the table, which redraws only the changed cells). A
    view that is not on screen only notes that it is stale and loads when
    it is next shown, so another desk's edit reloads one view, not five."""

    TABLE_ID = ""
    COLUMNS: tuple[str, ...] = ()

    def compose(self) -> ComposeResult:
        yield PagedTable(id=self.TABLE_ID, cursor_type="row", zebra_stripes=True)
        yield Static("", classes="pur-status", markup=False)

    def on_mount(self) -> None:
        table = self.table
        for col in self.COLUMNS:
            table.add_column(_t(f"pui.col.{col}"), key=col)
        self._stale = True
        self._loading = self._again = False
        self.reload()

    def on_show(self) -> None:
        if self._stale:
            self.reload()

    def reload(self) -> None:
        if not self.is_on_screen:
            self._stale = True
            return
        self._stale = False
        if self._loading:  # one read at a time; the latest change is read after it
            self._again = True
            return
        self._loading = True
        self._read(*self.wanted())

    def wanted(self) -> tuple:
        """What :meth:`load` needs from the screen, read on the loop."""
        return ()

    def load(self, *wanted) -> Callable[[], None]:  # pragma: no cover - overridden
        """In a worker: read the store, return the update for the loop."""
        return lambda: None

    @work(thread=True, group="pur-view")
    def _read(self, *wanted) -> None:
        show = None
        try:
            show = self.load(*wanted)
        finally:
            self.app.call_from_thread(self._loaded, show)

    def _loaded(self, show: Callable[[], None] | None) -> None:
        self._loading = False
        if show is not None and self.is_attached:
            show()
        if self._again:
            self._again = False
            self.reload()

    @property
    def table(self) -> DataTable:
        return self.query_one(f"#{self.TABLE_ID}", DataTable)

    @property
    def store(self):
        return self.app.store

    @property
    def actor(self):
        return self.app.actor

    def status(self, text: str) -> None:
        """The view's bottom line (the runs view has its run summary above the packs)."""
        self.query(".pur-status").last(Static).update(text)

    def room(self, table: DataTable, column: str, least: int = 34) -> int:
        """Cells left for ``column`` once the other columns are drawn: a wide
        terminal shows more of each order (at least ``least``)."""
        others = sum(c.get_render_width(table) for key, c in table.columns.items() if key != column)
        return max(least, table.size.width - others - 2 * table.cell_padding - 2)   # 2: scrollbar

    def on_resize(self, event: events.Resize) -> None:
        """A wider terminal shows more of each order; being shown again
        (same width) reads nothing."""
        if event.size.width != getattr(self, "_width", None):
            self._width = event.size.width
            self.reload()

    def found(self, rows: list[dict]) -> list[dict]:
        """The rows the tab's find box keeps (a door exactly, a name, a number)."""
        tab = next(a for a in self.ancestors if isinstance(a, PurchasesTab))
        problem = ""
        try:
            rows = P.search(rows, tab.find_text)
        except DomainError as exc:
            problem = str(exc)
        self.app.call_from_thread(tab.find_problem, problem)  # called from the view's worker
        return rows

    def current(self) -> str | None:
        key = self.table.selected_key
        if key is None:
            self.app.notify(_t("pui.pick_row"), severity="warning")
        return key

    def form(self, title: str, fields: list[Field], save, info: str = "", done: str = "") -> None:
        def after(result) -> None:
            if result is not None:
                self.reload()
                if done:
                    self.app.notify(_t("pui.saved", what=done), markup=False)
        self.app.push_screen(FormScreen(title, fields, save, info), after)

    def confirm(self, question: str, action, done: str = "") -> None:
        def after(yes: bool | None) -> None:
            if yes:
                self.attempt(action, done)
        self.app.push_screen(ConfirmScreen(question, enter_is_yes=True), after)

    def attempt(self, action, done: str = "") -> None:
        try:
            action()
        except DomainError as exc:
            self.app.notify(str(exc), severity="error", markup=False)
        else:
            if done:
                self.app.notify(_t("pui.saved", what=done), markup=False)
        self.reload()


# ---------------------------------------------------------------- requests
class RequestsView(View):
    TABLE_ID = "req-table"
    COLUMNS = ("no", "door", "person", "status", "run", "items")
    BINDINGS = [
        Binding("n", "new", _t("pui.key.new")),
        Binding("e,enter", "edit", _t("pui.key.edit")),
        Binding("i", "paste", _t("pui.key.import")),
        Binding("x", "cancel_request", _t("pui.key.cancel_req")),
    ]

    def wanted(self) -> tuple:
        return (self.room(self.table, "items"),)

    def load(self, width: int) -> Callable[[], None]:
        today = clock.today().isoformat()
        rows = [r for r in reversed(P.requests(self.store))
                if r.get("status") in ("new", "in_run") or (r.get("ordered_at") or r.get("_at", ""))[:10] == today]
        rows = self.found(rows)[-MAX_ROWS:]
        runs = {r["id"]: P.run_label(r) for r in P.runs(self.store)}
        cells = {str(r["id"]): (
            r.get("no") or f"#{r['id']}", r["door"], clip(r.get("person", ""), 8),
            _t(f"purchases.status.{r.get('status', 'new')}"), runs.get(r.get("run"), ""),
            items_text(r["lines"], width) or (_t("pui.from_gate") if r.get("source", {}).get("checkpoint")
                                              else "—")) for r in rows}
        specials = P.active_specials(self.store)
        status = (_t("pui.specials", list="；".join(
            f"{s['name']} {P.money(s['price_fen'])}/{s['unit']} ≤{s['ends'][5:]}" for s in specials))
            if specials else _t("pui.no_specials"))
        return lambda: (self.table.sync(list(cells.items())), self.status(status))

    def _fields(self, row: dict | None) -> list[Field]:
        fields = [] if row else [Field("door", _t("pui.f.door"), placeholder="5-302",
                                       check=_check_door(self.store), max_length=20)]
        row = row or {}
        return fields + [
            Field("person", _t("pui.f.person"), row.get("person", ""), max_length=20),
            Field("lines", _t("pui.f.items"), format_items(row.get("lines", [])),
                  _t("pui.ph.items"), check=_check_items_optional, max_length=400),
            Field("note", _t("pui.f.note"), row.get("note", ""), max_length=100),
            Field("budget", _t("pui.f.budget"), P.money(row.get("budget_fen")), check=_check_money,
                  restrict=r"[0-9.¥元]*", max_length=10),
        ]

    def action_new(self) -> None:
        def save(v: dict):
            return P.create_request(self.store, self.actor, v["door"], v["person"], v["lines"],
                                    v["note"], budget=v["budget"] or None)
        self.form(_t("pui.t.new_request"), self._fields(None), save, done=_t("pui.t.new_request"))

    def action_edit(self) -> None:
        key = self.current()
        if key is None:
            return
        row = P.get_request(self.store, int(key))

        def save(v: dict):
            return P.set_lines(self.store, self.actor, row["id"], v["lines"], note=v["note"],
                               budget=v["budget"] or None, person=v["person"])
        title = _t("pui.t.edit_request", no=row.get("no") or f"#{row['id']}", door=row["door"],
                   person=row.get("person", ""))
        specials = P.active_specials(self.store)
        info = _t("pui.specials", list="；".join(
            f"{s['name']} {P.money(s['price_fen'])}/{s['unit']}" for s in specials)) if specials else ""
        self.form(title, self._fields(row), save, info, done=row.get("no") or "")

    def action_paste(self) -> None:
        self.app.push_screen(ImportScreen(), lambda _: self.reload())

    def action_cancel_request(self) -> None:
        key = self.current()
        if key is None:
            return
        row = P.get_request(self.store, int(key))
        self.confirm(_t("pui.confirm_cancel", no=row.get("no") or key, door=row["door"]),
                     lambda: P.cancel_request(self.store, self.actor, row["id"]))


class ImportScreen(ModalScreen):
    """Paste a chat sign-up list; check it; import the readable orders.
    Lines that could not be read stay in the box for fixing."""

    DEFAULT_CSS = CSS
    BINDINGS = [Binding("ctrl+g", "check", _t("pui.key.check"), priority=True),
                Binding("ctrl+s", "import_orders", _t("pui.key.do_import"), priority=True),
                Binding("escape", "close", _t("pui.key.close"))]

    def compose(self) -> ComposeResult:
        with Vertical(classes="pur-import"):
            yield Static(_t("pui.t.import"), classes="pur-title")
            yield TextArea(id="paste", soft_wrap=True)
            yield Label("", id="import-msg")
            with VerticalScroll(id="problems"):   # wrapped: a line and why it cannot be read, in full
                yield Static("", id="problem-lines", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        self.query_one(TextArea).focus()

    def action_check(self) -> None:
        self._parse(self.query_one(TextArea).text)

    @work(thread=True, exclusive=True, group="parse")
    def _parse(self, text: str) -> None:
        from console.purchases.parser import parse_chat  # noqa: PLC0415
        result = parse_chat(text, P.registry(self.app.store))
        self.app.call_from_thread(self._show, result)

    def _show(self, result) -> None:
        self.query_one("#problem-lines", Static).update("\n".join(
            f"{p['line_no']}: {p['raw'].strip()}  ← {p['message']}" for p in result.problems))
        message = _t("pui.check_result", n=len(result.orders), bad=len(result.problems))
        if result.cleaned:
            message += " " + _t("safe_text.removed_lines", lines=", ".join(map(str, result.cleaned)))
        self.query_one("#import-msg", Label).update(message)

    def action_import_orders(self) -> None:
        area = self.query_one(TextArea)
        created, problems = P.parse_and_import(self.app.store, self.app.actor, area.text)
        lines = area.text.splitlines()
        area.text = "\n".join(lines[p["line_no"] - 1] for p in problems)
        self.app.notify(_t("pui.imported", n=len(created), bad=len(problems)), markup=False)
        from console.purchases.parser import ChatResult  # noqa: PLC0415
        renumbered = [{**p, "line_no": i} for i, p in enumerate(problems, start=1)]
        self._show(ChatResult(orders=[], problems=renumbered))
        if not problems:
            self.dismiss(len(created))

    def action_close(self) -> None:
        self.dismiss(None)


# ---------------------------------------------------------------- catalogue
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
        for r in P.catalogue(self.store):
            if r["kind"] == "special" and r["ends"] < today:
                continue
            if r["kind"] == "item":
                shop, seen = min(r["prices"].items(), key=lambda kv: kv[1]["price_fen"])
                price, where, until = (f"{P.money(seen['price_fen'])}/{r['unit']}",
                                       f"{shop} ({seen['seen'][5:]})", "")
            else:
                price = f"{P.money(r['price_fen'])}/{r['unit']}"
                where = r.get("supplier") or r.get("shop", "")
                until = r.get("ends", "")
            rows[str(r["id"])] = (_t(f"pui.kind.{r['kind']}"), r["name"], price, where, until)
        return lambda: self.table.sync(list(rows.items()))

    def action_bundle(self) -> None:
        self.form(_t("pui.t.bundle"), [
            Field("name", _t("pui.f.name"), "35元爱心蔬菜包", max_length=30),
            Field("price", _t("pui.f.price"), "35", check=P.parse_money, max_length=10),
            Field("supplier", _t("pui.f.supplier"), max_length=40),
            Field("contents", _t("pui.f.contents"), max_length=100),
        ], lambda v: P.add_bundle(self.store, self.actor, v["name"], v["price"], v["supplier"],
                                  v["contents"]), done=_t("pui.t.bundle"))

    def action_price(self) -> None:
        self.form(_t("pui.t.price"), [
            Field("name", _t("pui.f.name"), max_length=30),
            Field("unit", _t("pui.f.unit"), "斤", max_length=4),
            Field("shop", _t("pui.f.shop"), self._last_shop(), max_length=30),
            Field("price", _t("pui.f.price"), check=P.parse_money, max_length=10),
        ], lambda v: P.price_seen(self.store, self.actor, v["name"], v["unit"], v["shop"], v["price"]),
            done=_t("pui.t.price"))

    def action_special(self) -> None:
        ends = (clock.today() + dt.timedelta(days=2)).isoformat()
        self.form(_t("pui.t.special"), [
            Field("name", _t("pui.f.name"), max_length=30),
            Field("unit", _t("pui.f.unit"), "箱", max_length=4),
            Field("price", _t("pui.f.price"), check=P.parse_money, max_length=10),
            Field("shop", _t("pui.f.shop"), self._last_shop(), max_length=30),
            Field("ends", _t("pui.f.ends"), ends, check=P.parse_day, max_length=10),
            Field("note", _t("pui.f.note"), max_length=60),
        ], lambda v: P.add_special(self.store, self.actor, v["name"], v["unit"], v["price"], v["shop"],
                                   v["ends"], v["note"]), done=_t("pui.t.special"))

    def _last_shop(self) -> str:
        runs = P.runs(self.store)
        return runs[0]["shop"] if runs else ""

    def action_remove(self) -> None:
        key = self.current()
        if key is None:
            return
        name = self.table.get_row(key)[1]
        self.confirm(_t("pui.confirm_remove", name=name),
                     lambda: P.remove_catalogue(self.store, self.actor, int(key)))


# ---------------------------------------------------------------- runs
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
        runs = P.runs(self.store)[:30]
        rows = {str(r["id"]): (
            P.run_label(r), r["date"], r["shop"], r["deadline"][5:16].replace("T", " "),
            str(len(r["requests"])), _t(f"purchases.run.{r['status']}")) for r in runs}
        return lambda: (self.table.sync(list(rows.items())), self.reload_detail())

    @on(DataTable.RowHighlighted, "#runs-table")
    def _run_changed(self) -> None:
        self.reload_detail()

    def reload_detail(self) -> None:
        """The selected run's packs or shopping list, read in a worker."""
        self._detail = getattr(self, "_detail", 0) + 1
        self._read_detail(self._detail, self.run_id(), self.show_list,
                          self.room(self.query_one("#run-detail", DataTable), "items"))

    @work(thread=True, group="pur-detail")
    def _read_detail(self, ticket: int, run_id: int | None, show_list: bool, width: int) -> None:
        rows, run, check = {}, None, None
        if run_id is not None:
            run = P.get_run(self.store, run_id)
            if show_list:
                rows = {f"{r['item']}|{r['unit']}": (r["item"], f"{r['qty']:g}{r['unit']}",
                                                      str(r["households"]))
                        for r in P.shopping_list(self.store, run_id)}
            else:
                rows = {str(p["id"]): (p["no"], p["door"], P.money(p["paid_fen"]),
                                       ",".join(str(i + 1) for i, ln in enumerate(p["lines"])
                                                if ln.get("short")),
                                       clip(p["person"], 8), items_text(p["lines"], width))
                        for p in self.found(P.packing_list(self.store, run_id))}
            check = P.receipt_check(self.store, run_id)
        self.app.call_from_thread(self._show_detail, ticket, run_id, show_list, run, rows, check)

    def _show_detail(self, ticket: int, run_id: int | None, show_list: bool, run: dict | None,
                     rows: dict, check: dict | None) -> None:
        if ticket != self._detail or not self.is_attached:  # the cursor moved on meanwhile
            return
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
            _t("pui.run_summary", no=P.run_label(run), date=run["date"], shop=run["shop"],
               status=_t(f"purchases.run.{run['status']}"), n=len(run["requests"]),
               deadline=run["deadline"][5:16].replace("T", " ")) + "  ·  " +
            _t("pui.showing_list" if show_list else "pui.showing_packs"))
        self.status(_t("pui.sum_info", sum=P.money(check["sum_fen"]), n=len(check["missing"])))

    def action_toggle_list(self) -> None:
        self.show_list = not self.show_list
        self.reload_detail()

    def action_new_run(self) -> None:
        tomorrow = (clock.today() + dt.timedelta(days=1)).isoformat()
        last = P.runs(self.store)
        self.form(_t("pui.t.run"), [
            Field("date", _t("pui.f.date"), tomorrow, check=P.parse_day, max_length=10),
            Field("shop", _t("pui.f.shop"), last[0]["shop"] if last else "", max_length=30),
            Field("deadline", _t("pui.f.deadline"), "20:00", check=P.parse_hhmm, max_length=5),
        ], lambda v: P.create_run(self.store, self.actor, v["date"], v["shop"], v["deadline"]),
            done=_t("pui.t.run"))

    def action_paid(self) -> None:
        detail = self.query_one("#run-detail", DataTable)
        key = None if self.show_list else detail.selected_key
        if key is None:
            self.app.notify(_t("pui.pick_row"), severity="warning")
            detail.focus()
            return
        row = P.get_request(self.store, int(key))
        info = "\n".join(f"{i}. {ln['item']} {ln['qty']:g}{ln['unit']}"
                         + (f" ({ln['note']})" if ln.get("note") else "")
                         for i, ln in enumerate(row["lines"], start=1))
        short = ",".join(str(i + 1) for i, ln in enumerate(row["lines"]) if ln.get("short"))

        def save(v):
            return P.record_paid(self.store, self.actor, row["id"], v["amount"], _short_numbers(v["short"]))
        self.form(_t("pui.t.paid", no=row["no"], door=row["door"]), [
            Field("amount", _t("pui.f.amount"), P.money(row.get("paid_fen")), check=P.parse_money,
                  restrict=r"[0-9.¥元]*", max_length=10),
            Field("short", _t("pui.f.short"), short, _t("pui.ph.short"), check=_short_numbers,
                  max_length=40),
        ], save, info)

    def action_bought(self) -> None:
        run_id = self.run_id()
        if run_id is None:
            return
        run = P.get_run(self.store, run_id)
        check = P.receipt_check(self.store, run_id)
        self.form(_t("pui.t.bought", no=P.run_label(run)), [
            Field("receipt", _t("pui.f.receipt"), check=P.parse_money, restrict=r"[0-9.¥元]*",
                  max_length=12)],
            lambda v: P.mark_bought(self.store, self.actor, run_id, v["receipt"]),
            _t("pui.sum_info", sum=P.money(check["sum_fen"]), n=len(check["missing"])),
            done=P.run_label(run))

    def action_close_run(self) -> None:
        run_id = self.run_id()
        if run_id is None:
            return
        run = P.get_run(self.store, run_id)
        self.confirm(_t("pui.confirm_close", no=P.run_label(run)),
                     lambda: P.close_run(self.store, self.actor, run_id))

    def action_pdf(self) -> None:
        run_id = self.run_id()
        if run_id is not None:
            self._pdf(run_id)

    @work(thread=True, exclusive=True, group="pdf")
    def _pdf(self, run_id: int) -> None:
        try:
            path = P.run_pdf(self.store, run_id)
        except DomainError as exc:
            self.app.call_from_thread(self.app.notify, str(exc), severity="error", markup=False)
            return
        self.app.call_from_thread(self.app.notify, _t("pui.pdf_done", path=str(path)), markup=False)


# ---------------------------------------------------------------- delivery and unpaid
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
            rows = P.unpaid(self.store)
        else:
            today = clock.today().isoformat()
            rows = [r for r in reversed(P.requests(self.store, ("bought", "out", "delivered")))
                    if not r.get("settlement") or r["settlement"]["at"][:10] == today]
        rows = self.found(rows)[-MAX_ROWS:]

        def settled(r):
            s = r.get("settlement")
            if not s:
                return ""
            return _t(f"purchases.settle.{s['how']}") + (f" {s['reason']}" if s.get("reason") else "")
        cells = {str(r["id"]): (
            r["no"], r["door"], r.get("person", ""), P.money(r.get("paid_fen")),
            _t(f"purchases.status.{r['status']}"),
            (r.get("delivery") or {}).get("by") or (r.get("delivery") or {}).get("out_by", ""),
            settled(r)) for r in rows}
        return lambda: (self.table.sync(list(cells.items())), self._show_bill())

    def _owed(self) -> str:
        owed = P.unpaid(self.store)
        return _t("pui.unpaid_total", n=len(owed),
                  amount=P.money(sum(r.get("paid_fen") or 0 for r in owed)))

    @on(DataTable.RowHighlighted, "#del-table")
    def _show_bill(self) -> None:
        """The selected pack's bill (short items marked) over the unpaid total,
        shown as soon as the list is, not only once the cursor moves; read
        in a worker."""
        key = self.table.selected_key
        self._bill = getattr(self, "_bill", 0) + 1
        self._read_bill(self._bill, None if key is None else int(key))

    @work(thread=True, group="pur-bill")
    def _read_bill(self, ticket: int, request_id: int | None) -> None:
        text = self._owed()
        if request_id is not None:
            bill = P.bill(P.get_request(self.store, request_id))
            lines = "  ".join(f"{ln['item']}{ln['qty']:g}{ln['unit']}"
                              + (f"[{_t('purchases.short')}]" if ln["short"] else "")
                              for ln in bill["lines"])
            text = f"{bill['no']} {bill['door']} {P.money(bill['paid_fen'])}: {lines}\n{text}"
        self.app.call_from_thread(self._show_bill_text, ticket, text)

    def _show_bill_text(self, ticket: int, text: str) -> None:
        if ticket == self._bill and self.is_attached:  # still the highlighted row's
            self.status(text)

    def action_toggle_all(self) -> None:
        self.unpaid_only = not self.unpaid_only
        self.reload()

    def _row(self):
        key = self.current()
        return P.get_request(self.store, int(key)) if key else None

    def action_out(self) -> None:
        row = self._row()
        if row:
            self.form(_t("pui.t.out", no=row["no"], door=row["door"]), [
                Field("by", _t("pui.f.by"), self.actor.name, max_length=20)],
                lambda v: P.send_out(self.store, self.actor, row["id"], v["by"] or None), done=row["no"])

    def action_delivered(self) -> None:
        row = self._row()
        if row:
            by = (row.get("delivery") or {}).get("out_by") or self.actor.name
            self.confirm(_t("pui.confirm_delivered", no=row["no"], door=row["door"], by=by),
                         lambda: P.deliver(self.store, self.actor, row["id"], by),
                         done=row["no"])

    def action_settle(self) -> None:
        row = self._row()
        if not row:
            return
        self.form(_t("pui.t.settle", no=row["no"], door=row["door"]), [
            Field("how", _t("pui.f.how"), _t("purchases.settle.paid"), check=_how, max_length=10),
            Field("amount", _t("pui.f.amount"), P.money(row.get("paid_fen")), check=_check_money,
                  restrict=r"[0-9.¥元]*", max_length=10),
            Field("reason", _t("pui.f.reason"), max_length=60),
        ], lambda v: P.settle(self.store, self.actor, row["id"], _how(v["how"]), v["amount"] or None,
                              v["reason"]), done=row["no"])


# ---------------------------------------------------------------- schedules
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
        def every(value: str) -> None:
            if not value.strip().isdigit() or not 1 <= int(value) <= 30:
                raise DomainError("pui.bad_every", field="every")
        self.form(_t("pui.t.schedule"), [
            Field("what", _t("pui.f.what"), max_length=40),
            Field("door", _t("pui.f.door"), placeholder="5-302", check=_check_door(self.store), max_length=20),
            Field("to", _t("pui.f.to"), max_length=40),
            Field("times", _t("pui.f.times"), "11:30 17:20", max_length=40),
            Field("every", _t("pui.f.every"), "1", check=every, restrict=r"\d*", max_length=2),
            Field("note", _t("pui.f.note"), max_length=60),
        ], lambda v: S.add_schedule(self.store, self.actor, v["what"], v["door"], v["to"], v["times"],
                                    int(v["every"]), note=v["note"]), done=_t("pui.t.schedule"))

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


# ---------------------------------------------------------------- the tab
VIEWS = (("requests", RequestsView), ("catalogue", CatalogueView), ("runs", RunsView),
         ("delivery", DeliveryView), ("schedules", SchedulesView))


class PurchasesTab(Vertical):
    """The F3 tab: five views; 1..5 switch between them."""

    DEFAULT_CSS = CSS
    BINDINGS = [*(Binding(str(i), f"view('{name}')", _t(f"pui.view.{name}"), show=False)
                  for i, (name, _) in enumerate(VIEWS, start=1)),
                Binding("ctrl+f", "find", _t("pui.key.find")),
                Binding("escape", "close_find", _t("pui.key.close"), show=False)]
    FILES = (P.REQUESTS, P.RUNS, P.CATALOGUE, S.SCHEDULES)
    find_text = ""

    def compose(self) -> ComposeResult:
        with TabbedContent(id="pur-views"):
            for name, view in VIEWS:
                with TabPane(f"{VIEWS.index((name, view)) + 1} {_t(f'pui.view.{name}')}",
                             id=f"pv-{name}"):
                    yield view(id=f"view-{name}")
        with Horizontal(id="pur-find"):
            yield Label(_t("pui.find"))
            yield Input(id="pur-find-text", placeholder=_t("pui.ph.find"), max_length=30, compact=True)
        yield Label("", id="pur-find-msg", classes="pur-err")

    def action_find(self) -> None:
        self.query_one("#pur-find").display = True
        self.query_one("#pur-find-text", Input).focus()

    def find_problem(self, text: str) -> None:
        msg = self.query_one("#pur-find-msg", Label)
        msg.update(text)
        msg.set_class(bool(text), "shown")

    @on(Input.Changed, "#pur-find-text")
    def _find_changed(self, event: Input.Changed) -> None:
        self.find_text = event.value
        self._active_view().reload()

    @on(Input.Submitted, "#pur-find-text")
    def _find_done(self) -> None:
        self._focus_view()

    def check_action(self, action: str, parameters: tuple) -> bool | None:
        return action != "close_find" or self.query_one("#pur-find").display

    def action_close_find(self) -> None:
        self.query_one("#pur-find-text", Input).value = ""
        self.query_one("#pur-find").display = False
        self._focus_view()

    def _active_view(self) -> View:
        active = self.query_one("#pur-views", TabbedContent).active
        return self.query_one(f"#{active}").query_one(View)

    def on_mount(self) -> None:
        self.app.watch_files(self, self._files, self.reload)

    def _files(self) -> Iterable[tuple[str, str | None]]:
        return [(name, None) for name in self.FILES]

    def reload(self) -> None:
        for view in self.query(View):
            if view.is_mounted:  # a view still composing loads itself when it mounts
                view.reload()

    def on_show(self) -> None:
        self.call_after_refresh(self._focus_view)

    def _focus_view(self) -> None:
        # only while this tab is on screen: focusing a hidden table would make
        # the console jump to Purchases (Textual shows the pane holding focus)
        active = self.query_one("#pur-views", TabbedContent).active
        outer = [a for a in self.ancestors if isinstance(a, TabbedContent)]
        if active and (not outer or outer[0].active == "tab-purchases"):
            self.query_one(f"#{active}").query_one(DataTable).focus()

    @on(TabbedContent.TabActivated, "#pur-views")
    def _activated(self, event: TabbedContent.TabActivated) -> None:
        event.stop()
        if self.find_text:
            self._active_view().reload()       # the find box applies to the view now shown
        self.call_after_refresh(self._focus_view)

    def action_view(self, name: str) -> None:
        self.query_one("#pur-views", TabbedContent).active = f"pv-{name}"
        self.call_after_refresh(self._focus_view)

