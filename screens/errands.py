"""Errands & passes tab (F2): requests by state, approve / reject (leaders),
print and reprint passes, revoke, the QR on screen, and a gate scan window.

Everything the tab changes goes through console.errands / console.passes /
console.printers; leader-only actions are refused there, the tab only shows
the message. Printing runs in a worker thread.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from rich.style import Style
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.validation import ValidationResult, Validator
from textual.widgets import DataTable, Footer, Input, Label, Select, Static

from console.core import clock, i18n, operators, printing
from console.errands import errand as errands, printers, slips
from console.households import registry as households
from console.core.i18n import DomainError
from screens.confirm import ConfirmScreen, ask_to_discard
from screens.name_select import NameSelect
from screens.scan import ScanPanel

i18n.add({
    "errtab.filter.active": ("进行中", "In progress"),
    "errtab.filter.all": ("全部", "All"),
    "errtab.title": ("外出申请：{filter}（{count} 条）  f 切换  h 出入证",
                     "Errands: {filter} ({count})  f: filter  h: standing passes"),
    "errtab.col.no": ("号", "No"),
    "errtab.col.state": ("状态", "State"),
    "errtab.col.person": ("外出人", "Person"),
    "errtab.col.where": ("门牌/单位", "Door/org"),
    "errtab.col.purpose": ("事由", "Purpose"),
    "errtab.col.window": ("时间", "Window"),
    "errtab.key.new": ("新申请", "New"),
    "errtab.key.approve": ("批准", "Approve"),
    "errtab.key.standing": ("出入证", "Passes"),
    "errtab.key.reject": ("驳回", "Reject"),
    "errtab.key.print": ("打印", "Print"),
    "errtab.key.revoke": ("撤销", "Revoke"),
    "errtab.key.close": ("结束", "Close"),
    "errtab.key.qr": ("显示二维码", "Show QR"),
    "errtab.key.filter": ("切换筛选", "Filter"),
    "errtab.key.scan": ("门口扫码", "Gate scan"),
    "errtab.key.save": ("保存", "Save"),
    "errtab.key.cancel": ("取消", "Cancel"),
    "errtab.none": ("没有选中的外出申请。", "No errand selected."),
    "errtab.empty": ("这里还没有外出申请。按 n 新建。", "No errands here yet. Press n for a new one."),
    "errtab.requested": ("已提交外出申请 {number} 号，等组长审批。",
                         "Errand {number} requested; a leader must approve it."),
    "errtab.approved": ("已批准 {number} 号。按 p 打印通行证。",
                        "Errand {number} approved. Press p to print its pass."),
    "errtab.rejected": ("已驳回 {number} 号。", "Errand {number} rejected."),
    "errtab.revoked": ("已撤销 {number} 号，通行证立即失效。",
                       "Errand {number} revoked: its pass stops working now."),
    "errtab.closed": ("{number} 号已结束。", "Errand {number} closed."),
    "errtab.printing": ("正在打印 {number} 号通行证…", "Printing the pass for errand {number}…"),
    "errtab.no_pass": ("{number} 号还没有通行证（先批准，再按 p 打印）。",
                       "Errand {number} has no pass yet (approve it, then press p)."),
    "errtab.reject_title": ("驳回 {number} 号（{person}）？请写理由：",
                            "Reject errand {number} ({person})? Give a reason:"),
    "errtab.revoke_title": ("撤销 {number} 号（{person}）的通行证？立即失效。请写理由：",
                            "Revoke errand {number} ({person})? Its pass stops working at once. Reason:"),
    "errtab.reprint_title": ("重新打印 {number} 号的通行证？旧的纸条会作废（第 {gen} 版起）。",
                             "Reprint the pass of errand {number}? The old slip stops working "
                             "(print {gen} from now)."),
    "errtab.reason": ("理由", "Reason"),
    "errtab.approve_title": ("批准 {number} 号（{person}，{purpose}，{window}）？",
                             "Approve errand {number} ({person}, {purpose}, {window})?"),
    "errtab.new_title": ("新外出申请（门牌或单位二选一）", "New errand (a door or an organisation)"),
    "errtab.f.door": ("门牌", "Door"),
    "errtab.f.org": ("单位", "Organisation"),
    "errtab.f.person": ("外出人", "Person"),
    "errtab.f.phone": ("电话", "Phone"),
    "errtab.f.purpose": ("事由", "Purpose"),
    "errtab.f.items": ("物品", "Items"),
    "errtab.f.destination": ("去向", "Going to"),
    "errtab.f.escort": ("陪同", "Escort"),
    "errtab.f.start": ("开始", "From"),
    "errtab.f.end": ("结束", "Until"),
    "errtab.ph.door": ("例如 5-302", "e.g. 5-302"),
    "errtab.ph.person": ("不填则为户主 {head}", "blank: the head, {head}"),
    "errtab.ph.time": ("14:30 或 03-05 14:30", "14:30 or 03-05 14:30"),
    "errtab.no_escort": ("无人陪同", "no escort"),
    "errtab.required": ("必填。", "Required."),
    "errtab.fix": ("请先改正标红的内容。", "Fix the marked fields first."),
    "errtab.d.line1": ("{number} 号 · {state} · {person} · {where} · {phone}",
                       "No. {number} · {state} · {person} · {where} · {phone}"),
    "errtab.d.purpose": ("事由：{purpose}{items}{dest}", "Purpose: {purpose}{items}{dest}"),
    "errtab.d.line2": ("陪同 {escort} · {window} · 申请 {by}{approved}{pass_}",
                       "Escort {escort} · {window} · asked by {by}{approved}{pass_}"),
    "errtab.d.approved": (" · 批准 {who}", " · approved by {who}"),
    "errtab.d.pass": (" · 通行证 {no} 第 {gen} 版", " · pass {no} print {gen}"),
    "errtab.d.reason": ("理由：{reason}", "Reason: {reason}"),
    "errtab.d.out": ("出 {out}", "out {out}"),
    "errtab.d.in": ("回 {back}", "in {back}"),
    "errtab.qr_title": ("{number} 号 · {person} · 通行证 {no} 第 {gen} 版  Esc 关闭",
                        "Errand {number} · {person} · pass {no} print {gen}  Esc closes"),
    "errtab.scan_title": ("门口扫码（{gate}）  Esc 关闭", "Gate scan ({gate})  Esc closes"),
})

FILTERS = ("active", "requested", "approved", "issued", "out", "overdue", "back", "expired",
           "rejected", "revoked", "closed", "all")
ACTIVE = {"requested", "approved", "issued", "out", "overdue"}
PAGE = 300
COLUMNS = ("no", "state", "person", "where", "purpose", "window")
_CSS = Path(__file__).with_suffix(".tcss").read_text(encoding="utf-8")


def filter_label(name: str) -> str:
    return i18n.t(f"errtab.filter.{name}") if name in ("active", "all") else errands.state_label(name)


def window_text(e: dict, today: dt.date) -> str:
    start, end = errands.when(e["start"]), errands.when(e["end"])
    head = f"{start:%H:%M}" if start.date() == today else f"{start:%m-%d %H:%M}"
    tail = f"{end:%H:%M}" if end.date() == start.date() else f"{end:%m-%d %H:%M}"
    return f"{head}–{tail}"


def qr_text(code: str) -> Text:
    """The pass QR in half-block characters, explicitly black on white
    (two modules per character cell, so modules come out square)."""
    matrix = slips.qr_matrix(code)
    if len(matrix) % 2:
        matrix = [*matrix, [False] * len(matrix[0])]
    black, white = "#000000", "#ffffff"
    styles = {(a, b): Style(color=black if a else white, bgcolor=black if b else white)
              for a in (False, True) for b in (False, True)}
    text = Text(no_wrap=True, overflow="crop")
    for y in range(0, len(matrix), 2):
        for top, bottom in zip(matrix[y], matrix[y + 1]):
            text.append("▀", styles[(top, bottom)])
        if y + 2 < len(matrix):
            text.append("\n")
    return text


# -- modals --
class ReasonScreen(ModalScreen[str | None]):
    """Ask for a reason (reject, revoke); Enter confirms, Esc cancels."""

    DEFAULT_CSS = _CSS
    AUTO_FOCUS = "#reason"
    BINDINGS = [Binding("escape", "cancel", i18n.t("errtab.key.cancel"))]

    def __init__(self, title: str) -> None:
        super().__init__()
        self.title_text = title

    def compose(self) -> ComposeResult:
        with Vertical(classes="errand-dialog"):
            yield Static(self.title_text, markup=False, classes="title")
            yield Input(id="reason", placeholder=i18n.t("errtab.reason"), max_length=200)
            yield Label("", id="reason-error", classes="error")
        yield Footer()

    @on(Input.Submitted)
    def _submit(self, event: Input.Submitted) -> None:
        if not event.value.strip():
            self.query_one("#reason-error", Label).update(i18n.t("errtab.required"))
            return
        self.dismiss(event.value.strip())

    def action_cancel(self) -> None:
        ask_to_discard(self.app, bool(self.query_one("#reason", Input).value.strip()),
                       lambda: self.dismiss(None))


class QrScreen(ModalScreen[None]):
    """The pass on screen, big enough for a phone to scan from the terminal."""

    DEFAULT_CSS = _CSS
    BINDINGS = [Binding("escape,q", "dismiss", i18n.t("errtab.key.cancel"))]

    def __init__(self, errand: dict) -> None:
        super().__init__()
        self.errand = errand

    def compose(self) -> ComposeResult:
        e = self.errand
        with Vertical(id="qr-card"):
            yield Static(i18n.t("errtab.qr_title", number=e["number"], person=e["person"],
                                no=f"{e['pass_no']:06d}", gen=e["pass_gen"]), markup=False)
            yield Static(qr_text(e["code"]), id="qr")
            yield Static(slips.groups(e["code"]), id="qr-digits", markup=False)


class ScanScreen(ModalScreen[None]):
    """A gate scan window, for a desk that scans from the errands tab."""

    DEFAULT_CSS = _CSS
    AUTO_FOCUS = "ScanField"
    BINDINGS = [Binding("escape", "dismiss", i18n.t("errtab.key.cancel"))]

    def compose(self) -> ComposeResult:
        with Vertical(classes="errand-dialog"):
            yield Static(i18n.t("errtab.scan_title", gate=self.app.gate or "-"), markup=False,
                         classes="title")
            yield ScanPanel()
        yield Footer()


class _DoorValidator(Validator):
    def __init__(self, store) -> None:
        super().__init__()
        self.store = store
        self.household: dict | None = None

    def validate(self, value: str) -> ValidationResult:
        self.household = None
        if not value.strip():
            return self.success()
        try:
            self.household = households.find(self.store, value)
        except DomainError as exc:
            return self.failure(str(exc))
        return self.success()


class _TimeValidator(Validator):
    def validate(self, value: str) -> ValidationResult:
        try:
            errands.parse_time(value)
        except DomainError as exc:
            return self.failure(str(exc))
        return self.success()


class _Required(Validator):
    def validate(self, value: str) -> ValidationResult:
        return self.success() if value.strip() else self.failure(i18n.t("errtab.required"))


FORM_FIELDS = ("door", "org", "person", "phone", "purpose", "items", "destination", "escort",
               "start", "end")


class RequestScreen(ModalScreen[dict | None]):
    """New errand request. Fields validate as you type; Ctrl+S saves."""

    DEFAULT_CSS = _CSS
    AUTO_FOCUS = "#f-door"
    BINDINGS = [Binding("ctrl+s", "save", i18n.t("errtab.key.save")),
                Binding("escape", "cancel", i18n.t("errtab.key.cancel"))]

    def compose(self) -> ComposeResult:
        store = self.app.store
        self.door_check = _DoorValidator(store)
        now = clock.now()
        start = now + dt.timedelta(minutes=(-now.minute) % 5)
        end = start + dt.timedelta(hours=2)
        end_text = f"{end:%H:%M}" if end.date() == start.date() else f"{end:%m-%d %H:%M}"
        names = [m["name"] for m in operators.roster(store, active_only=True)]
        inputs = {
            "door": Input(id="f-door", placeholder=i18n.t("errtab.ph.door"),
                          validators=[self.door_check], max_length=20),
            "org": Input(id="f-org", max_length=40),
            "person": Input(id="f-person", max_length=20),
            "phone": Input(id="f-phone", restrict=r"[0-9０-９+\- ]*", max_length=20),
            "purpose": Input(id="f-purpose", validators=[_Required()], max_length=60),
            "items": Input(id="f-items", max_length=80),
            "destination": Input(id="f-destination", max_length=40),
            "escort": NameSelect([(n, n) for n in names], id="f-escort",
                             prompt=i18n.t("errtab.no_escort")),
            "start": Input(f"{start:%H:%M}", id="f-start", validators=[_TimeValidator()],
                           placeholder=i18n.t("errtab.ph.time"), max_length=16),
            "end": Input(end_text, id="f-end", validators=[_TimeValidator()],
                         placeholder=i18n.t("errtab.ph.time"), max_length=16),
        }
        with Vertical(classes="errand-form"):
            yield Static(i18n.t("errtab.new_title"), classes="title")
            with VerticalScroll(can_focus=False):
                for name in FORM_FIELDS:
                    with Horizontal(classes="form-row"):
                        yield Label(i18n.t(f"errtab.f.{name}"), classes="form-label")
                        yield inputs[name]
                    yield Label("", id=f"e-{name}", classes="error field-error")
            yield Label("", id="e-form", classes="error")
        yield Footer()

    def on_mount(self) -> None:
        self.initial = self._values()  # the proposed times are not "typed"

    def _error(self, name: str, text: str) -> None:
        label = self.query_one(f"#e-{name}", Label)
        label.update(text)
        label.set_class(bool(text), "shown")

    @on(Input.Changed)
    def _changed(self, event: Input.Changed) -> None:
        name = (event.input.id or "")[2:]
        if name not in FORM_FIELDS:
            return
        result = event.validation_result
        self._error(name, "" if result is None or result.is_valid else
                    " ".join(result.failure_descriptions))
        self._error("form", "")
        if name == "door":
            head = self.door_check.household["head"] if self.door_check.household else ""
            self.query_one("#f-person", Input).placeholder = (
                i18n.t("errtab.ph.person", head=head) if head else "")

    @on(Input.Submitted)
    def _next(self, event: Input.Submitted) -> None:
        event.stop()
        if event.input.id == "f-end":
            self.action_save()
        else:
            self.focus_next()

    def _values(self) -> dict[str, str]:
        out = {}
        for name in FORM_FIELDS:
            widget = self.query_one(f"#f-{name}")
            if isinstance(widget, Select):
                out[name] = "" if widget.is_blank() else str(widget.value)
            else:
                out[name] = widget.value
        return out

    def action_save(self) -> None:
        """Save, or mark every wrong field at once (not one per try)."""
        errors: dict[str, str] = {}
        for inp in self.query(Input):
            result = inp.validate(inp.value)
            if result is not None and not result.is_valid:
                errors[inp.id[2:]] = " ".join(result.failure_descriptions)
        _, problems = errands.check_request(self.app.store, **self._values())
        for exc in problems:
            field = {"time": "start"}.get(exc.field or "", exc.field or "form")
            errors.setdefault(field if field in FORM_FIELDS else "form", str(exc))
        for name in (*FORM_FIELDS, "form"):
            self._error(name, errors.get(name, ""))
        if errors:
            first = next((n for n in FORM_FIELDS if n in errors), None)
            if first:
                self._error("form", i18n.t("errtab.fix"))
                self.query_one(f"#f-{first}").focus()
            return
        try:
            errand = errands.request(self.app.store, self.app.actor, **self._values())
        except DomainError as exc:
            self._error("form", str(exc))
            return
        self.dismiss(errand)

    def action_cancel(self) -> None:
        ask_to_discard(self.app, self._values() != self.initial, lambda: self.dismiss(None))


# -- the tab --
class ErrandsTab(Vertical):
    DEFAULT_CSS = _CSS
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
    ]

    def __init__(self) -> None:
        super().__init__()
        self.filter = "active"
        self.rows: dict[str, dict] = {}

    def compose(self) -> ComposeResult:
        yield Static("", id="errand-title", classes="title", markup=False)
        yield DataTable(id="errands", cursor_type="row", zebra_stripes=True)
        yield Static("", id="errand-detail", markup=False)
        yield Label("", id="errand-message", classes="error")

    def on_mount(self) -> None:
        table = self.query_one("#errands", DataTable)
        for key in COLUMNS:
            table.add_column(i18n.t(f"errtab.col.{key}"), key=key)
        self.reload()
        self.app.watch_files(self, lambda: [("errands", None)], self.reload)
        # expired and overdue come from the clock, not from a write
        self.set_interval(30, self.reload)

    def check_action(self, action: str, parameters: tuple) -> bool | None:
        # leader-only keys are hidden from volunteers (console/ refuses them anyway)
        if action in ("approve", "reject", "revoke", "standing"):
            return bool(self.app.actor and self.app.actor.is_leader)
        return True

    def on_show(self) -> None:
        self.query_one("#errands", DataTable).focus()

    # -- table --
    def _wanted(self) -> list[tuple[dict, str]]:
        now = clock.now()
        out = []
        for e in errands.all_errands(self.app.store):
            state = errands.status(e, now)
            if (self.filter == "all" or state == self.filter
                    or (self.filter == "active" and state in ACTIVE)):
                out.append((e, state))
                if len(out) >= PAGE:
                    break
        return out

    def reload(self) -> None:
        table = self.query_one("#errands", DataTable)
        today = clock.today()
        wanted = self._wanted()
        keys = {str(e["number"]) for e, _ in wanted}
        for key in [k.value for k in list(table.rows) if k.value not in keys]:
            table.remove_row(key)
        added = False
        self.rows = {}
        for e, state in wanted:
            key = str(e["number"])
            self.rows[key] = e
            cells = (e["number"], errands.state_label(state), e["person"], errands.where_from(e),
                     e["purpose"], window_text(e, today))
            if key in table.rows:
                for col, value in zip(COLUMNS, cells):
                    if table.get_cell(key, col) != value:
                        table.update_cell(key, col, value)
            else:
                table.add_row(*cells, key=key)
                added = True
        if added:
            table.sort("no", reverse=True)
        self.query_one("#errand-title", Static).update(
            i18n.t("errtab.title", filter=filter_label(self.filter), count=len(wanted)))
        self._show_detail()

    def selected(self) -> dict | None:
        table = self.query_one("#errands", DataTable)
        if not table.row_count:
            return None
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        return self.rows.get(key)

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

    def _do(self, fn, *args, done_key: str = "") -> dict | None:
        try:
            e = fn(self.app.store, self.app.actor, *args)
        except DomainError as exc:
            self._say(str(exc), error=True)
            return None
        if done_key:
            self._say(i18n.t(done_key, number=e["number"]))
        self.reload()
        return e

    def action_cycle_filter(self, step: int) -> None:
        self.filter = FILTERS[(FILTERS.index(self.filter) + step) % len(FILTERS)]
        self.reload()

    def action_new(self) -> None:
        def done(errand: dict | None) -> None:
            if errand:
                self._say(i18n.t("errtab.requested", number=errand["number"]))
                self.reload()
        self.app.push_screen(RequestScreen(), done)

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
        try:
            errands.approve(self.app.store, self.app.actor, e["number"])
        except DomainError as exc:
            if exc.key != "errands.denied_mark":
                self._say(str(exc), error=True)
                return

            def done(reason: str | None) -> None:   # a key-person household: only with a reason
                if reason:
                    self._do(errands.approve, e["number"], reason, done_key="errtab.approved")
            self.app.push_screen(ReasonScreen(str(exc)), done)
            return
        self._say(i18n.t("errtab.approved", number=e["number"]))
        self.reload()

    def _with_reason(self, fn, title_key: str, done_key: str) -> None:
        """Ask for a reason in a modal, then run ``fn`` (reject, revoke)."""
        if not (e := self._current()):
            return

        def done(reason: str | None) -> None:
            if reason:
                self._do(fn, e["number"], reason, done_key=done_key)
        self.app.push_screen(ReasonScreen(i18n.t(title_key, number=e["number"],
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
        self._print(number)

    @work(thread=True, group="print")
    def _print(self, number: int) -> None:
        app, store = self.app, self.app.store
        try:
            printing.require_font()     # never issue a pass that cannot be printed
            errand = errands.issue_pass(store, app.actor, number)
            result = printers.print_slips(store, [errand], gate=app.gate)
        except DomainError as exc:
            app.call_from_thread(self._say, str(exc), True)
            app.call_from_thread(self.reload)
            return
        app.call_from_thread(self._say, result.message)
        app.call_from_thread(self.reload)

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
        from screens.standing import StandingScreen  # noqa: PLC0415  (it uses this module's dialogs)

        self.app.push_screen(StandingScreen())
