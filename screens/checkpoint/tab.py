"""The Checkpoint tab (F1): the gate entry form, the scan field and one page of the day's log."""

from __future__ import annotations

from pathlib import Path

from rich.text import Text
from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import (DataTable, Input, Label, Select, Static, TabbedContent, TabPane)

from console.checkpoint import corrections, shifts, visitors
from console.checkpoint import gate as cp
from console.core import clock, i18n
from console.core.i18n import DomainError
from screens import export
from screens.widgets.text_prompt import TextPrompt
from screens.checkpoint.inside import InsideScreen, inside_line
from screens.checkpoint.log import LogTable
from screens.checkpoint.rules import RulesScreen
from screens.checkpoint.verdict import row_detail, verdict_text
from screens.widgets.confirm import ask_to_discard
from screens.errands.scan import ScanField
from screens.checkpoint.cells import COLUMNS, DEFAULTS, FIELDS, FORM_OUTCOMES, INPUTS, OUTCOME_KEYS, options, row_cells
from screens.checkpoint.fields import KeyedSelect, labelled
from screens.checkpoint.recall import RecallScreen
from screens.checkpoint.shift import ShiftScreen
from screens.checkpoint.gates import GatesScreen, RequestsScreen
from screens import messages


class CheckpointTab(Vertical):
    """The gate desk: entry form, scan field, the day's log."""

    DEFAULT_CSS = Path(__file__).with_name("checkpoint.tcss").read_text(encoding="utf-8")
    BINDINGS = [
        Binding("ctrl+s", "save", i18n.t("checkpoint.key.save"), priority=True),
        *(Binding(key, f"outcome('{code}')", cp.label("outcome", code), priority=True)
          for key, code in OUTCOME_KEYS.items()),
        Binding("escape", "escape", i18n.t("checkpoint.key.clear")),
        # Ctrl+N recall, Ctrl+K scan and Ctrl+F find are in Ctrl+P and the README: the
        # footer has room for saving, the outcome keys, clearing and the shift
        Binding("ctrl+n", "recall", i18n.t("checkpoint.key.recall"), priority=True, show=False),
        Binding("ctrl+k", "scan", i18n.t("checkpoint.key.scan"), priority=True, show=False),
        Binding("ctrl+f", "find", i18n.t("checkpoint.key.find"), priority=True, show=False),
        Binding("ctrl+y", "shift", i18n.t("checkpoint.key.shift"), priority=True),
        export.binding("checkpoint", show=False),   # in Ctrl+P: the footer has room for the form's keys only
        Binding("ctrl+g", "gates", i18n.t("checkpoint.key.gates"), priority=True, show=False),
        Binding("ctrl+b", "requests", i18n.t("checkpoint.key.requests"), priority=True, show=False),
        Binding("f9", "inside", i18n.t("gateui.key.inside"), priority=True, show=False),  # on the count
        Binding("f10", "rules", i18n.t("gateui.key.rules"), priority=True, show=False),
        Binding("pageup", "page(-1)", i18n.t("checkpoint.key.prev_page"), priority=True, show=False),
        Binding("pagedown", "page(1)", i18n.t("checkpoint.key.next_page"), priority=True, show=False),
        Binding("ctrl+pageup", "day(-1)", i18n.t("checkpoint.key.prev_day"), priority=True, show=False),
        Binding("ctrl+pagedown", "day(1)", i18n.t("checkpoint.key.next_day"), priority=True,
                show=False),
    ]

    #: show the last handover note when the tab mounts (i.e. after each sign-in)
    SHOW_HANDOVER = True

    def __init__(self) -> None:
        super().__init__(id="checkpoint")
        self.day: str | None = None  # None: today, following the clock
        self.page = 0
        self.pages = 1
        self._saving = False
        self._hinting = False  # the info line shows a list's choices
        self._fixing: tuple[str, int] | None = None  # (day, entry id) being corrected
        self._details: dict[str, str] = {}  # log row key -> its override / correction
        self._info = Text()

    # -- layout --
    def compose(self) -> ComposeResult:
        with Horizontal(id="cp-scan-row"):
            yield Label(i18n.t("checkpoint.ui.scan"), id="cp-scan-lbl")
            scan = ScanField()
            scan.compact = True
            yield scan
        with Horizontal(classes="cp-row"):
            yield labelled("name", Input(id="name", max_length=20, compact=True))
            yield labelled("phone", Input(id="phone", max_length=16, compact=True,
                                        restrict=r"[0-9０-９ +\-]*"))
            yield labelled("door", Input(id="door", max_length=40, compact=True))
        with Horizontal(classes="cp-row"):
            yield labelled("direction", Select(options("dir", cp.DIRECTIONS), id="direction",
                                             allow_blank=False, value="in", compact=True))
            yield labelled("purpose", KeyedSelect(options("purpose", cp.FORM_PURPOSES), id="purpose",
                                                prompt=i18n.t("checkpoint.ui.pick_purpose"),
                                                compact=True))
            yield labelled("outcome", KeyedSelect(options("outcome", FORM_OUTCOMES), id="outcome",
                                                prompt=i18n.t("checkpoint.ui.pick_outcome"),
                                                compact=True))
        with Horizontal(classes="cp-row"):
            yield labelled("temp", Input(id="temp", max_length=5, compact=True,
                                       restrict=r"[0-9０-９.．]*"))
            yield labelled("plate", Input(id="plate", max_length=10, compact=True))
            yield labelled("purpose_note", Input(id="purpose_note", max_length=40, compact=True))
        with Horizontal(classes="cp-row"):
            yield labelled("note", Input(id="note", max_length=80, compact=True))
            yield Static("", id="cp-inside")  # who is inside / out (the header shows the shift)
        yield Static("", id="cp-info")
        yield Static("", id="cp-verdict")
        with Horizontal(id="cp-filters"):
            yield Select(options("outcome", cp.OUTCOMES), id="f-outcome", compact=True,
                         prompt=i18n.t("checkpoint.ui.all_outcomes"))
            yield Select(options("purpose", cp.PURPOSES), id="f-purpose", compact=True,
                         prompt=i18n.t("checkpoint.ui.all_purposes"))
            yield Input(id="f-text", compact=True, placeholder=i18n.t("checkpoint.ui.search"))
            yield Static("", id="cp-status")
        yield LogTable(id="log", cursor_type="row", zebra_stripes=True)

    def on_mount(self) -> None:
        table = self.query_one("#log", DataTable)
        for col in COLUMNS:
            table.add_column(i18n.t(f"checkpoint.col.{col}"), key=col)
        messages.watch(self, lambda: [("checkpoint", self.shown_day()), ("shifts", None)])
        self.reload()
        if self.SHOW_HANDOVER:
            self._handover()
        # after every other tab's mount-time focus calls: the desk opens on this form
        self.call_after_refresh(self.call_after_refresh, self._focus_form)

    def on_store_changed(self, event: messages.StoreChanged) -> None:
        self.reload()

    @work(thread=True, group="cp-handover")
    def _handover(self) -> None:
        """After sign-in (the main screen is new then), show the gate's last handover note."""
        text = shifts.handover_notice(self.app.store, self.app.gate)
        if text:
            self.app.call_from_thread(self.notify, text, timeout=60, markup=False)

    def on_show(self) -> None:
        """Whenever the tab comes into view the cursor waits in the name box."""
        self.call_after_refresh(self._focus_form)

    def _focus_form(self) -> None:
        pane = next((a for a in self.ancestors if isinstance(a, TabPane)), None)
        tabs = next((a for a in self.ancestors if isinstance(a, TabbedContent)), None)
        if pane is not None and tabs is not None and tabs.active != pane.id:
            return
        if self.is_attached and self.screen is self.app.screen:
            self.query_one("#name", Input).focus()

    # -- helpers --
    def shown_day(self) -> str:
        return self.day or clock.today().isoformat()

    def values(self) -> dict:
        out = {f: self.query_one(f"#{f}", Input).value for f in INPUTS}
        for f in ("direction", "purpose", "outcome"):
            select = self.query_one(f"#{f}", Select)
            out[f] = "" if select.is_blank() else select.value
        return out

    def typed(self) -> bool:
        """Has the volunteer put anything into the form?"""
        v = self.values()
        return any(v[f] for f in (*INPUTS, "purpose", "outcome"))

    def show_error(self, field: str | None, text: str) -> None:
        """Put a message under its field (or under the name) and go there."""
        self.clear_errors()
        target = field if field in FIELDS else "name"
        lbl = self.query_one(f"#err-{target}", Label)
        lbl.update(text)
        lbl.add_class("-shown")
        self.query_one(f"#{target}").focus()

    def clear_errors(self, field: str | None = None) -> None:
        for lbl in self.query(".cp-err.-shown"):  # the hidden ones are empty already
            if field is None or lbl.id == f"err-{field}":
                lbl.update("")
                lbl.remove_class("-shown")

    # -- form --
    def action_save(self) -> None:
        if self._saving:
            return
        values = self.values()
        try:  # quick checks on the loop; the write itself goes to a worker
            cp.validate(self.app.store, values)
        except DomainError as exc:
            self.show_error(exc.field, str(exc))
            return
        self._saving = True
        # the next visitor's keys wait for the cleared form
        self.app.keys.wait_for(self._save(values, self._fixing))

    @work(thread=True, group="cp-save")
    def _save(self, values: dict, fixing: tuple[str, int] | None) -> None:
        app = self.app
        try:
            if fixing:
                entry = corrections.fix(app.store, app.actor, *fixing, values)
            else:
                entry = cp.log_entry(app.store, app.actor, app.gate, values)
        except DomainError as exc:
            app.call_from_thread(self._save_failed, exc, values)
            return
        app.call_from_thread(self._saved, entry)

    def _save_failed(self, exc: DomainError, values: dict) -> None:
        self._saving = False
        if exc.key == "gate.override_reason":
            self._ask_override(values)
        elif exc.field in FIELDS:
            self.show_error(exc.field, str(exc))
        else:
            self.notify(str(exc), severity="error", markup=False)

    def _ask_override(self, values: dict) -> None:
        """A leader letting a denied person through: ask why, then save again."""
        message = verdict_text(cp.verdict_for(self.app.store, values)).plain.lstrip("⛔ ")

        def done(reason: str | None) -> None:
            if reason:
                self._saving = True
                self._save({**values, "override": reason}, self._fixing)
        self.app.push_screen(TextPrompt(i18n.t("gateui.override_title", message=message)), done)

    def _saved(self, entry: dict) -> None:
        self._saving = False
        fixed = self._fixing
        self.action_clear()
        if entry.get("took_over"):
            prev = entry["took_over"]
            self.notify(i18n.t("checkpoint.ui.took_over", who=prev["opened_by"],
                               since=prev["opened_at"][5:16].replace("T", " ")),
                        markup=False, timeout=10)
        if fixed:
            self.notify(i18n.t("gateui.fixed", id=fixed[1], new=entry["id"]), markup=False)
        else:
            self.notify(i18n.t("checkpoint.ui.saved", id=entry["id"],
                               name=entry["name"] or entry["org"]), markup=False, timeout=3)
        if entry.get("request"):
            r = entry["request"]
            self.notify(i18n.t("checkpoint.ui.redirected", person=r["person"], door=r["door"] or r["org"]),
                        markup=False, timeout=8)
        self.reload()

    def action_outcome(self, code: str) -> None:
        self.query_one("#outcome", Select).value = code

    def action_escape(self) -> None:
        """Esc clears the form, after asking when something was typed."""
        ask_to_discard(self.app, self.typed(), self.action_clear)

    def on_hide(self) -> None:
        self.clear_errors()  # a message about an earlier try does not wait for the next visit

    def action_clear(self) -> None:
        for f in INPUTS:
            self.query_one(f"#{f}", Input).value = ""
        for f in ("purpose", "outcome"):
            self.query_one(f"#{f}", Select).clear()
        for f, v in DEFAULTS.items():
            self.query_one(f"#{f}", Select).value = v
        self.clear_errors()
        self._fixing = None
        self._show_info("", "", "")
        self.query_one("#cp-verdict", Static).update("")
        self.query_one("#name", Input).focus()

    def fill(self, visitor: dict) -> None:
        """Put a recalled visitor's details into the form."""
        self.query_one("#name", Input).value = visitor.get("name", "")
        self.query_one("#phone", Input).value = visitor.get("phone", "")
        self.query_one("#door", Input).value = visitor.get("door") or visitor.get("org", "")
        self.query_one("#plate", Input).value = visitor.get("plate", "")
        if visitor.get("purpose") in cp.FORM_PURPOSES:
            self.query_one("#purpose", Select).value = visitor["purpose"]
        self.clear_errors()
        self.query_one("#outcome", Select).focus()

    @on(events.DescendantFocus)
    def _choices_hint(self, event: events.DescendantFocus) -> None:
        """On a numbered list the line under the form shows its choices; leaving it
        brings the household / repeat-visitor line back."""
        keyed = next((w for w in event.widget.ancestors_with_self if isinstance(w, KeyedSelect)), None)
        if keyed is not None:
            self._hinting = True
            self._info = Text(keyed.choices, style="bold")  # so the next info line replaces it
            self.query_one("#cp-info", Static).update(self._info, layout=False)
        elif self._hinting:
            self._hinting = False
            v = self.values()
            self._lookup(v["name"], v["phone"], v["door"])

    @on(Input.Submitted)
    def _next_field(self, event: Input.Submitted) -> None:
        if event.input.id in INPUTS:
            event.stop()
            self.screen.focus_next()

    @on(Input.Changed)
    def _changed(self, event: Input.Changed) -> None:
        ident = event.input.id
        if ident in INPUTS:
            self.clear_errors(ident)
            if ident in ("name", "phone", "door"):
                v = self.values()
                self._lookup(v["name"], v["phone"], v["door"])
            if ident in ("name", "phone", "door", "temp"):
                self._verdict(self.values())
        elif ident == "f-text":
            self.page = 0
            self.reload()

    @on(Input.Blurred)
    def _blurred(self, event: Input.Blurred) -> None:
        """Say what is wrong with a field as soon as the volunteer leaves it."""
        ident, value = event.input.id, event.value
        try:
            if ident == "phone":
                cp.normalise_phone(value)
            elif ident == "temp":
                cp.parse_temp(value)
            elif ident == "door":
                cp.split_door_or_org(self.app.store, value)
        except DomainError as exc:
            lbl = self.query_one(f"#err-{ident}", Label)
            lbl.update(str(exc))
            lbl.add_class("-shown")

    @on(Select.Changed)
    def _select_changed(self, event: Select.Changed) -> None:
        if event.select.id in ("f-outcome", "f-purpose"):
            self.page = 0
            self.reload()
        elif event.select.id in FIELDS:
            self.clear_errors(event.select.id)
            if event.select.id == "direction":
                self._verdict(self.values())

    @work(thread=True, exclusive=True, group="cp-lookup")
    def _lookup(self, name: str, phone: str, door: str) -> None:
        """Household, repeat-visitor notice and recall hint, off the loop."""
        store = self.app.store
        parts = []
        try:
            d, org, home = cp.split_door_or_org(store, door)
            if home:
                parts.append(i18n.t("checkpoint.ui.household", door=d, head=home.get("head", ""),
                                    members=home.get("members", "")))
            elif org:
                parts.append(i18n.t("checkpoint.ui.outsider", org=org))
        except DomainError:
            pass
        info = visitors.repeat_info(store, name, phone, door)
        prefix = name.strip() or phone.strip()
        n = len(visitors.recall(store, prefix)) if prefix and not info["today"] else 0
        hint = i18n.t("checkpoint.ui.recall_hint", n=n) if n else ""
        self.app.call_from_thread(self._show_info, " · ".join(parts), info["notice"], hint)

    @work(thread=True, exclusive=True, group="cp-verdict")
    def _verdict(self, values: dict) -> None:
        """The gate rules' answer for the form so far (cached: cheap per keystroke)."""
        decision = cp.verdict_for(self.app.store, values)
        self.app.call_from_thread(self._show_verdict, decision)

    def _show_verdict(self, decision) -> None:
        self.query_one("#cp-verdict", Static).update(verdict_text(decision))
        self.set_class(decision.denied, "-denied")

    def _show_info(self, household: str, notice: str, hint: str) -> None:
        text = Text(household)
        if self._fixing:
            text = Text(i18n.t("gateui.fixing", id=self._fixing[1]) + " ", style="bold") + text
        if notice:
            text.append(("  " if household else "") + "⚠ " + notice, style="bold yellow")
        if hint:
            text.append(("  " if text.plain else "") + hint, style="dim")
        if text != self._info:  # typing on: the same line is not sent again
            self._info = text
            self.query_one("#cp-info", Static).update(text, layout=False)  # one line high
        self.set_class(bool(notice), "-repeat")

    def action_recall(self) -> None:
        v = self.values()
        prefix = v["name"].strip() or v["phone"].strip()
        if not prefix:
            self.notify(i18n.t("checkpoint.ui.type_first"))
            return
        self._recall(prefix)

    @work(thread=True, exclusive=True, group="cp-recall")
    def _recall(self, prefix: str) -> None:
        found = visitors.recall(self.app.store, prefix)
        self.app.call_from_thread(self._recalled, prefix, found)

    def _recalled(self, prefix: str, found: list[dict]) -> None:
        if not found:
            self.notify(i18n.t("checkpoint.ui.no_recall", prefix=prefix), markup=False)
            return

        def done(choice: dict | None) -> None:
            if choice:
                self.fill(choice)
        self.app.push_screen(RecallScreen(found), done)

    @on(ScanField.Scanned)
    def _scanned(self, event: ScanField.Scanned) -> None:
        """A pass scan writes its own gate entry: show it now, not at the next poll."""
        self.reload()

    def action_scan(self) -> None:
        self.query_one(ScanField).focus()

    def action_find(self) -> None:
        self.query_one("#f-text", Input).focus()

    def action_inside(self) -> None:
        self.app.push_screen(InsideScreen())

    def action_rules(self) -> None:
        self.app.push_screen(RulesScreen(), lambda _: self._verdict(self.values()))

    @on(LogTable.RowHighlighted)
    def _row_detail(self, event: LogTable.RowHighlighted) -> None:
        """An override's reason or a correction under the form while its row is selected."""
        text = self._details.get(event.row_key.value or "")
        if text and event.data_table.has_focus:
            self.query_one("#cp-info", Static).update(Text(text, style="bold"))

    # -- corrections --
    @on(LogTable.Correct)
    def _correct(self, event: LogTable.Correct) -> None:
        if not event.key:
            self.notify(i18n.t("gateui.no_entry"))
            return
        day, entry_id = event.key.rsplit(":", 1)
        entry = next((e for e in cp.entries(self.app.store, day) if e["id"] == int(entry_id)), None)
        if entry is None:
            return
        if event.kind == "fix":
            self.fill({**entry, "door": entry.get("door") or entry.get("org", "")})
            for f in ("temp", "note", "purpose_note"):
                value = entry.get(f)
                self.query_one(f"#{f}", Input).value = "" if value is None else str(value)
            for f in ("direction", "outcome"):
                if entry.get(f) in (cp.DIRECTIONS if f == "direction" else cp.OUTCOMES):
                    self.query_one(f"#{f}", Select).value = entry[f]
            self._fixing = (day, int(entry_id))
            self.query_one("#cp-info", Static).update(i18n.t("gateui.fixing", id=entry_id))
            self.query_one("#name", Input).focus()
            return

        def done(reason: str | None) -> None:
            if reason:
                self._annul(day, int(entry_id), reason)
        self.app.push_screen(TextPrompt(i18n.t(
            "gateui.annul_title", id=entry_id, who=entry.get("name") or entry.get("org", ""))), done)

    @work(thread=True, group="cp-save")
    def _annul(self, day: str, entry_id: int, reason: str) -> None:
        try:
            corrections.annul(self.app.store, self.app.actor, day, entry_id, reason)
        except DomainError as exc:
            self.app.call_from_thread(self.notify, str(exc), severity="error", markup=False)
            return
        self.app.call_from_thread(self.notify, i18n.t("gateui.annulled", id=entry_id), markup=False)
        self.app.call_from_thread(self.reload)

    # -- the log --
    def action_page(self, step: int) -> None:
        self.page = min(max(0, self.page + step), self.pages - 1)
        self.reload()

    def action_day(self, step: int) -> None:
        days = self.app.store.days("checkpoint")
        today = clock.today().isoformat()
        if today not in days:
            days.append(today)
        current = self.shown_day()
        near = [d for d in days if d < current] if step < 0 else [d for d in days if d > current]
        if not near:
            return
        target = near[-1] if step < 0 else near[0]
        self.day = None if target == today else target
        self.page = 0
        self.reload()

    def reload(self) -> None:
        """Load the shown page in a worker; the table is then patched in place."""
        if not self.query("#f-outcome"):
            return  # a poll reaching the tab while it is composed or taken down
        outcome = self.query_one("#f-outcome", Select).value
        purpose = self.query_one("#f-purpose", Select).value
        self._load(self.shown_day(), None if outcome is Select.NULL else outcome,
                   None if purpose is Select.NULL else purpose,
                   self.query_one("#f-text", Input).value, self.page)
        self._load_shift()
        if self.query_one("#door", Input).value:  # the log changed: the verdict may too
            self._verdict(self.values())

    @work(thread=True, exclusive=True, group="cp-load")
    def _load(self, day: str, outcome, purpose, text: str, page: int) -> None:
        rows, n, pages = cp.page_of(self.app.store, day, outcome, purpose, text, page)
        cells = [(f"{day}:{e['id']}", row_cells(e)) for e in rows]
        details = {f"{day}:{e['id']}": d for e in rows if (d := row_detail(e))}
        self.app.call_from_thread(self._apply, day, cells, n, pages, min(page, pages - 1), details)

    def _apply(self, day: str, cells: list[tuple[str, tuple]], n: int, pages: int, page: int,
               details: dict[str, str] | None = None) -> None:
        """Patch the log to show ``cells`` (newest first) in place."""
        if not self.query("#log"):
            return  # a load that finishes while the tab is composed or taken down
        self.pages, self.page = pages, page
        self._details = details or {}
        self.query_one("#log", LogTable).sync(cells)
        label = i18n.t("checkpoint.ui.today") if day == clock.today().isoformat() else day
        self.query_one("#cp-status", Static).update(
            i18n.t("checkpoint.ui.status", day=label, page=page + 1, pages=pages, n=n))

    @work(thread=True, exclusive=True, group="cp-shift")
    def _load_shift(self) -> None:
        shift = shifts.current_shift(self.app.store, self.app.gate)
        line = inside_line(self.app.store)
        self.app.call_from_thread(self._show_shift, shifts.shift_label(shift), line)

    def _show_shift(self, label: str, inside: str = "") -> None:
        self.query_one("#cp-inside", Static).update(f"{inside} F9" if inside else "")
        self.post_message(messages.ShiftChanged(label))   # the app's header shows it

    # -- other screens --
    def action_shift(self) -> None:
        self.app.push_screen(ShiftScreen(), lambda _: self.reload())

    def action_gates(self) -> None:
        self.app.push_screen(GatesScreen())

    def action_requests(self) -> None:
        self.app.push_screen(RequestsScreen())

    def action_export(self, what: str = "checkpoint") -> None:
        export.run(self, what, [self.shown_day()])
