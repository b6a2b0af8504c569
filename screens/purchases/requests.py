"""Requests view (F6): today's and open requests; new, fill in items, paste a chat list, cancel."""


from collections.abc import Callable

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Label, Static, TextArea

from console.core import clock
from console.purchases import catalogue as C
from console.purchases import orders as P
from console.purchases import runs as R
from console.purchases.form_values import money
from console.purchases.parser import format_items
from console.households.registry import doors
from screens.widgets.footer import DeskFooter
from screens.widgets.form import Field
from screens.widgets.validation import MONEY
from screens.widgets.writes import write
from screens.purchases.view import CSS
from console.core.i18n import t as _t
from screens.purchases.view import View, check_door, check_items_optional, check_money, clip, items_text


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
        rows = self.found(rows)
        runs = {r["id"]: R.run_label(r) for r in R.runs(self.store)}

        def cells(r: dict) -> tuple:
            return (r.get("no") or f"#{r['id']}", r["door"], clip(r.get("person", ""), 8),
                    _t(f"purchases.status.{r.get('status', 'new')}"), runs.get(r.get("run"), ""),
                    items_text(r["lines"], width) or (
                        _t("pui.from_gate") if r.get("source", {}).get("checkpoint") else "—"))
        specials = C.active_specials(self.store)
        status = (_t("pui.specials", list="；".join(
            f"{s['name']} {money(s['price_fen'])}/{s['unit']} ≤{s['ends'][5:]}" for s in specials))
            if specials else _t("pui.no_specials"))
        show = self.paged(rows, cells)
        return lambda: (show(), self.status(status))

    def _fields(self, row: dict | None, houses: dict[str, dict] | None = None) -> list[Field]:
        """A new request's fields (``houses`` to check its door against), or ``row``'s."""
        fields = [] if row else [Field("door", _t("pui.f.door"), placeholder="5-302",
                                       check=check_door(houses or {}), max_length=20)]
        row = row or {}
        return fields + [
            Field("person", _t("pui.f.person"), row.get("person", ""), max_length=20),
            Field("lines", _t("pui.f.items"), format_items(row.get("lines", [])),
                  _t("pui.ph.items"), check=check_items_optional, max_length=400),
            Field("note", _t("pui.f.note"), row.get("note", ""), max_length=100),
            Field("budget", _t("pui.f.budget"), money(row.get("budget_fen")), check=check_money,
                  restrict=MONEY, max_length=10),
        ]

    def action_new(self) -> None:
        store = self.store
        self.opening(lambda: doors(store), self._new)

    def _new(self, houses: dict[str, dict]) -> None:
        def save(v: dict):
            return P.create_request(self.store, self.actor, v["door"], v["person"], v["lines"],
                                    v["note"], budget=v["budget"] or None)
        self.form(_t("pui.t.new_request"), self._fields(None, houses), save, done=_t("pui.t.new_request"))

    def action_edit(self) -> None:
        key = self.current()
        if key is None:
            return
        store = self.store
        self.opening(lambda: (P.get_request(store, int(key)), C.active_specials(store)),
                     lambda read: self._edit(*read))

    def _edit(self, row: dict, specials: list[dict]) -> None:
        def save(v: dict):
            return P.set_lines(self.store, self.actor, row["id"], v["lines"], note=v["note"],
                               budget=v["budget"] or None, person=v["person"])
        title = _t("pui.t.edit_request", no=row.get("no") or f"#{row['id']}", door=row["door"],
                   person=row.get("person", ""))
        info = _t("pui.specials", list="；".join(
            f"{s['name']} {money(s['price_fen'])}/{s['unit']}" for s in specials)) if specials else ""
        self.form(title, self._fields(row), save, info, done=row.get("no") or "")

    def action_paste(self) -> None:
        self.app.push_screen(ImportScreen(), lambda _: self.reload())

    def action_cancel_request(self) -> None:
        key = self.current()
        if key is None:
            return
        store = self.store
        self.opening(lambda: P.get_request(store, int(key)), lambda row: self.confirm(
            _t("pui.confirm_cancel", no=row.get("no") or key, door=row["door"]),
            lambda: P.cancel_request(self.store, self.actor, row["id"])))


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
        yield DeskFooter()

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
        """Parse and import in a worker (a long list takes a moment); the keys
        typed meanwhile wait for the box to hold only the lines to fix."""
        app, text = self.app, self.query_one(TextArea).text
        write(self, lambda: P.parse_and_import(app.store, app.actor, text),
              lambda done: self._imported(text, *done))

    def _imported(self, text: str, created: list, problems: list[dict]) -> None:
        area = self.query_one(TextArea)
        lines = text.splitlines()
        area.text = "\n".join(lines[p["line_no"] - 1] for p in problems)
        self.app.notify(_t("pui.imported", n=len(created), bad=len(problems)), markup=False)
        from console.purchases.parser import ChatResult  # noqa: PLC0415
        renumbered = [{**p, "line_no": i} for i, p in enumerate(problems, start=1)]
        self._show(ChatResult(orders=[], problems=renumbered))
        if not problems:
            self.dismiss(len(created))

    def action_close(self) -> None:
        self.dismiss(None)
