"""Standing passes (居民出入证, 单位工作证明) from the errands tab: list, issue,
print / reprint, revoke, show the QR. Leaders only; console.standing
refuses anyone else and checks every field."""

from __future__ import annotations

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import DataTable, Input, Label, Static

from console.core import i18n
from console.core.i18n import DomainError
from console.errands import printers, standing
from screens.widgets.confirm import ConfirmScreen
from screens.widgets.form import FieldError, FormRow
from screens.errands.qr import QrScreen
from screens.widgets.footer import DeskFooter
from screens.widgets.text_prompt import TextPrompt
from screens.widgets.paged_table import PagedTable
from screens.widgets.writes import hold_keys, write

i18n.add({
    "standui.title": ("出入证（n 居民出入证 · w 单位工作证明 · p 打印 · v 撤销 · s 二维码）",
                      "Standing passes (n household · w work · p print · v revoke · s QR)"),
    "standui.key.household": ("居民出入证", "Household pass"),
    "standui.key.work": ("工作证明", "Work pass"),
    "standui.key.print": ("打印", "Print"),
    "standui.key.revoke": ("撤销", "Revoke"),
    "standui.key.qr": ("二维码", "QR"),
    "standui.key.close": ("关闭", "Close"),
    "standui.key.save": ("保存", "Save"),
    "standui.col.no": ("编号", "No"),
    "standui.col.kind": ("种类", "Kind"),
    "standui.col.person": ("持证人", "Holder"),
    "standui.col.door": ("门牌", "Door"),
    "standui.col.window": ("有效期", "Valid"),
    "standui.col.state": ("状态", "State"),
    "standui.new.household": ("新的居民出入证（Ctrl+S 保存并打印）", "New household pass (Ctrl+S saves and prints)"),
    "standui.new.commuter": ("新的单位工作证明（Ctrl+S 保存并打印）", "New work pass (Ctrl+S saves and prints)"),
    "standui.f.door": ("门牌", "Door"),
    "standui.f.until": ("截止日期（空=撤销前有效）", "Until (empty: until revoked)"),
    "standui.f.start": ("开始日期（空=今天）", "From (empty: today)"),
    "standui.f.person": ("持证人", "Holder"),
    "standui.f.org": ("工作单位", "Workplace"),
    "standui.f.days": ("有效天数", "Days valid"),
    "standui.f.hours": ("通行时段", "Hours"),
    "standui.issued": ("已发出入证 {number}。", "Standing pass {number} issued."),
    "standui.revoked": ("出入证 {number} 已撤销，立即失效。", "Standing pass {number} revoked: it stops now."),
    "standui.revoke_title": ("撤销出入证 {number}（{person}）？请写理由：",
                             "Revoke standing pass {number} ({person})? Reason:"),
    "standui.reprint_title": ("重新打印出入证 {number}？旧证作废（第 {gen} 版起）。",
                              "Reprint standing pass {number}? Earlier slips stop working (print {gen} on)."),
    "standui.none": ("还没有出入证。", "No standing passes yet."),
})

FIELDS = {"household": ("door", "until", "start"),
          "commuter": ("door", "person", "org", "days", "hours", "start")}
DEFAULTS = {"days": "14", "hours": "-".join(standing.DEFAULT_HOURS)}


class StandingForm(ModalScreen[dict | None]):
    """Issue one standing pass; the domain's message goes under its field."""

    BINDINGS = [Binding("ctrl+s", "save", i18n.t("standui.key.save"), priority=True),
                Binding("escape", "dismiss(None)", i18n.t("standui.key.close"))]

    def __init__(self, kind: str) -> None:
        super().__init__()
        self.kind = kind

    def compose(self) -> ComposeResult:
        with Vertical(classes="modal-card"):
            yield Static(i18n.t(f"standui.new.{self.kind}"), classes="title")
            for name in FIELDS[self.kind]:
                with FormRow(one_line=True):
                    yield Label(i18n.t(f"standui.f.{name}"), classes="form-label")
                    yield Input(DEFAULTS.get(name, ""), id=f"s-{name}", max_length=40)
                yield FieldError(id=f"se-{name}")
            yield FieldError(id="se-form", classes="form-message")
        yield DeskFooter()

    def on_mount(self) -> None:
        self.query_one("#s-door", Input).focus()

    @on(Input.Submitted)
    def _next(self, event: Input.Submitted) -> None:
        event.stop()
        self.focus_next()

    def action_save(self) -> None:
        values = {n: self.query_one(f"#s-{n}", Input).value for n in FIELDS[self.kind]}
        for label in self.query(FieldError):
            label.show("")
        store, actor = self.app.store, self.app.actor
        issue = standing.issue_household if self.kind == "household" else standing.issue_commuter
        write(self, lambda: issue(store, actor, **values), self.dismiss, self._refused)

    def _refused(self, exc: DomainError) -> None:
        target = exc.field if exc.field in FIELDS[self.kind] else "form"
        self.query_one(f"#se-{target}", FieldError).show(str(exc))


class StandingScreen(ModalScreen[None]):
    """Every standing pass, newest first, with its state today."""

    BINDINGS = [
        Binding("escape", "dismiss(None)", i18n.t("standui.key.close")),
        Binding("n", "new('household')", i18n.t("standui.key.household")),
        Binding("w", "new('commuter')", i18n.t("standui.key.work")),
        Binding("p", "print", i18n.t("standui.key.print")),
        Binding("v", "revoke", i18n.t("standui.key.revoke")),
        Binding("s", "qr", i18n.t("standui.key.qr")),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.rows: dict[str, dict] = {}   # by number, as the last read found them

    def compose(self) -> ComposeResult:
        with Vertical(classes="modal-card"):
            yield Static(i18n.t("standui.title"), classes="title")
            yield PagedTable(id="standing", cursor_type="row", zebra_stripes=True)
            yield Label("", id="standing-message")
        yield DeskFooter()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        for key in ("no", "kind", "person", "door", "window", "state"):
            table.add_column(i18n.t(f"standui.col.{key}"), key=key)
        self.reload()
        table.focus()

    def reload(self) -> None:
        """Read the list in a worker; the keys typed after wait for it (p, v
        and s act on the row it shows)."""
        hold_keys(self._read())

    @work(thread=True, exclusive=True, group="standing-read")
    def _read(self) -> None:
        rows = standing.listing(self.app.store)
        cells = [(r["number"], i18n.t(f"standing.kind.{r['pass_kind']}"), r["person"], r["door"],
                  r["window"], i18n.t(f"standing.state.{standing.status(r)}")) for r in rows]
        self.app.call_from_thread(self._show, rows, cells)

    def _show(self, rows: list[dict], cells: list[tuple]) -> None:
        table = self.query_one(DataTable)
        table.clear()
        self.rows = {str(r["number"]): r for r in rows}
        for key, row in zip(self.rows, cells):
            table.add_row(*row, key=key)
        if not self.rows:
            self._say(i18n.t("standui.none"))

    def _say(self, text: str) -> None:
        self.query_one("#standing-message", Label).update(text)

    def selected(self) -> dict | None:
        key = self.query_one("#standing", PagedTable).selected_key
        return self.rows.get(key) if key else None

    def action_new(self, kind: str) -> None:
        def done(record: dict | None) -> None:
            if record:
                self._say(i18n.t("standui.issued", number=record["number"]))
                self.reload()
                self._print(record)
        self.app.push_screen(StandingForm(kind), done)

    def action_print(self) -> None:
        if not (r := self.selected()):
            return

        def done(yes: bool) -> None:
            if yes:
                app = self.app
                write(self, lambda: standing.reprint(app.store, app.actor, r["number"]),
                      self._reprinted, lambda exc: self._say(str(exc)))
        self.app.push_screen(ConfirmScreen(i18n.t("standui.reprint_title", number=r["number"],
                                                  gen=r["pass_gen"] + 1)), done)

    def _reprinted(self, record: dict) -> None:
        self.reload()
        self._print(record)

    def _print(self, record: dict) -> None:
        app = self.app
        write(self, lambda: printers.print_slips(app.store, [record], gate=app.gate).message,
              self._say, lambda exc: self._say(str(exc)), group="standing-print")

    def action_revoke(self) -> None:
        if not (r := self.selected()):
            return

        def done(reason: str | None) -> None:
            if reason:
                app = self.app
                write(self, lambda: standing.revoke(app.store, app.actor, r["number"], reason),
                      lambda _: self._revoked(r["number"]), lambda exc: self._say(str(exc)))
        self.app.push_screen(TextPrompt(i18n.t("standui.revoke_title", number=r["number"],
                                                 person=r["person"])), done)

    def _revoked(self, number: int) -> None:
        self._say(i18n.t("standui.revoked", number=number))
        self.reload()

    def action_qr(self) -> None:
        if r := self.selected():
            self.app.push_screen(QrScreen(r))
