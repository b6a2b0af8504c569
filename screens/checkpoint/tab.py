"""The Checkpoint tab (F1): the gate entry form, the scan field and the day's log (:mod:`day_log`)."""

from __future__ import annotations

from pathlib import Path

from rich.cells import cell_len, set_cell_size
from rich.text import Text
from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Input, Label, Select, Static, TabbedContent, TabPane

from console.checkpoint import corrections, shifts, visitors
from console.checkpoint import gate as cp
from console.core import i18n
from console.core.i18n import DomainError
from screens import export
from screens.widgets.text_prompt import TextPrompt
from screens.checkpoint.inside import InsideScreen, inside_line
from screens.checkpoint.day_log import DayLog
from screens.checkpoint.rules import RulesScreen
from screens.checkpoint.verdict import verdict_text
from screens.widgets.confirm import ask_to_discard
from screens.widgets.form import FieldError, FormRow
from screens.widgets.validation import TEMPERATURE
from screens.widgets.writes import write
from screens.errands.scan import ScanField
from screens.checkpoint.cells import DEFAULTS, FIELDS, FORM_OUTCOMES, INPUTS, OUTCOME_KEYS, options
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
    #: ... for this long, in at most this many cells (three lines of a toast at 80
    #: columns): a long note took the right half of the screen, the form's boxes
    #: under it, for a minute. The shift window (Ctrl+Y) shows it in full.
    HANDOVER_SECONDS = 10
    HANDOVER_CELLS = 100

    def __init__(self) -> None:
        super().__init__(id="checkpoint")
        self._saving = False
        self._hinting = False  # the info line shows a list's choices
        self._fixing: tuple[str, int] | None = None  # (day, entry id) being corrected
        self._info = Text()
        #: made here, not found by a query: the poll's worker thread asks it which day it shows
        self.day_log = DayLog(id="day-log")

    # -- layout --
    def compose(self) -> ComposeResult:
        with Horizontal(id="cp-scan-row"):
            yield Label(i18n.t("checkpoint.ui.scan"), id="cp-scan-lbl")
            scan = ScanField()
            scan.compact = True
            yield scan
        # in the order a gate entry is asked (Tab and Enter follow it): who, from
        # where, why; the temperature, which way, the decision; then the extras
        with FormRow():
            yield labelled("name", Input(id="name", max_length=20, compact=True))
            yield labelled("door", Input(id="door", max_length=40, compact=True))
            yield labelled("purpose", KeyedSelect(options("purpose", cp.FORM_PURPOSES), id="purpose",
                                                prompt=i18n.t("checkpoint.ui.pick_purpose"),
                                                compact=True))
        with FormRow():
            yield labelled("temp", Input(id="temp", max_length=5, compact=True,
                                       restrict=TEMPERATURE))
            yield labelled("direction", KeyedSelect(options("dir", cp.DIRECTIONS), id="direction",
                                                  allow_blank=False, value="in", compact=True))
            yield labelled("outcome", KeyedSelect(options("outcome", FORM_OUTCOMES), id="outcome",
                                                prompt=i18n.t("checkpoint.ui.pick_outcome"),
                                                compact=True))
        with FormRow():
            yield labelled("phone", Input(id="phone", max_length=16, compact=True,
                                        restrict=r"[0-9０-９ +\-]*"))
            yield labelled("plate", Input(id="plate", max_length=10, compact=True))
            yield labelled("purpose_note", Input(id="purpose_note", max_length=40, compact=True))
        with FormRow():
            yield labelled("note", Input(id="note", max_length=80, compact=True))
            yield Static("", id="cp-inside")  # who is inside / out (the header shows the shift)
        yield Static("", id="cp-info")
        yield Static("", id="cp-verdict")
        yield self.day_log

    def on_mount(self) -> None:
        # the shift, who is inside and the verdict follow the gate log as it is shown
        messages.watch(self, lambda: [("checkpoint", self.day_log.shown_day()), ("shifts", None)])
        self._reload_lines()
        if self.SHOW_HANDOVER:
            self._handover()
        # after every other tab's mount-time focus calls: the desk opens on this form
        self.call_after_refresh(self.call_after_refresh, self._focus_form)

    def on_store_changed(self, event: messages.StoreChanged) -> None:
        self._reload_lines()  # the day log reloads itself

    @work(thread=True, group="cp-handover")
    def _handover(self) -> None:
        """After sign-in (the main screen is new then), show the gate's last handover note."""
        text = shifts.handover_notice(self.app.store, self.app.gate)
        if text:
            self.app.call_from_thread(self.notify, self._short(text),
                                      timeout=self.HANDOVER_SECONDS, markup=False)

    def _short(self, text: str) -> str:
        """``text`` in HANDOVER_CELLS, cut with a pointer to Ctrl+Y when longer."""
        if cell_len(text) <= self.HANDOVER_CELLS:
            return text
        more = i18n.t("checkpoint.ui.handover_more")
        return set_cell_size(text, self.HANDOVER_CELLS - cell_len(more)).rstrip() + more

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
        self.query_one(f"#err-{target}", FieldError).show(text)
        self.query_one(f"#{target}").focus()

    def clear_errors(self, field: str | None = None) -> None:
        for lbl in self.query("FieldError.-shown"):  # the hidden ones are empty already
            if field is None or lbl.id == f"err-{field}":
                lbl.show("")

    # -- form --
    def action_save(self) -> None:
        if self._saving:
            return
        self._saving = True
        # checked (the registry too) and written in a worker; the next
        # visitor's keys wait for the cleared form, or for the field that is wrong
        self.app.keys.wait_for(self._save(self.values(), self._fixing))

    @work(thread=True, group="cp-save")
    def _save(self, values: dict, fixing: tuple[str, int] | None) -> None:
        app = self.app
        try:
            if fixing:
                entry = corrections.fix(app.store, app.actor, *fixing, values)
            else:
                entry = cp.log_entry(app.store, app.actor, app.gate, values)
        except DomainError as exc:
            denied = cp.verdict_for(app.store, values) if exc.key == "gate.override_reason" else None
            app.call_from_thread(self._save_failed, exc, values, denied)
            return
        app.call_from_thread(self._saved, entry)

    def _save_failed(self, exc: DomainError, values: dict, denied=None) -> None:
        self._saving = False
        if exc.key == "gate.override_reason":
            self._ask_override(values, denied)
        elif exc.field in FIELDS:
            self.show_error(exc.field, str(exc))
        else:
            self.notify(str(exc), severity="error", markup=False)

    def _ask_override(self, values: dict, denied) -> None:
        """A leader letting a denied person through (``denied``: the rules'
        answer, read with the save): ask why, then save again."""
        message = verdict_text(denied).plain.lstrip("⛔ ")

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
        self.day_log.show_saved(entry)
        self._reload_lines()

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

    @on(Input.Blurred)
    def _blurred(self, event: Input.Blurred) -> None:
        """Say what is wrong with a field as soon as the volunteer leaves it
        (the door once the registry is read, in a worker)."""
        ident, value = event.input.id, event.value
        if ident == "door":
            self._check_door(value)
            return
        try:
            if ident == "phone":
                cp.normalise_phone(value)
            elif ident == "temp":
                cp.parse_temp(value)
        except DomainError as exc:
            self.query_one(f"#err-{ident}", FieldError).show(str(exc))

    @work(thread=True, exclusive=True, group="cp-door")
    def _check_door(self, value: str) -> None:
        try:
            cp.split_door_or_org(self.app.store, value)
        except DomainError as exc:
            self.app.call_from_thread(self._door_wrong, value, str(exc))

    def _door_wrong(self, value: str, text: str) -> None:
        if self.query_one("#door", Input).value == value:   # not typed over since
            self.query_one("#err-door", FieldError).show(text)

    @on(Select.Changed)
    def _select_changed(self, event: Select.Changed) -> None:
        if event.select.id in FIELDS:
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
        self.day_log.focus_find()

    def action_inside(self) -> None:
        self.app.push_screen(InsideScreen())

    def action_rules(self) -> None:
        store = self.app.store
        write(self, lambda: RulesScreen.read(store), lambda values: self.app.push_screen(
            RulesScreen(values), lambda _: self._verdict(self.values())))

    # -- the day log --
    @on(DayLog.RowDetail)
    def _row_detail(self, event: DayLog.RowDetail) -> None:
        """An override's reason or a correction under the form while its row is selected."""
        self.query_one("#cp-info", Static).update(Text(event.text, style="bold"))

    @on(DayLog.FixRequested)
    def _fix(self, event: DayLog.FixRequested) -> None:
        """The form fills with the entry picked in the log; Ctrl+S saves the correction."""
        entry = event.entry
        self.fill({**entry, "door": entry.get("door") or entry.get("org", "")})
        for f in ("temp", "note", "purpose_note"):
            value = entry.get(f)
            self.query_one(f"#{f}", Input).value = "" if value is None else str(value)
        for f in ("direction", "outcome"):
            if entry.get(f) in (cp.DIRECTIONS if f == "direction" else cp.OUTCOMES):
                self.query_one(f"#{f}", Select).value = entry[f]
        self._fixing = (event.day, entry["id"])
        self.query_one("#cp-info", Static).update(i18n.t("gateui.fixing", id=entry["id"]))
        self.query_one("#name", Input).focus()

    @on(DayLog.Annulled)
    def _annulled(self, event: DayLog.Annulled) -> None:
        self._reload_lines()

    def action_page(self, step: int) -> None:
        self.day_log.turn_page(step)

    def action_day(self, step: int) -> None:
        self.day_log.step_day(step)

    def reload(self) -> None:
        """Read the log, the shift line and the verdict again (after a scan or the shift window)."""
        self.day_log.reload()
        self._reload_lines()

    def _reload_lines(self) -> None:
        """The shift and inside line and, with a door typed, the verdict: they follow the log."""
        if not self.query("#door"):
            return  # a poll reaching the tab while it is composed or taken down
        self._load_shift()
        if self.query_one("#door", Input).value:  # the log changed: the verdict may too
            self._verdict(self.values())

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
        store = self.app.store
        write(self, lambda: GatesScreen.read(store), lambda gates: self.app.push_screen(GatesScreen(gates)))

    def action_requests(self) -> None:
        self.app.push_screen(RequestsScreen())

    def action_export(self, what: str = "checkpoint") -> None:
        export.run(self, what, [self.day_log.shown_day()])
