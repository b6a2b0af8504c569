"""Households tab: building sheet, key persons, daily roll, grids, import.

b / k / r / g / i switch between the five views. The sheet is a grid of
boxes (floors top-down, doors left to right) moved with the arrow keys;
Space toggles home/away, Enter opens the household (the only place the phone
and the mark's reason are shown unmasked; the opening is logged).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.validation import ValidationResult, Validator
from textual.widgets import ContentSwitcher, DataTable, Footer, Input, Label, Select, Static

from console.core import clock, i18n
from console.households import registry as hh, marks, roll, sheets
from console.core.i18n import DomainError
from console.households.registry_import import ImportReport, import_file
from screens import export
from screens.confirm import ConfirmScreen
from screens.name_select import NameSelect
from screens.purge import PurgeScreen

t = i18n.t

i18n.add({
    "hh.view.sheet": ("楼栋表", "Sheet"),
    "hh.opt.red": ("红 · 确诊", "red · confirmed"),
    "hh.opt.orange": ("橙 · 疑似/发热", "orange · suspected/fever"),
    "hh.opt.yellow": ("黄 · 密接居家隔离", "yellow · close contact"),
    "hh.view.keys": ("重点人员", "Key persons"),
    "hh.view.roll": ("每日体温", "Daily roll"),
    "hh.view.grids": ("网格", "Grids"),
    "hh.view.import": ("导入", "Import"),
    "hh.key.toggle": ("在家/外出", "Home/away"),
    "hh.key.open": ("打开", "Open"),
    "hh.key.prev_b": ("上一栋", "Prev bldg"),
    "hh.key.next_b": ("下一栋", "Next bldg"),
    "hh.key.goto": ("找门牌", "Find door"),
    "hh.key.purge": ("清除旧个人信息", "Purge old data"),
    "hh.key.buildings": ("上/下一栋", "Building"),
    "hh.key.print": ("打印 PDF", "Print PDF"),
    "hh.key.normal": ("正常", "Normal"),
    "hh.key.fever": ("发热", "Fever"),
    "hh.key.clear": ("未报", "Not rep."),
    "hh.key.temp": ("输入体温", "Temp"),
    "hh.key.summary": ("汇总/未报名单", "Summary"),
    "hh.key.prev_day": ("前一天", "Prev day"),
    "hh.key.next_day": ("后一天", "Next day"),
    "hh.key.worker": ("网格员", "Worker"),
    "hh.key.head": ("网格长", "Grid head"),
    "hh.key.leader": ("楼长", "Bldg leader"),
    "hh.key.add_grid": ("加网格", "Add grid"),
    "hh.key.check": ("检查文件", "Check file"),
    "hh.key.import": ("导入", "Import"),
    "hh.key.close": ("关闭", "Close"),
    "hh.key.save_mark": ("保存标记", "Save mark"),
    "hh.key.clear_mark": ("解除标记", "Clear mark"),
    "hh.key.copy": ("复制汇总", "Copy report"),
    "hh.no_buildings": ("还没有楼栋。请在“导入”里导入住户登记表。",
                        "No buildings yet: import the household registry under Import."),
    "hh.sheet_title": ("{building} 栋 · 网格 {grid} · 楼长 {leader} · {households} 户，在家 {home}",
                       "Building {building} · grid {grid} · leader {leader} · {households} households, {home} home"),
    "hh.detail": ("{door} {head} · {members} 人 · {phone} · {home} · 标记：{mark} · 今日：{roll}",
                  "{door} {head} · {members} people · {phone} · {home} · mark: {mark} · today: {roll}"),
    "hh.detail_hidden": ("（原因已隐藏，回车查看）", "(reason hidden: Enter to open)"),
    "hh.toggled": ("{door} 现在{state}。", "{door} is now {state}."),
    "hh.pdf_done": ("已生成 {path}", "Saved {path}"),
    "hh.col.floor": ("层", "Fl"),
    "hh.col.colour": ("颜色", "Mark"),
    "hh.col.door": ("门牌", "Door"),
    "hh.col.head": ("户主", "Head"),
    "hh.col.phone": ("电话", "Phone"),
    "hh.col.since": ("起", "Since"),
    "hh.col.review": ("复查", "Review"),
    "hh.col.reason": ("原因", "Reason"),
    "hh.col.status": ("状态", "Status"),
    "hh.col.temp": ("体温", "Temp"),
    "hh.col.grid": ("网格", "Grid"),
    "hh.col.worker": ("网格员", "Worker"),
    "hh.col.ghead": ("网格长", "Head"),
    "hh.col.buildings": ("楼栋", "Bldgs"),
    "hh.col.households": ("户数", "Homes"),
    "hh.col.building": ("楼栋", "Bldg"),
    "hh.col.floors": ("层数", "Floors"),
    "hh.col.leader": ("楼长", "Leader"),
    "hh.col.expected": ("应报", "Exp."),
    "hh.col.normal": ("正常", "Norm."),
    "hh.col.fever": ("发热", "Fever"),
    "hh.col.missing": ("未报", "Missing"),
    "hh.col.away": ("外出", "Away"),
    "hh.keys_title": ("重点人员 {count} 人 · 按颜色、复查日期 · 电话和原因已隐藏，回车打开",
                      "{count} key persons · by colour, review · phone, reason hidden: Enter opens"),
    "hh.due": ("到期", "due"),
    "hh.roll_title": ("{day} · {building} 栋 · 应报 {expected}，正常 {normal}，发热 {fever}，未报 {missing}",
                      "{day} · bldg {building} · {expected} expected, {normal} normal, {fever} fever, {missing} missing"),
    "hh.temp_placeholder": ("体温（如 36.5 或 365），回车登记并下移", "temperature (36.5 or 365), Enter records"),
    "hh.summary_title": ("{day} 汇总（网格、楼栋）", "{day} summary (grids, buildings)"),
    "hh.missing_title": ("未报名单：{count} 户", "Not reported: {count} households"),
    "hh.total": ("合计", "Total"),
    "hh.grid_row": ("网格 {grid}", "Grid {grid}"),
    "hh.pick_title": ("选择{what}（来自名单）", "Pick the {what} (from the roster)"),
    "hh.pick_none": ("（无）", "(none)"),
    "hh.pick_hint": ("回车展开名单，上下选择，回车保存；Esc 取消。",
                     "Enter opens the list, arrows pick, Enter saves; Esc cancels."),
    "hh.new_grid": ("新网格名称", "New grid's name"),
    "hh.saved": ("已保存。", "Saved."),
    "hh.import_path": (".xlsx 或 .csv 文件路径，回车检查", ".xlsx or .csv file path, Enter checks it"),
    "hh.import_help": ("列：楼号 单元 门牌 户主 电话 人数 网格 楼长 在家（.xlsx，或 UTF-8/GBK 的 CSV）。"
                       "回车只检查；Ctrl+S 导入（确认后）。",
                       "Columns: building unit door head phone members grid leader at_home (.xlsx, or CSV in UTF-8/GBK). "
                       "Enter checks only; Ctrl+S imports (after confirming)."),
    "hh.no_file": ("找不到这个文件。", "No such file."),
    "hh.confirm_import": ("导入 {path}？新增 {added} 户，更新 {updated} 户，拒收 {rejected} 行。",
                          "Import {path}? {added} added, {updated} updated, {rejected} rows rejected."),
    "hh.record_title": ("{door} · {head}", "{door} · {head}"),
    "hh.record_body": ("{building} 栋 {unit} 单元 {floor} 层 · {members} 人 · 电话 {phone} · 网格 {grid} · {home}",
                       "Building {building} unit {unit} floor {floor} · {members} people · phone {phone} · "
                       "grid {grid} · {home}"),
    "hh.record_mark": ("{reason} · 自 {since} · 复查 {review} · {by}",
                       "{reason} · since {since} · review {review} · by {by}"),
    "hh.record_nomark": ("没有标记。", "No mark."),
    "hh.history_line": ("{at} {by} {action} {colour}：{reason}（复查 {review}）",
                        "{at} {by} {action} {colour}: {reason} (review {review})"),
    "hh.reason": ("原因", "Reason"),
    "hh.review": ("复查日期", "Review date"),
    "hh.since": ("开始日期", "Since"),
    "hh.leaders_only": ("只有组长可以修改标记。", "Only a leader can change marks."),
    "hh.confirm_clear": ("解除 {door} 的{colour}标记？原因：{reason}", "Clear {door}'s {colour} mark? Reason: {reason}"),
    "hh.fix_fields": ("请先改正标红的内容。", "Fix the fields marked in red first."),
    "hh.copied": ("汇总已复制。", "Summary copied."),
})

MARK_STYLE = {"red": "bold white on red", "orange": "bold black on dark_orange",
              "yellow": "bold black on yellow"}
AWAY_STYLE = "grey70 on grey23"
BUILDING_KEYS = Binding.Group(t("hh.key.buildings"), compact=True)   # [ ] share one footer label


def mark_letter(colour: str | None) -> str:
    if not colour:
        return ""
    return {"red": "红", "orange": "橙", "yellow": "黄"}[colour] if i18n.lang() == "zh" \
        else colour[0].upper()


def colour_text(colour: str | None, long: bool = False) -> Text:
    if not colour:
        return Text(marks.colour_name(None))
    return Text(f" {marks.colour_name(colour, long)} ", style=MARK_STYLE[colour])


def roll_status(record: dict | None, at_home: bool = True) -> Text:
    if record is None:
        return Text(t("roll.missing") if at_home else t("roll.away"),
                    style="yellow" if at_home else "grey50")
    temp = f" {record['temp']:.1f}" if record.get("temp") is not None else ""
    if record["status"] == "fever":
        return Text(t("roll.fever") + temp, style="bold red")
    return Text(t("roll.normal") + temp, style="green")


def sheet_cell(cell: dict | None, record: dict | None) -> Text:
    if cell is None:
        return Text("")
    letter = mark_letter(cell["colour"])
    if not cell["at_home"]:
        return Text(f"{cell['room']:>4} {letter or '-'}", style=AWAY_STYLE)
    if cell["colour"]:
        return Text(f"{cell['room']:>4} {letter}", style=MARK_STYLE[cell["colour"]])
    flag = " "
    style = ""
    if record is not None:
        flag, style = ("!", "bold red") if record["status"] == "fever" else ("✓", "green")
    text = Text(f"{cell['room']:>4} ")
    text.append(flag, style=style)
    return text


def _error_for(view, exc: DomainError, default: str = "#message") -> None:
    """Show a DomainError under its field (``#err-<field>``) or the view's message."""
    target = view.query(f"#err-{exc.field}") if exc.field else []
    label = target.first() if target else view.query_one(default, Label)
    label.update(str(exc))


class DateValidator(Validator):
    """A date volunteers can type; optionally not before today."""

    def __init__(self, not_past: bool = False, not_future: bool = False):
        super().__init__()
        self.not_past, self.not_future = not_past, not_future

    def validate(self, value: str) -> ValidationResult:
        try:
            day = marks.parse_date(value)
        except DomainError as exc:
            return self.failure(str(exc))
        if self.not_past and day < clock.today():
            return self.failure(t("marks.review_past", review=day.isoformat()))
        if self.not_future and day > clock.today():
            return self.failure(t("marks.since_future"))
        return self.success()


class FileValidator(Validator):
    def validate(self, value: str) -> ValidationResult:
        return self.success() if value and Path(value).expanduser().is_file() \
            else self.failure(t("hh.no_file"))


# --- modals -----------------------------------------------------------------------

class DoorScreen(ModalScreen[str | None]):
    """Type a door (5-302, 5栋302...) to jump to it."""

    BINDINGS = [Binding("escape", "dismiss(None)", t("hh.key.close"))]

    def compose(self) -> ComposeResult:
        with Vertical(classes="hh-dialog"):
            yield Static(t("hh.key.goto"), classes="title")
            yield Input(id="door", placeholder="5-302", max_length=20)
            yield Label("", id="err-door", classes="error")
        yield Footer()

    @on(Input.Submitted, "#door")
    def _go(self, event: Input.Submitted) -> None:
        try:
            door = hh.find(self.app.store, event.value)["door"]
        except DomainError as exc:
            self.query_one("#err-door", Label).update(str(exc))
            return
        self.dismiss(door)


class PickMemberScreen(ModalScreen[str | None]):
    """Pick an active roster member (or none) for a grid or building role."""

    BINDINGS = [Binding("escape", "dismiss(None)", t("hh.key.close"))]

    def __init__(self, what: str, current: str = ""):
        super().__init__()
        self.what, self.current = what, current

    def compose(self) -> ComposeResult:
        from console.core import operators
        names = [m["name"] for m in operators.roster(self.app.store, active_only=True)]
        options = [(t("hh.pick_none"), "")] + [(n, n) for n in names]
        self.initial = self.current if self.current in names else ""
        with Vertical(classes="hh-dialog"):
            yield Static(t("hh.pick_title", what=self.what), classes="title")
            yield NameSelect(options, id="member", allow_blank=False, value=self.initial)
            yield Static(t("hh.pick_hint"), markup=False)
        yield Footer()

    def on_mount(self) -> None:
        self.query_one(Select).focus()

    @on(Select.Changed)
    def _changed(self, event: Select.Changed) -> None:
        if not self.query_one(Select).expanded and event.value != self.initial:
            self.dismiss(str(event.value))


class NewGridScreen(ModalScreen[str | None]):
    BINDINGS = [Binding("escape", "dismiss(None)", t("hh.key.close"))]

    def compose(self) -> ComposeResult:
        with Vertical(classes="hh-dialog"):
            yield Static(t("hh.new_grid"), classes="title")
            yield Input(id="grid", max_length=12)
            yield Label("", id="err-grid", classes="error")
        yield Footer()

    @on(Input.Submitted)
    def _save(self, event: Input.Submitted) -> None:
        try:
            hh.add_grid(self.app.store, self.app.actor, event.value)
        except DomainError as exc:
            self.query_one("#err-grid", Label).update(str(exc))
            return
        self.dismiss(event.value)


class HouseholdScreen(ModalScreen[None]):
    """One household opened: unmasked phone and mark, its mark history, and
    (for leaders) the mark form."""

    BINDINGS = [
        Binding("escape", "dismiss", t("hh.key.close")),
        Binding("ctrl+s", "save", t("hh.key.save_mark")),
        Binding("ctrl+g", "clear", t("hh.key.clear_mark")),
        Binding("ctrl+y", "toggle_home", t("hh.key.toggle")),
    ]

    def __init__(self, door: str):
        super().__init__()
        self.door = door

    def compose(self) -> ComposeResult:
        leader = self.app.actor.is_leader
        today = clock.today().isoformat()
        with Vertical(classes="modal-card"):
            yield Static("", id="rec-title", classes="title", markup=False)
            yield Static("", id="rec-body", markup=False)
            yield Static("", id="rec-mark", markup=False)
            yield VerticalScroll(Static("", id="rec-history", markup=False), id="rec-history-box")
            if not leader:
                yield Label(t("hh.leaders_only"), classes="hh-note")
            with Horizontal(classes="hh-form-row"):
                with Vertical(classes="hh-field"):
                    yield Select([(t(f"hh.opt.{c}"), c) for c in marks.COLOURS],
                                 id="colour", allow_blank=False, value="yellow", disabled=not leader)
                    yield Label("", id="err-colour", classes="error")
                with Vertical(classes="hh-field"):
                    yield Input(id="review", placeholder=t("hh.review") + " 3-19",
                                validators=[DateValidator(not_past=True)], disabled=not leader)
                    yield Label("", id="err-review", classes="error")
            with Horizontal(classes="hh-form-row"):
                with Vertical(classes="hh-field hh-wide"):
                    yield Input(id="reason", placeholder=t("hh.reason"), max_length=60,
                                disabled=not leader)
                    yield Label("", id="err-reason", classes="error")
                with Vertical(classes="hh-field"):
                    yield Input(today, id="since", placeholder=t("hh.since"),
                                validators=[DateValidator(not_future=True)], disabled=not leader)
                    yield Label("", id="err-since", classes="error")
            yield Label("", id="message", classes="error")
        yield Footer()

    def on_mount(self) -> None:
        for key, title in (("colour", "hh.col.colour"), ("review", "hh.review"),
                           ("reason", "hh.reason"), ("since", "hh.since")):
            self.query_one(f"#{key}").border_title = t(title)
        self.load(opening=True)
        self.app.watch_files(self, lambda: [("households", None), ("marks", None)], self.load)

    def load(self, opening: bool = False) -> None:
        if opening:
            rec = marks.open_record(self.app.store, self.app.actor, self.door)
        else:
            rec = marks.read_record(self.app.store, self.door)
        home = t("households.home" if rec.get("at_home", True) else "households.away")
        self.query_one("#rec-title", Static).update(t("hh.record_title", door=rec["door"], head=rec["head"]))
        self.query_one("#rec-body", Static).update(t(
            "hh.record_body", building=rec["building"], unit=rec.get("unit", 1), floor=rec["floor"],
            members=rec["members"], phone=rec.get("phone") or "—", grid=rec["grid"], home=home))
        m = rec["mark"]
        mark_line = Text(t("hh.record_nomark"))
        if m:
            mark_line = colour_text(m["colour"], long=True) + Text(" " + t(
                "hh.record_mark", reason=m["reason"], since=m["since"], review=m["review"],
                by=m.get("by", "")))
        self.query_one("#rec-mark", Static).update(mark_line)
        lines = [t("hh.history_line", at=h["at"][:16].replace("T", " "), by=h.get("by", ""),
                   action=t(f"marks.action.{h['action']}"),
                   colour=marks.colour_name(h["colour"] or h.get("before")), reason=h["reason"],
                   review=h["review"]) for h in reversed(rec["history"])]
        self.query_one("#rec-history", Static).update("\n".join(lines))
        if m and not self.query_one("#reason", Input).value:
            self.query_one("#colour", Select).value = m["colour"]
            self.query_one("#reason", Input).value = m["reason"]
            self.query_one("#review", Input).value = m["review"]
            self.query_one("#since", Input).value = m["since"]
        self.record = rec

    def _clear_errors(self) -> None:
        for label in self.query(".error"):
            label.update("")

    def action_save(self) -> None:
        self._clear_errors()
        if self.app.actor.is_leader:
            bad = False
            for key in ("review", "since"):
                field = self.query_one(f"#{key}", Input)
                result = field.validate(field.value)
                if result is not None and not result.is_valid:
                    bad = True
                    self.query_one(f"#err-{key}", Label).update("; ".join(result.failure_descriptions))
            if bad:  # saving is blocked while a field is invalid
                self.query_one("#message", Label).update(t("hh.fix_fields"))
                return
        try:
            marks.set_mark(self.app.store, self.app.actor, self.door,
                           str(self.query_one("#colour", Select).value),
                           self.query_one("#reason", Input).value,
                           self.query_one("#review", Input).value,
                           since=self.query_one("#since", Input).value or None)
        except DomainError as exc:
            _error_for(self, exc)
            return
        self.query_one("#message", Label).update(t("hh.saved"))
        self.load()

    def action_clear(self) -> None:
        self._clear_errors()
        mark = self.record.get("mark")
        reason = self.query_one("#reason", Input).value
        if not self.app.actor.is_leader or not mark:
            try:
                marks.clear_mark(self.app.store, self.app.actor, self.door, reason)
            except DomainError as exc:
                _error_for(self, exc)
            return
        if mark and reason == mark["reason"]:
            reason = ""
        if not reason.strip():
            self.query_one("#err-reason", Label).update(t("marks.no_reason"))
            self.query_one("#reason", Input).value = ""
            self.query_one("#reason", Input).focus()
            return

        def done(yes: bool | None) -> None:
            if not yes:
                return
            try:
                marks.clear_mark(self.app.store, self.app.actor, self.door, reason)
            except DomainError as exc:
                _error_for(self, exc)
                return
            self.query_one("#message", Label).update(t("hh.saved"))
            self.load()

        self.app.push_screen(ConfirmScreen(t("hh.confirm_clear", door=self.door,
                                             colour=marks.colour_name(mark["colour"]),
                                             reason=reason)), done)

    def action_toggle_home(self) -> None:
        hh.set_at_home(self.app.store, self.app.actor, self.door,
                       not self.record.get("at_home", True))
        self.load()


class SummaryScreen(ModalScreen[None]):
    """Per-grid and per-building roll summary, and the not-reported list."""

    BINDINGS = [Binding("escape", "dismiss", t("hh.key.close")),
                Binding("c", "copy", t("hh.key.copy")),
                export.binding("roll", "e", named=True),
                export.binding("not-reported", "u", named=True)]

    def __init__(self, day: str):
        super().__init__()
        self.day = day

    def compose(self) -> ComposeResult:
        with Vertical(classes="modal-card"):
            yield Static(t("hh.summary_title", day=self.day), classes="hh-line", markup=False)
            yield DataTable(id="summary", cursor_type="row", zebra_stripes=True)
            yield Static("", id="missing-title", classes="hh-line", markup=False)
            yield DataTable(id="missing", cursor_type="row")
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one("#summary", DataTable)
        for key in ("grid", "households", "away", "expected", "normal", "fever", "missing"):
            table.add_column(t(f"hh.col.{key}" if key != "grid" else "hh.col.building"), key=key)
        miss = self.query_one("#missing", DataTable)
        for key in ("door", "head", "phone", "grid"):
            miss.add_column(t(f"hh.col.{key}"), key=key)
        self.load()

    @work(thread=True, exclusive=True)
    def load(self) -> None:
        s = roll.summary(self.app.store, self.day)
        missing = roll.not_reported(self.app.store, self.day)
        self.app.call_from_thread(self._show, s, missing)

    def _show(self, s: dict, missing: list[dict]) -> None:
        table = self.query_one("#summary", DataTable)
        cols = ("households", "away", "expected", "normal", "fever", "missing")

        def cells(row: dict) -> list:
            return [row[c] if c != "fever" or not row[c] else Text(str(row[c]), style="bold red")
                    for c in cols]

        table.add_row(Text(t("hh.total"), style="bold"), *cells(s["total"]), key="total")
        for g in s["grids"]:
            table.add_row(Text(t("hh.grid_row", grid=g["grid"]), style="bold"), *cells(g),
                          key=f"g{g['grid']}")
        for b in s["buildings"]:
            table.add_row(f"  {b['building']}", *cells(b), key=f"b{b['building']}")
        self.query_one("#missing-title", Static).update(t("hh.missing_title", count=len(missing)))
        miss = self.query_one("#missing", DataTable)
        for m in missing:
            miss.add_row(m["door"], m["head"], m["phone"], m["grid"], key=m["door"])
        self.summary = s

    def action_copy(self) -> None:
        self.app.copy_to_clipboard(roll.report_text(self.app.store, self.day))
        self.notify(t("hh.copied"))

    def action_export(self, what: str) -> None:
        export.run(self, what, [self.day])


# --- views ------------------------------------------------------------------------

class _View(Vertical):
    @property
    def tab(self) -> HouseholdsTab:
        return self.query_ancestor(HouseholdsTab)

    def reload(self) -> None:  # pragma: no cover - overridden
        pass

    def focus_main(self) -> None:
        tables = self.query(DataTable)
        if tables:
            tables.first().focus()


class SheetView(_View):
    BINDINGS = [
        Binding("space", "toggle_home", t("hh.key.toggle")),
        Binding("o", "open", t("hh.key.open")),
        Binding("left_square_bracket", "building(-1)", t("hh.key.prev_b"), key_display="[",
                group=BUILDING_KEYS),
        Binding("right_square_bracket", "building(1)", t("hh.key.next_b"), key_display="]",
                group=BUILDING_KEYS),
        Binding("ctrl+left", "building(-1)", t("hh.key.prev_b"), show=False),
        Binding("ctrl+right", "building(1)", t("hh.key.next_b"), show=False),
        Binding("d", "goto", t("hh.key.goto")),
        Binding("p", "print", t("hh.key.print")),
    ]

    def __init__(self, **kw):
        super().__init__(**kw)
        self.data: dict | None = None
        self.shape: tuple = ()

    def compose(self) -> ComposeResult:
        yield Static("", id="sheet-title", classes="hh-line", markup=False)
        yield DataTable(id="sheet-table", cursor_type="cell", zebra_stripes=False)
        yield Static("", id="sheet-detail", classes="hh-line", markup=False)

    def reload(self) -> None:
        tab = self.tab
        table = self.query_one("#sheet-table", DataTable)
        if tab.building is None:
            self.query_one("#sheet-title", Static).update(t("hh.no_buildings"))
            table.clear(columns=True)
            self.data, self.shape = None, ()
            return
        data = sheets.sheet(self.app.store, tab.building)
        reports = roll.day_reports(self.app.store)
        # every door of a floor in sight: on a narrow terminal the cells lose their padding
        tight = bool(self.size.width) and 4 + 9 * len(data["columns"]) > self.size.width
        shape = (data["building"], tuple(data["columns"]), tuple(f["floor"] for f in data["floors"]),
                 tight)
        if shape != self.shape:
            table.cell_padding = 0 if tight else 1
            table.clear(columns=True)
            table.add_column(t("hh.col.floor"), key="floor")
            for suffix in data["columns"]:
                table.add_column(suffix, key=suffix, width=7)
            for fl in data["floors"]:
                table.add_row(Text(f"{fl['floor']:>2}", style="bold"),
                              *[sheet_cell(fl["cells"].get(s), reports.get(
                                  fl["cells"].get(s, {}).get("door"))) for s in data["columns"]],
                              key=str(fl["floor"]))
            self.shape = shape
            if data["floors"]:
                table.move_cursor(row=len(data["floors"]) - 1, column=1)
        else:
            old = {(str(f["floor"]), s): c for f in self.data["floors"] for s, c in f["cells"].items()}
            old_reports = self._reports
            for fl in data["floors"]:
                for s, cell in fl["cells"].items():
                    before = old.get((str(fl["floor"]), s))
                    door = cell["door"]
                    if before != cell or old_reports.get(door) != reports.get(door):
                        table.update_cell(str(fl["floor"]), s, sheet_cell(cell, reports.get(door)))
        self.data, self._reports = data, reports
        self.query_one("#sheet-title", Static).update(t(
            "hh.sheet_title", building=data["building"], grid=data["grid"], leader=data["leader"] or "—",
            households=data["households"], home=data["home"]))
        self._detail()

    def on_resize(self) -> None:
        self.reload()

    def current(self) -> dict | None:
        table = self.query_one("#sheet-table", DataTable)
        if not self.data or not table.row_count:
            return None
        row, col = table.cursor_coordinate
        if col == 0 or row >= len(self.data["floors"]):
            return None
        return self.data["floors"][row]["cells"].get(self.data["columns"][col - 1])

    def select(self, door: str) -> None:
        if not self.data:
            return
        for r, fl in enumerate(self.data["floors"]):
            for c, s in enumerate(self.data["columns"]):
                if fl["cells"].get(s, {}).get("door") == door:
                    self.query_one("#sheet-table", DataTable).move_cursor(row=r, column=c + 1)
                    return

    @on(DataTable.CellHighlighted, "#sheet-table")
    def _detail(self, _event=None) -> None:
        cell = self.current()
        label = self.query_one("#sheet-detail", Static)
        if cell is None:
            label.update("")
            return
        house = next((h for h in hh.in_building(self.app.store, self.data["building"])
                      if h["door"] == cell["door"]), None)
        if house is None:
            return
        mark = marks.colour_name(cell["colour"], long=True)
        if cell["colour"]:
            mark += " " + t("hh.detail_hidden")
        label.update(t("hh.detail", door=cell["door"], head=house["head"], members=house["members"],
                       phone=hh.mask_phone(house.get("phone")) or "—",
                       home=t("households.home" if cell["at_home"] else "households.away"),
                       mark=mark, roll=roll_status(self._reports.get(cell["door"]),
                                                   cell["at_home"]).plain))

    @on(DataTable.CellSelected, "#sheet-table")
    def _selected(self) -> None:
        self.action_open()

    def action_open(self) -> None:
        cell = self.current()
        if cell:
            self.app.push_screen(HouseholdScreen(cell["door"]), lambda _: self.reload())

    def action_toggle_home(self) -> None:
        cell = self.current()
        if not cell:
            return
        house = hh.set_at_home(self.app.store, self.app.actor, cell["door"], not cell["at_home"])
        self.reload()
        state = t("households.home" if house["at_home"] else "households.away")
        self.notify(t("hh.toggled", door=house["door"], state=state), markup=False)

    def action_building(self, step: int) -> None:
        self.tab.step_building(step)

    def action_goto(self) -> None:
        def go(door: str | None) -> None:
            if door:
                self.tab.building = int(door.split("-")[0])
                self.reload()
                self.select(door)
        self.app.push_screen(DoorScreen(), go)

    def action_print(self) -> None:
        if self.tab.building is not None:
            self._print(self.tab.building)

    @work(thread=True, exclusive=True, group="pdf")
    def _print(self, number: int) -> None:
        try:
            path = sheets.sheet_pdf(self.app.store, number)
        except DomainError as exc:
            self.app.call_from_thread(self.notify, str(exc), severity="error", markup=False)
            return
        self.app.call_from_thread(self.notify, t("hh.pdf_done", path=path), markup=False)


class KeyPersonsView(_View):
    BINDINGS = [Binding("o", "open", t("hh.key.open")), export.binding("key-persons")]

    def action_export(self, what: str) -> None:
        export.run(self, what)

    def __init__(self, **kw):
        super().__init__(**kw)
        self.order: list[str] = []

    def compose(self) -> ComposeResult:
        yield Static("", id="keys-title", classes="hh-line", markup=False)
        yield DataTable(id="keys-table", cursor_type="row", zebra_stripes=True)

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        for key in ("colour", "door", "head", "phone", "since", "review", "reason"):
            table.add_column(t(f"hh.col.{key}"), key=key)

    def reload(self) -> None:
        rows = marks.key_persons(self.app.store, masked=True)
        table = self.query_one(DataTable)
        self.query_one("#keys-title", Static).update(t("hh.keys_title", count=len(rows)))

        def cells(r: dict) -> list:
            review = Text(r["review"], style="bold red" if r["due"] else "")
            if r["due"]:
                review.append(" " + t("hh.due"))
            return [colour_text(r["colour"]), r["door"], r["head"], r["phone"], r["since"], review,
                    r["reason"]]

        order = [r["door"] for r in rows]
        if order != self.order:
            keep = table.cursor_row
            table.clear()
            for r in rows:
                table.add_row(*cells(r), key=r["door"])
            self.order = order
            if rows:
                table.move_cursor(row=min(keep, len(rows) - 1))
        else:
            for r in rows:
                for col, value in zip(("colour", "door", "head", "phone", "since", "review", "reason"),
                                      cells(r)):
                    table.update_cell(r["door"], col, value)

    @on(DataTable.RowSelected, "#keys-table")
    def _selected(self) -> None:
        self.action_open()

    def action_open(self) -> None:
        table = self.query_one(DataTable)
        if table.row_count:
            door = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
            self.app.push_screen(HouseholdScreen(door), lambda _: self.reload())


class RollView(_View):
    BINDINGS = [
        Binding("n", "mark('normal')", t("hh.key.normal")),
        Binding("f", "mark('fever')", t("hh.key.fever")),
        Binding("x", "mark(None)", t("hh.key.clear")),
        Binding("t", "temp", t("hh.key.temp")),
        Binding("escape", "table", t("hh.key.close"), show=False),
        Binding("s", "summary", t("hh.key.summary")),
        Binding("left_square_bracket", "building(-1)", t("hh.key.prev_b"), key_display="[",
                group=BUILDING_KEYS),
        Binding("right_square_bracket", "building(1)", t("hh.key.next_b"), key_display="]",
                group=BUILDING_KEYS),
        Binding("ctrl+left", "day(-1)", t("hh.key.prev_day"), show=False),
        Binding("ctrl+right", "day(1)", t("hh.key.next_day"), show=False),
    ]

    def __init__(self, **kw):
        super().__init__(**kw)
        self.day = clock.today().isoformat()
        self.shown: tuple = ()
        self.houses: dict[str, dict] = {}
        self.reports: dict[str, dict] = {}

    def compose(self) -> ComposeResult:
        yield Static("", id="roll-title", classes="hh-line", markup=False)
        yield DataTable(id="roll-table", cursor_type="row", zebra_stripes=True)
        yield Input(id="roll-temp", placeholder=t("hh.temp_placeholder"), restrict=r"[0-9.,]{0,5}",
                    max_length=5)
        yield Label("", id="err-temp", classes="error")

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        for key in ("door", "head", "status", "colour"):
            table.add_column(t(f"hh.col.{key}"), key=key)

    def reload(self) -> None:
        tab = self.tab
        table = self.query_one(DataTable)
        if tab.building is None:
            table.clear()
            self.shown = ()
            return
        houses = hh.in_building(self.app.store, tab.building)
        reports = roll.day_reports(self.app.store, self.day)
        current = marks.current(self.app.store)
        shown = (self.day, tab.building, tuple(h["door"] for h in houses))
        if shown != self.shown:
            table.clear()
            for h in houses:
                table.add_row(h["door"], h["head"], roll_status(reports.get(h["door"]), h["at_home"]),
                              Text(mark_letter(current.get(h["door"], {}).get("colour")),
                                   style=MARK_STYLE.get(current.get(h["door"], {}).get("colour"), "")),
                              key=h["door"])
            self.shown = shown
        else:
            for h in houses:
                d = h["door"]
                if reports.get(d) != self.reports.get(d) or h != self.houses.get(d):
                    table.update_cell(d, "status", roll_status(reports.get(d), h["at_home"]))
                colour = current.get(d, {}).get("colour")
                table.update_cell(d, "colour", Text(mark_letter(colour), style=MARK_STYLE.get(colour, "")))
        self.houses = {h["door"]: h for h in houses}
        self.reports = reports
        s = roll.summary(self.app.store, self.day, houses)["total"]
        self.query_one("#roll-title", Static).update(t("hh.roll_title", day=self.day,
                                                       building=tab.building, **s))

    def _door(self) -> str | None:
        table = self.query_one(DataTable)
        if not table.row_count:
            return None
        return table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value

    def _record(self, status: str | None, temp: str | None = None) -> bool:
        door = self._door()
        if door is None:
            return False
        self.query_one("#err-temp", Label).update("")
        try:
            roll.report(self.app.store, self.app.actor, door, status, temp, day=self.day)
        except DomainError as exc:
            self.query_one("#err-temp", Label).update(str(exc))
            return False
        self.reload()
        table = self.query_one(DataTable)
        table.move_cursor(row=table.cursor_row + 1)
        return True

    def action_mark(self, status: str | None) -> None:
        self._record(status)

    def action_temp(self) -> None:
        self.query_one("#roll-temp", Input).focus()

    def action_table(self) -> None:
        self.query_one(DataTable).focus()

    @on(Input.Submitted, "#roll-temp")
    def _temp(self, event: Input.Submitted) -> None:
        try:
            value = roll.parse_temp(event.value)
        except DomainError as exc:
            self.query_one("#err-temp", Label).update(str(exc))
            return
        if value is None:
            return
        if self._record("fever" if value >= roll.FEVER_AT else "normal", str(value)):
            event.input.value = ""

    def action_summary(self) -> None:
        self.app.push_screen(SummaryScreen(self.day))

    def action_building(self, step: int) -> None:
        self.tab.step_building(step)

    def action_day(self, step: int) -> None:
        day = dt.date.fromisoformat(self.day) + dt.timedelta(days=step)
        if day <= clock.today():
            self.day = day.isoformat()
            self.reload()


class GridsView(_View):
    BINDINGS = [
        Binding("w", "member('worker')", t("hh.key.worker")),
        Binding("h", "member('head')", t("hh.key.head")),
        Binding("l", "member('leader')", t("hh.key.leader")),
        Binding("a", "add_grid", t("hh.key.add_grid")),
        Binding("p", "purge", t("hh.key.purge")),
    ]

    def check_action(self, action: str, parameters: tuple) -> bool | None:
        if action == "purge":   # leaders only: not even shown to a volunteer
            return self.app.actor is not None and self.app.actor.role == "leader"
        return True

    def action_purge(self) -> None:
        self.app.push_screen(PurgeScreen())

    def compose(self) -> ComposeResult:
        yield DataTable(id="grids-table", cursor_type="row")
        yield DataTable(id="bld-table", cursor_type="row", zebra_stripes=True)

    def on_mount(self) -> None:
        g = self.query_one("#grids-table", DataTable)
        for key in ("grid", "worker", "ghead", "buildings", "households"):
            g.add_column(t(f"hh.col.{key}"), key=key)
        b = self.query_one("#bld-table", DataTable)
        for key in ("building", "grid", "floors", "households", "leader"):
            b.add_column(t(f"hh.col.{key}"), key=key)

    def reload(self) -> None:
        store = self.app.store
        g = self.query_one("#grids-table", DataTable)
        rows = hh.grids(store)
        for r in rows:
            cells = (r["grid"], r["worker"] or "—", r["head"] or "—",
                     ",".join(map(str, r["buildings"])), r["households"])
            if r["grid"] in g.rows:
                for col, v in zip(("grid", "worker", "ghead", "buildings", "households"), cells):
                    g.update_cell(r["grid"], col, v)
            else:
                g.add_row(*cells, key=r["grid"])
        counts: dict[int, int] = {}
        for h in store.table("households").all():
            counts[h["building"]] = counts.get(h["building"], 0) + 1
        b = self.query_one("#bld-table", DataTable)
        for bl in hh.buildings(store):
            key = str(bl["number"])
            cells = (bl["number"], bl["grid"], bl.get("floors") or "", counts.get(bl["number"], 0),
                     bl.get("leader") or "—")
            if key in b.rows:
                for col, v in zip(("building", "grid", "floors", "households", "leader"), cells):
                    b.update_cell(key, col, v)
            else:
                b.add_row(*cells, key=key)

    def _key(self, table_id: str) -> str | None:
        table = self.query_one(table_id, DataTable)
        if not table.row_count:
            return None
        return table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value

    def action_member(self, role: str) -> None:
        store, actor = self.app.store, self.app.actor
        if role == "leader":
            key = self._key("#bld-table")
            if key is None:
                return
            current = hh.building(store, int(key)).get("leader", "")

            def save(name: str | None) -> None:
                if name is not None:
                    self._do(hh.set_building_leader, store, actor, int(key), name)
        else:
            key = self._key("#grids-table")
            if key is None:
                return
            current = next((g[role] for g in hh.grids(store) if g["grid"] == key), "")

            def save(name: str | None) -> None:
                if name is not None:
                    self._do(hh.set_grid, store, actor, key, **{role: name})
        what = t({"worker": "hh.key.worker", "head": "hh.key.head", "leader": "hh.key.leader"}[role])
        self.app.push_screen(PickMemberScreen(what, current), save)

    def _do(self, fn, *args, **kw) -> None:
        try:
            fn(*args, **kw)
        except DomainError as exc:
            self.notify(str(exc), severity="error", markup=False)
            return
        self.notify(t("hh.saved"))
        self.reload()

    def action_add_grid(self) -> None:
        try:
            from console.core.operators import require_leader
            require_leader(self.app.store, self.app.actor, "households.what.registry")
        except DomainError as exc:
            self.notify(str(exc), severity="error", markup=False)
            return
        self.app.push_screen(NewGridScreen(), lambda g: g and self.reload())


class ImportView(_View):
    BINDINGS = [Binding("ctrl+s", "import", t("hh.key.import")),
                Binding("escape", "leave", t("hh.view.sheet"), show=False)]

    def action_leave(self) -> None:
        self.tab.action_view("sheet")

    def compose(self) -> ComposeResult:
        yield Static(t("hh.import_help"), classes="hh-help", markup=False)
        yield Input(id="import-path", placeholder=t("hh.import_path"), validators=[FileValidator()])
        yield Label("", id="err-file", classes="error")
        yield VerticalScroll(Static("", id="import-report", markup=False), id="import-box")

    def focus_main(self) -> None:
        self.query_one("#import-path", Input).focus()

    def _path(self) -> Path | None:
        field = self.query_one("#import-path", Input)
        result = field.validate(field.value)
        if result is not None and not result.is_valid:
            self.query_one("#err-file", Label).update("; ".join(result.failure_descriptions))
            return None
        self.query_one("#err-file", Label).update("")
        return Path(field.value).expanduser()

    @on(Input.Submitted, "#import-path")
    def _check(self) -> None:
        if path := self._path():
            self._run(path, write=False)

    def action_import(self) -> None:
        if path := self._path():
            self._run(path, write=False, then_confirm=True)

    @work(thread=True, exclusive=True, group="import")
    def _run(self, path: Path, write: bool, then_confirm: bool = False) -> None:
        try:
            report = import_file(self.app.store, self.app.actor, path, write=write)
        except DomainError as exc:
            self.app.call_from_thread(self.query_one("#err-file", Label).update, str(exc))
            return
        self.app.call_from_thread(self._show, path, report, then_confirm)

    def _show(self, path: Path, report: ImportReport, then_confirm: bool) -> None:
        self.query_one("#import-report", Static).update("\n".join(report.lines()))
        if report.written:
            self.tab.reload_all()
        if then_confirm and not report.fatal and (report.added or report.updated):
            question = t("hh.confirm_import", path=path.name, added=report.added,
                         updated=report.updated, rejected=len(report.rejected))
            self.app.push_screen(ConfirmScreen(question),
                                 lambda yes: yes and self._run(path, write=True))


# --- the tab ----------------------------------------------------------------------

class HouseholdsTab(Vertical):
    DEFAULT_CSS = (Path(__file__).with_suffix(".tcss")).read_text(encoding="utf-8")
    SCOPED_CSS = False  # the modals below use these styles too
    BINDINGS = [
        Binding("b", "view('sheet')", t("hh.view.sheet"), show=False),
        Binding("k", "view('keys')", t("hh.view.keys"), show=False),
        Binding("r", "view('roll')", t("hh.view.roll"), show=False),
        Binding("g", "view('grids')", t("hh.view.grids"), show=False),
        Binding("i", "view('import')", t("hh.view.import"), show=False),
    ]

    def __init__(self) -> None:
        super().__init__(id="households")
        self.building: int | None = None

    def compose(self) -> ComposeResult:
        yield Static("", id="hh-nav", markup=False)
        with ContentSwitcher(initial="hh-sheet", id="hh-views"):
            yield SheetView(id="hh-sheet")
            yield KeyPersonsView(id="hh-keys")
            yield RollView(id="hh-roll")
            yield GridsView(id="hh-grids")
            yield ImportView(id="hh-import")

    def on_mount(self) -> None:
        numbers = [b["number"] for b in hh.buildings(self.app.store)]
        self.building = numbers[0] if numbers else None
        self.app.watch_files(self, self._files, self.reload)
        self.reload()

    def _files(self) -> list[tuple[str, str | None]]:
        return [("households", None), ("buildings", None), ("grids", None), ("marks", None),
                ("roll", clock.today().isoformat())]

    @property
    def view(self) -> _View:
        switcher = self.query_one(ContentSwitcher)
        return switcher.query_one(f"#{switcher.current}", _View)

    def reload(self) -> None:
        if self.building is None:
            numbers = [b["number"] for b in hh.buildings(self.app.store)]
            self.building = numbers[0] if numbers else None
        self._nav()
        self.view.reload()

    def reload_all(self) -> None:
        self.building = None
        self.reload()

    def action_view(self, name: str) -> None:
        self.query_one(ContentSwitcher).current = f"hh-{name}"
        self.reload()
        self.view.focus_main()

    def on_show(self) -> None:
        self.call_after_refresh(self.view.focus_main)

    def _nav(self) -> None:
        current = self.query_one(ContentSwitcher).current
        text = Text()
        for key, name in (("b", "sheet"), ("k", "keys"), ("r", "roll"), ("g", "grids"),
                          ("i", "import")):
            style = "bold reverse" if current == f"hh-{name}" else ""
            text.append(f" {key} ", style="bold")
            text.append(t(f"hh.view.{name}"), style=style)
            text.append(" ")
        self.query_one("#hh-nav", Static).update(text)

    def step_building(self, step: int) -> None:
        numbers = [b["number"] for b in hh.buildings(self.app.store)]
        if not numbers:
            return
        i = numbers.index(self.building) if self.building in numbers else 0
        self.building = numbers[(i + step) % len(numbers)]
        self.reload()
