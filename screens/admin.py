"""Leader screens: the roster (add, role, deactivate, PIN) and the audit trail."""

from __future__ import annotations

import orjson
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import DataTable, Input, Label, Select, Static

from console.core import audit, i18n, operators
from console.core.i18n import DomainError
from screens.widgets.footer import DeskFooter
from screens import messages
from screens.widgets.form import FormRow
from screens.widgets.paged_table import PagedTable, Table
from screens.widgets.writes import read_newest, write

i18n.add({
    "admin.roster_title": ("名单（组长管理）", "Roster (leaders manage it)"),
    "admin.col_name": ("姓名", "Name"),
    "admin.col_role": ("角色", "Role"),
    "admin.col_active": ("在岗", "Active"),
    "admin.add": ("添加", "Add"),
    "admin.toggle_role": ("切换角色", "Toggle role"),
    "admin.toggle_active": ("停用/启用", "(De)activate"),
    "admin.set_pin": ("设 PIN", "Set PIN"),
    "admin.close": ("关闭", "Close"),
    "admin.new_name": ("新成员姓名", "New member's name"),
    "admin.new_pin": ("PIN", "PIN"),
    "admin.saved": ("已保存。", "Saved."),
    "admin.audit_title": ("操作记录 {day}（{shown}/{total} 条）", "Audit trail {day} ({shown} of {total})"),
    "admin.filter": ("筛选（人名、表、内容）", "Filter (person, table, text)"),
    "admin.prev_day": ("前一天", "Previous day"),
    "admin.next_day": ("后一天", "Next day"),
    "admin.next_page": ("下一页", "Next page"),
    "admin.prev_page": ("上一页", "Previous page"),
    "admin.col_time": ("时间", "Time"),
    "admin.col_who": ("谁", "Who"),
    "admin.col_what": ("做了什么", "What"),
    "admin.no_audit": ("还没有操作记录。", "No audit entries yet."),
})


class RosterScreen(ModalScreen):
    """Everyone can see the roster and set their own PIN; leaders change it."""

    BINDINGS = [
        Binding("escape", "dismiss", i18n.t("admin.close")),
        Binding("ctrl+a", "add", i18n.t("admin.add"), priority=True),
        Binding("ctrl+e", "toggle_role", i18n.t("admin.toggle_role"), priority=True),
        Binding("ctrl+d", "toggle_active", i18n.t("admin.toggle_active"), priority=True),
        Binding("ctrl+n", "set_pin", i18n.t("admin.set_pin"), priority=True),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.members: dict[str, dict] = {}   # by name, as the newest read found them

    def compose(self) -> ComposeResult:
        with Vertical(classes="modal-card"):
            yield Static(i18n.t("admin.roster_title"), classes="title")
            yield PagedTable(id="roster", cursor_type="row")
            with FormRow():
                yield Input(id="name", placeholder=i18n.t("admin.new_name"), max_length=20)
                yield Select([(i18n.t(f"role.{r}"), r) for r in operators.ROLES], id="role",
                             allow_blank=False, value="volunteer")
                yield Input(id="pin", password=True, restrict=r"\d{0,8}", max_length=8,
                            placeholder=i18n.t("admin.new_pin"))
            yield Label("", id="message", classes="error")
        yield DeskFooter()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        for key in ("name", "role", "active"):
            table.add_column(i18n.t(f"admin.col_{key}"), key=key)
        self.reload()
        messages.watch(self, lambda: [("roster", None)])

    def on_store_changed(self, event: messages.StoreChanged) -> None:
        self.reload(hold=False)   # another desk's change: no key waits for it

    def reload(self, hold: bool = True) -> None:
        """Read the roster in a worker; the keys typed after Ctrl+R or a change
        wait for it (Ctrl+E, Ctrl+D, Ctrl+N act on the member it shows)."""
        store = self.app.store
        read_newest(self, "roster", lambda: operators.roster(store), self._show, hold=hold)

    def _show(self, members: list[dict]) -> None:
        self.members = {m["name"]: m for m in members}
        self.query_one("#roster", PagedTable).sync([
            (m["name"], (m["name"], i18n.t(f"role.{m['role']}"), i18n.t("yes" if m["active"] else "no")))
            for m in members])

    def _selected(self) -> dict | None:
        name = self.query_one("#roster", PagedTable).selected_key
        return self.members.get(name) if name is not None else None

    def _do(self, fn, *args, **kwargs) -> None:
        """``fn(store, actor, ...)`` in a worker: a PIN's hash takes a moment."""
        app = self.app
        write(self, lambda: fn(app.store, app.actor, *args, **kwargs),
              lambda _: self._said(i18n.t("admin.saved"), reload=True),
              lambda exc: self._said(str(exc)))

    def _said(self, text: str, reload: bool = False) -> None:
        self.query_one("#message", Label).update(text)
        if reload:
            self.reload()

    def action_add(self) -> None:
        self._do(operators.add_member, self.query_one("#name", Input).value,
                 str(self.query_one("#role", Select).value), self.query_one("#pin", Input).value)

    def action_toggle_role(self) -> None:
        if m := self._selected():
            self._do(operators.set_member, m["name"],
                     role="volunteer" if m["role"] == "leader" else "leader")

    def action_toggle_active(self) -> None:
        if m := self._selected():
            self._do(operators.set_member, m["name"], active=not m["active"])

    def action_set_pin(self) -> None:
        if m := self._selected():
            self._do(operators.set_pin, m["name"], self.query_one("#pin", Input).value)


class AuditScreen(ModalScreen):
    """A day of the audit trail, newest first; Enter shows before and after."""

    BINDINGS = [
        Binding("escape", "dismiss", i18n.t("admin.close")),
        Binding("ctrl+left", "day(-1)", i18n.t("admin.prev_day")),
        Binding("ctrl+right", "day(1)", i18n.t("admin.next_day")),
        Binding("pagedown", "page(1)", i18n.t("admin.next_page"), show=False),
        Binding("pageup", "page(-1)", i18n.t("admin.prev_page"), show=False),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.days: list[str] = []
        self.day_index = -1
        self.page = 0
        self.rows: dict[str, dict] = {}

    def compose(self) -> ComposeResult:
        with Vertical(classes="modal-card"):
            yield Static("", id="audit-title", classes="title")
            yield Input(id="filter", placeholder=i18n.t("admin.filter"))
            yield Table(id="audit", cursor_type="row")
            yield Static("", id="detail", markup=False)
            yield Label("", id="message", classes="error")
        yield DeskFooter()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        for key in ("time", "who", "what"):
            table.add_column(i18n.t(f"admin.col_{key}"), key=key)
        app = self.app
        # the keys typed after Ctrl+T wait for the days and go to the list they open
        write(self, lambda: audit.days(app.store, app.actor), self._opened, self._say)

    def _say(self, exc: DomainError) -> None:
        self.query_one("#message", Label).update(str(exc))

    def _opened(self, days: list[str]) -> None:
        self.days = days
        if not self.days:
            self.query_one("#message", Label).update(i18n.t("admin.no_audit"))
            return
        self.load(hold=True)   # the keys typed meanwhile move in the page it shows
        self.query_one(DataTable).focus()

    @on(Input.Changed, "#filter")
    def _filter(self) -> None:
        self.page = 0
        if self.days:
            self.load()

    def action_day(self, step: int) -> None:
        if self.days and 0 <= self.day_index + step + len(self.days) < len(self.days):
            self.day_index += step
            self.page = 0
            self.load()

    def action_page(self, step: int) -> None:
        self.page = max(0, self.page + step)
        self.load()

    def load(self, hold: bool = False) -> None:
        """The shown day's page, read in a worker; the newest read shows."""
        store, actor, day = self.app.store, self.app.actor, self.days[self.day_index]
        text, page = self.query_one("#filter", Input).value, self.page
        read_newest(self, "audit", lambda: (day, *audit.entries(store, actor, day, text, page)),
                    lambda read: self._show(*read), hold=hold)

    def _show(self, day: str, rows: list[dict], total: int) -> None:
        self.query_one("#audit-title", Static).update(
            i18n.t("admin.audit_title", day=day, shown=len(rows), total=total))
        table = self.query_one(DataTable)
        table.clear()
        self.rows = {}
        for row in rows:
            key = str(row["doc_id"])
            self.rows[key] = row
            who = row["_by"]
            table.add_row(row["_at"][11:19], f"{who.get('op') or who.get('unix')} @{who.get('tty')}",
                          audit.summary(row)[:120], key=key)

    @on(DataTable.RowHighlighted)
    def _detail(self, event: DataTable.RowHighlighted) -> None:
        row = self.rows.get(event.row_key.value)
        if row:
            diff = audit.changes(row.get("before"), row.get("after"))
            self.query_one("#detail", Static).update(
                orjson.dumps({k: {"before": b, "after": a} for k, (b, a) in diff.items()},
                             option=orjson.OPT_INDENT_2).decode()[:600])
