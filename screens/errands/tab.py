"""The Errands & passes tab (F2): requests by state, approve / reject (leaders), print, revoke, the QR on screen."""

from __future__ import annotations


from collections.abc import Callable

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import DataTable, Label, Static

from console.core import clock, i18n, printing
from console.errands import errand as errands, printers
from console.core.i18n import DomainError
from screens.widgets.confirm import ConfirmScreen
from screens.errands.rows import ACTIVE, COLUMNS, CSS, FILTERS, PAGE, filter_label, window_text
from screens.errands.qr import QrScreen
from screens.errands.scan_window import ScanScreen
from screens.errands.request import RequestScreen
from screens.widgets.text_prompt import TextPrompt
from screens.errands.standing import StandingScreen
from screens import messages
from screens.widgets.find_box import FIND, FindBox, keep
from screens.widgets.paged_table import PagedTable
from screens.widgets.writes import hold_keys, write


class ErrandsTab(Vertical):
    DEFAULT_CSS = CSS
    BINDINGS = [
        Binding("n", "new", i18n.t("errtab.key.new")),
        Binding("a", "approve", i18n.t("errtab.key.approve")),
        Binding("x", "reject", i18n.t("errtab.key.reject")),
        Binding("p", "print", i18n.t("errtab.key.print")),
        Binding("v", "revoke", i18n.t("errtab.key.revoke")),
        Binding("s", "show_qr", i18n.t("errtab.key.qr")),
        Binding("g", "scan", i18n.t("errtab.key.scan"), show=False),
        Binding("h", "standing", i18n.t("errtab.key.standing"), show=False),  # named in the title
        Binding("c", "close_errand", i18n.t("errtab.key.close"), show=False),
        Binding("f", "cycle_filter(1)", i18n.t("errtab.key.filter"), show=False),
        Binding("F", "cycle_filter(-1)", i18n.t("errtab.key.filter"), show=False),
        FIND,
    ]

    def __init__(self) -> None:
        super().__init__()
        self.filter = "active"
        self.rows: dict[str, dict] = {}

    def compose(self) -> ComposeResult:
        yield Static("", id="errand-title", classes="title", markup=False)
        yield PagedTable(id="errands", cursor_type="row", zebra_stripes=True)
        yield FindBox("#errands")
        yield Static("", id="errand-detail", markup=False)
        yield Label("", id="errand-message", classes="error")

    def on_mount(self) -> None:
        table = self.query_one("#errands", DataTable)
        for key in COLUMNS:
            table.add_column(i18n.t(f"errtab.col.{key}"), key=key)
        self.reload()
        messages.watch(self, lambda: [("errands", None)])
        # expired and overdue come from the clock, not from a write
        self.set_interval(30, self.reload)

    def on_store_changed(self, event: messages.StoreChanged) -> None:
        self.reload()

    def check_action(self, action: str, parameters: tuple) -> bool | None:
        # leader-only keys are hidden from volunteers (console/ refuses them anyway)
        if action in ("approve", "reject", "revoke", "standing"):
            return bool(self.app.actor and self.app.actor.is_leader)
        return True

    def on_show(self) -> None:
        self.query_one("#errands", DataTable).focus()

    # -- table --
    def reload(self) -> None:
        """Read the list in a worker (the store may be busy with another
        desk's write); the table is patched in place when it arrives."""
        self._read(self.filter, self.query_one(FindBox).text)

    def action_find(self) -> None:
        self.query_one(FindBox).open()

    @on(FindBox.Changed)
    def _find(self) -> None:
        self.reload()

    @work(thread=True, exclusive=True, group="errands-read")
    def _read(self, shown: str, find: str = "") -> None:
        now, today = clock.now(), clock.today()
        wanted = []
        for e in errands.all_errands(self.app.store):   # newest first
            state = errands.status(e, now)
            if shown == "all" or state == shown or (shown == "active" and state in ACTIVE):
                wanted.append((e, state))
                if len(wanted) >= PAGE and not find.strip():
                    break
        # a find looks through every errand shown by the filter, then the newest PAGE it keeps
        found, problem = keep([e for e, _ in wanted], find, who=("person",))
        found_ids = {id(e) for e in found}
        wanted = [(e, state) for e, state in wanted if id(e) in found_ids][:PAGE]
        rows = [(str(e["number"]), (e["number"], errands.state_label(state), e["person"],
                                    errands.where_from(e), e["purpose"], window_text(e, today)))
                for e, state in wanted]
        self.app.call_from_thread(self._show, shown, {str(e["number"]): e for e, _ in wanted}, rows,
                                  problem, find)

    def _show(self, shown: str, by_key: dict[str, dict], rows: list, problem: str = "",
              find: str = "") -> None:
        if shown != self.filter or not self.query("#errands") or find != self.query_one(FindBox).text:
            return   # the filter or the find moved on meanwhile (its own read follows), or the tab is gone
        self.query_one(FindBox).say(problem)
        self.rows = by_key
        self.query_one("#errands", PagedTable).sync(rows, follow_top=True)   # a new errand shows selected
        self.query_one("#errand-title", Static).update(
            i18n.t("errtab.title", filter=filter_label(self.filter), count=len(rows)))
        self._show_detail()

    def selected(self) -> dict | None:
        key = self.query_one("#errands", PagedTable).selected_key
        return self.rows.get(key) if key else None

    @on(DataTable.RowHighlighted)
    def _highlighted(self) -> None:
        self._show_detail()

    @on(DataTable.RowSelected)
    def _selected(self) -> None:
        self.action_show_qr()

    def _show_detail(self) -> None:
        e = self.selected()
        detail = self.query_one("#errand-detail", Static)
        if e is None:
            detail.update(i18n.t("errtab.empty"))
            return
        sep = "；" if i18n.lang() == "zh" else "; "
        lines = [
            i18n.t("errtab.d.line1", number=e["number"],
                   state=errands.state_label(errands.status(e)), person=e["person"],
                   where=errands.where_from(e), phone=e.get("phone", "")),
            i18n.t("errtab.d.purpose", purpose=e["purpose"],
                   items=f"（{e['items']}）" if e.get("items") else "",
                   dest=f" → {e['destination']}" if e.get("destination") else ""),
            i18n.t("errtab.d.line2", escort=e.get("escort") or "-",
                   window=window_text(e, clock.today()), by=e.get("requested_by", ""),
                   approved=i18n.t("errtab.d.approved", who=e["approved_by"])
                   if e.get("approved_by") else "",
                   pass_=i18n.t("errtab.d.pass", no=f"{e['pass_no']:06d}", gen=e["pass_gen"])
                   if e.get("pass_no") else ""),
        ]
        extra = []
        if e.get("reason"):
            extra.append(i18n.t("errtab.d.reason", reason=e["reason"]))
        if e.get("out_at"):
            extra.append(i18n.t("errtab.d.out", out=f"{errands.when(e['out_at']):%H:%M} "
                                                    f"{e.get('out_gate', '')}"))
        if e.get("in_at"):
            extra.append(i18n.t("errtab.d.in", back=f"{errands.when(e['in_at']):%H:%M} "
                                                    f"{e.get('in_gate', '')}"))
        if extra:
            lines.append(sep.join(extra))
        detail.update("\n".join(lines))

    # -- actions --
    def _say(self, text: str, error: bool = False) -> None:
        label = self.query_one("#errand-message", Label)
        label.update(text)
        label.set_class(error, "error")
        if not error:
            self.app.notify(text, markup=False)

    def _current(self) -> dict | None:
        e = self.selected()
        if e is None:
            self._say(i18n.t("errtab.none"), error=True)
        return e

    def _do(self, fn, *args, done_key: str = "",
            refused: Callable[[DomainError], None] | None = None) -> None:
        """``fn(store, actor, *args)`` in a worker (see screens.widgets.writes);
        then says ``done_key`` and re-reads the list before the next key."""
        app = self.app
        write(self, lambda: fn(app.store, app.actor, *args),
              lambda e: self._done(i18n.t(done_key, number=e["number"])),
              refused or (lambda exc: self._failed(str(exc))), group="errand-write")

    def _done(self, text: str) -> None:
        self._say(text)
        hold_keys(self._read(self.filter))   # the next key sees the errand as it is now

    def _failed(self, text: str) -> None:
        self._say(text, error=True)
        hold_keys(self._read(self.filter))

    def action_cycle_filter(self, step: int) -> None:
        self.filter = FILTERS[(FILTERS.index(self.filter) + step) % len(FILTERS)]
        self.reload()

    def action_new(self) -> None:
        """The form opens once what it offers is read (in a worker: the keys
        typed after n wait for it and land in the form)."""
        store = self.app.store
        write(self, lambda: RequestScreen.read(store),
              lambda got: self.app.push_screen(RequestScreen(*got), self._requested))

    def _requested(self, errand: dict | None) -> None:
        if errand:
            self._say(i18n.t("errtab.requested", number=errand["number"]))
            self.reload()

    def action_approve(self) -> None:
        """Approving lets someone out: it asks first (y), like every step that cannot be undone."""
        if not (e := self._current()):
            return

        def done(yes: bool) -> None:
            if yes:
                self._approve(e)
        self.app.push_screen(ConfirmScreen(i18n.t(
            "errtab.approve_title", number=e["number"], person=e["person"], purpose=e["purpose"],
            window=window_text(e, clock.today()))), done)

    def _approve(self, e: dict) -> None:
        def refused(exc: DomainError) -> None:
            if exc.key != "errands.denied_mark":
                self._failed(str(exc))
                return

            def done(reason: str | None) -> None:   # a key-person household: only with a reason
                if reason:
                    self._do(errands.approve, e["number"], reason, done_key="errtab.approved")
            self.app.push_screen(TextPrompt(str(exc)), done)
        self._do(errands.approve, e["number"], done_key="errtab.approved", refused=refused)

    def _with_reason(self, fn, title_key: str, done_key: str) -> None:
        """Ask for a reason in a modal, then run ``fn`` (reject, revoke)."""
        if not (e := self._current()):
            return

        def done(reason: str | None) -> None:
            if reason:
                self._do(fn, e["number"], reason, done_key=done_key)
        self.app.push_screen(TextPrompt(i18n.t(title_key, number=e["number"],
                                                 person=e["person"])), done)

    def action_reject(self) -> None:
        self._with_reason(errands.reject, "errtab.reject_title", "errtab.rejected")

    def action_revoke(self) -> None:
        self._with_reason(errands.revoke, "errtab.revoke_title", "errtab.revoked")

    def action_close_errand(self) -> None:
        if e := self._current():
            self._do(errands.close, e["number"], done_key="errtab.closed")

    def action_print(self) -> None:
        if not (e := self._current()):
            return
        if not e.get("pass_no"):
            self._start_print(e["number"])
            return

        def done(yes: bool) -> None:
            if yes:
                self._start_print(e["number"])
        self.app.push_screen(ConfirmScreen(i18n.t("errtab.reprint_title", number=e["number"],
                                                  gen=e["pass_gen"] + 1)), done)

    def _start_print(self, number: int) -> None:
        self._say(i18n.t("errtab.printing", number=number))
        app = self.app

        def print_pass() -> str:
            printing.require_font()     # never issue a pass that cannot be printed
            errand = errands.issue_pass(app.store, app.actor, number)
            return printers.print_slips(app.store, [errand], gate=app.gate).message
        write(self, print_pass, self._done, lambda exc: self._failed(str(exc)), group="print")

    def action_show_qr(self) -> None:
        if not (e := self._current()):
            return
        if not e.get("code"):
            self._say(i18n.t("errtab.no_pass", number=e["number"]), error=True)
            return
        self.app.push_screen(QrScreen(e))

    def action_scan(self) -> None:
        self.app.push_screen(ScanScreen(), lambda _: self.reload())

    def action_standing(self) -> None:

        self.app.push_screen(StandingScreen())
