"""Desk console: the Textual app (sign-in, tabs, bindings, command palette)
and the command line (`python app.py --help`)."""

from __future__ import annotations

import importlib
import os
import sys
import threading
import time
from collections.abc import Callable, Iterable
from functools import partial

from console.core import i18n

i18n.set_lang(i18n.lang_in(sys.argv))  # binding labels below are built at import

from textual import events, on, work  # noqa: E402
from textual.app import App, ComposeResult, SystemCommand  # noqa: E402
from textual.binding import Binding  # noqa: E402
from textual.theme import ThemeProvider  # noqa: E402
from textual.screen import Screen  # noqa: E402
from textual.widget import Widget  # noqa: E402
from textual.widgets import TabbedContent, TabPane  # noqa: E402
from textual.timer import Timer  # noqa: E402
from textual.worker import WorkerFailed  # noqa: E402

from console.core import alerts, clock, heap, logs, operators, safe_text, settings  # noqa: E402
from console.core.i18n import DomainError  # noqa: E402
from console.core.operators import Actor  # noqa: E402
from console.core.store import Store  # noqa: E402
from screens.crash import CrashScreen  # noqa: E402
from screens.header import AlertBar, AlertsScreen, DeskHeader  # noqa: E402
from screens.key_order import KeyOrder  # noqa: E402
from screens.signin import FirstLeaderScreen, LockScreen, SignInScreen, sign_in_choices  # noqa: E402
from screens.widgets.footer import DeskFooter  # noqa: E402
from screens.widgets.writes import hold_keys  # noqa: E402
from screens import messages, textual_text, textual_watch  # noqa: E402

i18n.add({
    "app.title": ("社区防控服务台", "Community desk console"),
    "tab.checkpoint": ("卡口", "Checkpoint"),
    "tab.errands": ("外出与通行证", "Errands & passes"),
    "tab.purchases": ("代购", "Purchases"),
    "tab.stock": ("体温计", "Thermometers"),
    "tab.households": ("住户", "Households"),
    "key.lock": ("锁屏", "Lock"),
    "key.sign_out": ("退出登录", "Sign out"),
    "key.quit": ("关闭", "Quit"),
    "key.roster": ("名单", "Roster"),
    "key.audit": ("操作记录", "Audit"),
    "key.alerts": ("提醒", "Alerts"),
    "key.palette": ("命令", "Actions"),
    "key.palette_tip": ("按名字搜索所有操作", "Search every action by name"),
    "app.signed_out": ("已退出登录。", "Signed out."),
    "app.locked_idle": ("闲置 {minutes} 分钟，已锁屏。", "Locked after {minutes} idle minutes."),
    "app.revoked": ("已退出登录：{reason}", "Signed out: {reason}"),
    "app.role_now": ("你现在的角色是{role}。", "Your role is now {role}."),
})

#: the tabs in F-key order, each with the module and class of its content
TABS: list[tuple[str, str]] = [
    ("checkpoint", "screens.checkpoint.tab:CheckpointTab"), ("errands", "screens.errands.tab:ErrandsTab"),
    ("purchases", "screens.purchases.tab:PurchasesTab"), ("stock", "screens.stock.tab:StockTab"),
    ("households", "screens.households.tab:HouseholdsTab"),
]
#: what only a signed-in desk uses: imported while the sign-in screen waits
#: for the PIN, so the first screen comes up on the sign-in screen's imports
AFTER_SIGN_IN = [path.partition(":")[0] for _, path in TABS] + [
    "console.features", "console.checkpoint.shifts", "screens.admin", "screens.checkpoint.shift"]


def tab_class(name: str) -> type[Widget]:
    """The widget class of tab ``name`` (its module imported on first use)."""
    module, _, cls = dict(TABS)[name].partition(":")
    return getattr(importlib.import_module(module), cls)


def preload() -> None:
    """Import AFTER_SIGN_IN in a background thread, on the second core while
    the PIN hash (which lets go of the interpreter) runs on the first."""
    def run() -> None:
        for module in AFTER_SIGN_IN:
            importlib.import_module(module)
    if not all(m in sys.modules for m in AFTER_SIGN_IN):
        threading.Thread(target=run, name="preload", daemon=True).start()


#: Textual's own palette commands kept (by title); everything else is left out
SAFE_SYSTEM_COMMANDS = {"Theme", "Quit", "Keys", "Maximize", "Minimize"}
#: Textual actions that write files or suspend to a shell: never run
BLOCKED_ACTIONS = {"screenshot", "suspend_process"}
#: app actions for leaders only: the palette lists them to leaders; the key,
#: pressed by anyone else, says why nothing opens
LEADER_ACTIONS = {"audit"}


def _unless_removed(owner: Widget, callback: Callable, *args, **kwargs):
    if owner.is_attached and not any(n._closing or n._pruning  # noqa: SLF001 (Textual's removal flags)
                                     for n in owner.ancestors_with_self):
        return callback(*args, **kwargs)
    return None


class MainScreen(Screen):
    """Header, the five tabs, the footer. A tab's content is built when the
    tab is first shown (sign-in mounts only the first), so signing in does
    not load every tab's data at once."""

    def compose(self) -> ComposeResult:
        yield DeskHeader()
        yield AlertBar()
        with TabbedContent(id="tabs"):
            for i, (name, _) in enumerate(TABS):
                with TabPane(i18n.t(f"tab.{name}"), id=f"tab-{name}"):
                    if i == 0:
                        yield tab_class(name)()
        yield DeskFooter(compact=True)   # one space between keys: the tab keys fit 80 columns

    @on(TabbedContent.TabActivated, "#tabs")
    def _mount_on_first_show(self, event: TabbedContent.TabActivated) -> None:
        pane = event.pane
        if not pane.children:
            # nothing in the new pane can take the focus yet: drop it, or the
            # focus falls back into the hidden tab and Textual switches back
            self.set_focus(None)
            pane.mount(tab_class(pane.id.removeprefix("tab-"))())
            self.app.freeze_soon()


class DeskApp(App):
    """The console. With ``actor`` given it skips sign-in (tests, demos)."""

    CSS_PATH = "screens/app.tcss"
    TITLE = i18n.t("app.title")
    ENABLE_COMMAND_PALETTE = True
    BINDINGS = [
        *(Binding(f"f{i}", f"show_tab('{name}')", i18n.t(f"tab.{name}"), show=False)
          for i, (name, _) in enumerate(TABS, start=1)),
        # in the palette, not the footer: the footer is for the tab's own keys at 80 columns
        Binding("ctrl+l", "lock", i18n.t("key.lock"), show=False),
        Binding("ctrl+o", "sign_out", i18n.t("key.sign_out"), show=False),
        Binding("ctrl+r", "roster", i18n.t("key.roster"), show=False),
        Binding("ctrl+t", "audit", i18n.t("key.audit"), show=False),
        Binding("f12", "alerts", i18n.t("key.alerts"), show=False),
        Binding("ctrl+q", "quit", i18n.t("key.quit"), show=False, priority=True),
        Binding(App.COMMAND_PALETTE_BINDING, "command_palette", i18n.t("key.palette"), show=False,
                priority=True, tooltip=i18n.t("key.palette_tip")),   # instead of Textual's "palette"
    ]
    POLL_SECONDS = 1.0
    ALERT_SECONDS = 20.0
    RETENTION_SECONDS = 600.0   # the retention setting's daily purge: checked every 10 minutes
    #: tests set this: an unexpected error then fails the Pilot test as Textual would
    RAISE_UNEXPECTED = False
    #: this many unexpected errors within CRASH_WINDOW seconds close the console
    CRASH_LIMIT = 3
    CRASH_WINDOW = 30.0

    #: seconds after sign-in (and after a tab is first shown) when what was
    #: loaded is frozen out of the garbage collector's way (see console.core.heap)
    FREEZE_AFTER = 3.0

    def __init__(self, store: Store, actor: Actor | None = None, gate: str | None = None,
                 lang: str | None = None, problems: Iterable[str] = (), tune_gc: bool = False):
        if lang:
            i18n.set_lang(lang)
        textual_text.apply()
        textual_watch.apply()
        super().__init__()
        self.store = store
        self.actor: Actor | None = actor
        self.gate = gate or ""
        self._watches: list[messages.Watch] = []
        self._polling = False
        self._last_input = time.monotonic()
        self._alerted: set[str] = set()
        self.alerts: list[alerts.Alert] = []
        self.shift_label = ""  # the checkpoint tab posts ShiftChanged
        self.problems = list(problems)  # start-up integrity report, shown once
        self.keys = KeyOrder(self, super().on_event)
        self.tune_gc = tune_gc  # the real console, not tests (a frozen heap outlives each app)
        self._collector = heap.QuietCollector()
        self._freeze: Timer | None = None
        self._crashes: list[float] = []
        self.crash_message = ""  # set when an unexpected error closed the console

    # -- unexpected errors: a short message on screen, the details in the log --
    def _handle_exception(self, error: Exception) -> None:
        """Replaces Textual's handler, whose traceback (with local variables)
        would reach the volunteer's terminal: log it, show a short message and
        carry on; close with that message only when errors keep coming."""
        if self.RAISE_UNEXPECTED:
            super()._handle_exception(error)
            return
        if isinstance(error, WorkerFailed):  # the worker's own error has the traceback
            error = error.error
        message = logs.crash_message(error, type(self.screen).__name__ if self._running else "start")
        now = time.monotonic()
        self._crashes = [t for t in self._crashes if t > now - self.CRASH_WINDOW] + [now]
        if self._running and len(self._crashes) < self.CRASH_LIMIT:
            self.push_screen(CrashScreen(message))
            return
        self.crash_message = message
        self._return_code = 1
        self._exit_renderables.append(message)  # printed instead of a traceback
        self._close_messages_no_wait()

    # -- start, sign-in, lock --
    def on_mount(self) -> None:
        # start-up reads the store here, before the first screen: nothing has
        # been typed into anything yet, and the store was opened and checked
        # on this thread just before (a busy store delays the first screen,
        # as it delays the check); every later read is in a worker
        self.title = settings.get(self.store, "site_name") or i18n.t("app.title")
        self.set_interval(self.POLL_SECONDS, self._poll)
        self.set_interval(self.ALERT_SECONDS, self._check_alerts)
        self.set_interval(self.RETENTION_SECONDS, self._retention)
        if self.tune_gc:
            self.set_interval(heap.QUIET_FOR, self._collect_garbage)
        messages.watch(self, lambda: [("roster", None)])
        for text in self.problems:
            self.notify(text, severity="error", timeout=120, markup=False)
        if self.actor:
            self.signed_in(self.actor, self.gate)
        elif not operators.needs_first_leader(self.store):
            self.push_screen(SignInScreen(*sign_in_choices(self.store)))
        else:
            self.push_screen(FirstLeaderScreen())

    def on_signing_in(self, event: messages.SigningIn) -> None:
        preload()

    def on_signed_in(self, event: messages.SignedIn) -> None:
        self.signed_in(event.actor, event.gate)

    def on_shift_changed(self, event: messages.ShiftChanged) -> None:
        self.shift_label = event.label
        for header in self.screen.query(DeskHeader):
            header.refresh_text()

    def on_store_changed(self, event: messages.StoreChanged) -> None:
        self._roster_changed()   # the only tables the app itself watches

    def signed_in(self, actor: Actor, gate: str) -> None:
        """Called by the sign-in screens: enter the console as ``actor``."""
        self.actor = actor
        self.gate = gate or self.gate
        self.store.actor = {"op": actor.name, "role": actor.role, "gate": self.gate}
        self._last_input = time.monotonic()
        if len(self.screen_stack) > 1:
            self.switch_screen(MainScreen())
        else:
            self.push_screen(MainScreen())
        self._check_alerts()
        if operators.needs_longer_pin(self.store, actor):
            self.notify(i18n.t("auth.short_leader_pin"), severity="warning", timeout=30)
        self.freeze_soon()

    def unlocked(self, actor: Actor) -> None:
        """Called by the lock screen: back to work with the role as it is now."""
        self.pop_screen()
        self._role_now(actor)

    def _role_now(self, actor: Actor) -> None:
        if self.actor and actor.role != self.actor.role:
            self.notify(i18n.t("app.role_now", role=i18n.t(f"role.{actor.role}")))
        self.actor = actor
        self.store.actor = {"op": actor.name, "role": actor.role, "gate": self.gate}
        self.refresh_bindings()
        if isinstance(self.screen, MainScreen):
            self.screen.query_one(DeskHeader).refresh_text()

    def _roster_changed(self) -> None:
        """Another desk changed the roster: a deactivated operator is signed
        out, a changed role applies at once (read in a worker)."""
        if self.actor:
            self._check_roster(self.actor)

    @work(thread=True, group="roster")
    def _check_roster(self, actor: Actor) -> None:
        try:
            now = operators.current(self.store, actor)
        except DomainError as exc:
            self.call_from_thread(self._signed_out, actor, i18n.t("app.revoked", reason=str(exc)),
                                  sign_in_choices(self.store))
            return
        self.call_from_thread(self._roster_read, actor, now)

    def _roster_read(self, asked: Actor, now: Actor) -> None:
        if self.actor == asked and now != asked:   # still the one asked about
            self._role_now(now)

    def freeze_soon(self) -> None:
        """Once what a new screen or tab loads has arrived, freeze it (the
        garbage drawing left first: frozen, it would stay for good). One
        still to come waits for the latest screen."""
        if self.tune_gc:
            if self._freeze is not None:
                self._freeze.stop()
            self._freeze = self.set_timer(self.FREEZE_AFTER, partial(heap.freeze_loaded, collect=True))

    def _collect_garbage(self) -> None:
        self._collector.maybe_collect(self._last_input)

    def call_from_thread(self, callback: Callable, *args, **kwargs):
        """A worker's result for a widget that is being removed meanwhile (a
        tab or screen rebuilt, the console closing) is dropped: its children
        may already be gone, and a query for them would end the app. So is
        one for the app itself once its last screen is gone (a poll that
        finished while the console closed: ``self.screen`` would raise)."""
        owner = getattr(callback, "__self__", None)
        if isinstance(owner, Widget):
            callback = partial(_unless_removed, owner, callback)
        elif owner is self:
            callback = partial(self._unless_closed, callback)
        return super().call_from_thread(callback, *args, **kwargs)

    def _unless_closed(self, callback: Callable, *args, **kwargs):
        return callback(*args, **kwargs) if self.screen_stack else None

    def on_descendant_focus(self, event: events.DescendantFocus) -> None:
        """A steady cursor in every text box: over SSH a blinking one costs
        ~170 bytes a second, most of an idle desk's traffic."""
        if getattr(event.widget, "cursor_blink", False):
            event.widget.cursor_blink = False

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, (events.Key, events.MouseDown)):
            self._last_input = time.monotonic()
        if isinstance(event, events.Paste) and not event.is_forwarded:
            event.text, hidden = safe_text.scrub(event.text, multiline=True)
            if hidden:
                self.notify(i18n.t("safe_text.removed"), severity="warning")
        if isinstance(event, events.Key) and not event.is_forwarded:
            await self.keys.take(event)  # in order, each to the field focused when it is handled
        else:
            await super().on_event(event)

    def _idle_check(self, minutes: int) -> None:
        if (self.actor and not isinstance(self.screen, LockScreen)
                and time.monotonic() - self._last_input > minutes * 60):
            self.action_lock()
            self.notify(i18n.t("app.locked_idle", minutes=minutes))

    def check_action(self, action: str, parameters: tuple) -> bool | None:
        """Desk actions exist only once someone is signed in; nothing that
        writes files or leaves to a shell. Leader actions run for anyone
        signed in: the action itself tells a volunteer it is for leaders."""
        if action in BLOCKED_ACTIONS:
            return False
        if action in {"lock", "sign_out", "roster", "audit", "show_tab", "alerts"}:
            if self.actor is None or isinstance(self.screen, LockScreen):
                return False
        return True

    def action_lock(self) -> None:
        if self.actor and not isinstance(self.screen, LockScreen):
            self.push_screen(LockScreen(self.actor))

    def action_sign_out(self) -> None:
        self._leave(self._sign_out)

    async def action_quit(self) -> None:
        self._leave(self.exit)

    def _leave(self, go: Callable[[], object]) -> None:
        """Sign out or quit; a volunteer whose shift is open at this gate is
        offered to hand it over first (the same key again goes at once). The
        shift is read in a worker; the keys typed after wait for it."""
        from screens.checkpoint.shift import SignOutScreen  # noqa: PLC0415  (AFTER_SIGN_IN)

        if isinstance(self.screen, (LockScreen, SignOutScreen)) or not (self.gate and self.actor):
            go()
            return
        hold_keys(self._read_shift(go, self.actor, self.gate))

    @work(thread=True, group="leave")
    def _read_shift(self, go: Callable[[], object], actor: Actor, gate: str) -> None:
        from console.checkpoint import shifts  # noqa: PLC0415  (AFTER_SIGN_IN)

        shift = shifts.current_shift(self.store, gate)
        self.call_from_thread(self._leave_with, go, actor, shift)

    def _leave_with(self, go: Callable[[], object], actor: Actor, shift: dict | None) -> None:
        from screens.checkpoint.shift import SignOutScreen  # noqa: PLC0415

        if shift and self.actor == actor and shift["opened_by"] == actor.name:
            self.push_screen(SignOutScreen(shift), lambda going: go() if going else None)
        else:
            go()

    def _sign_out(self, message: str = "") -> None:
        """Back to the sign-in screen once its names and gates are read (in a
        worker: the keys typed after wait for the screen)."""
        hold_keys(self._read_sign_in(self.actor, message))

    @work(thread=True, group="sign-out")
    def _read_sign_in(self, actor: Actor | None, message: str) -> None:
        self.call_from_thread(self._signed_out, actor, message, sign_in_choices(self.store))

    def _signed_out(self, actor: Actor | None, message: str, choices: tuple[list[str], list[str]]) -> None:
        if self.actor != actor:
            return   # signed out meanwhile (a revoke and Ctrl+O at once)
        self.actor = None
        self.store.actor = {"op": "", "role": ""}
        heap.thaw()   # the main screen was frozen with what it loaded: it must be freed
        while len(self.screen_stack) > 1:
            self.pop_screen()
        self.push_screen(SignInScreen(*choices))
        # what stays (modules, the store's tables) is frozen again once the
        # main screen is gone; this also moves a freeze still due from signing in
        self.freeze_soon()
        self.notify(message or i18n.t("app.signed_out"), severity="warning" if message else "information")

    def action_show_tab(self, name: str) -> None:
        if isinstance(self.screen, MainScreen):
            pane = f"tab-{name}"
            focused = self.screen.focused
            if focused is not None and pane not in {a.id for a in focused.ancestors}:
                # the focus leaves the old tab first: a focused box that is
                # hidden hands its focus to a sibling in the same hidden pane
                # (Textual's blur on Hide: the stock tab's door box to the list
                # beside it), and the pane holding the focus is shown again
                self.screen.set_focus(None)
            self.screen.query_one(TabbedContent).active = pane

    def action_roster(self) -> None:
        from screens.admin import RosterScreen  # noqa: PLC0415  (AFTER_SIGN_IN)

        if self.actor:
            self.push_screen(RosterScreen())

    def action_audit(self) -> None:
        from screens.admin import AuditScreen  # noqa: PLC0415  (AFTER_SIGN_IN)

        if not self.actor:
            return
        if self.actor.is_leader:   # the role as the app knows it now: it follows the roster
            self.push_screen(AuditScreen())
        else:
            self.notify(i18n.t("auth.leader_only", what=i18n.t("audit.what")), severity="warning")

    # -- other sessions' writes and alerts --
    def on_watch(self, event: messages.Watch) -> None:
        """A widget shows some tables: post it StoreChanged when they change."""
        event.stop()
        self._watches.append(event)

    @staticmethod
    def _watched(watch: messages.Watch) -> bool:
        node = watch.widget
        return node is node.app or (node.is_mounted and node.is_attached)

    def _poll(self) -> None:
        if self.store.needs_checkpoint():
            self._checkpoint()
        self._watches = [w for w in self._watches if self._watched(w)]
        if not self._polling:  # a slow poll is not stacked on
            self._polling = True
            self._poll_store(list(self._watches))

    @work(thread=True, group="poll")
    def _poll_store(self, watches: list[messages.Watch]) -> None:
        """Ask the store what changed (and the idle-lock setting) off the event
        loop: catching up on other desks' writes reads and applies them.
        The lock and the callbacks then run on the loop."""
        minutes, versions = 10, []
        try:
            minutes = settings.get(self.store, "idle_minutes") or 10
            versions = [messages.versions(self.store, w.files) for w in watches]
        finally:  # the next poll may start even if this one failed
            self.call_from_thread(self._polled, minutes, watches, versions)

    def _polled(self, minutes: int, watches: list[messages.Watch], versions: list[dict]) -> None:
        self._polling = False
        self._idle_check(minutes)
        for watch, now in zip(watches, versions):
            changed = frozenset(f for f, v in now.items() if f not in watch.seen or watch.seen[f] != v)
            watch.seen = now
            if changed and self._watched(watch):
                watch.widget.post_message(messages.StoreChanged(changed))

    @work(thread=True, exclusive=True, group="checkpoint")
    def _checkpoint(self) -> None:
        """Fold the journal tail into checkpoints, off the UI thread."""
        self.store.checkpoint()

    @work(thread=True, exclusive=True, group="alerts")
    def _check_alerts(self) -> None:
        from console import features  # noqa: PLC0415  (AFTER_SIGN_IN)

        if not self.actor:
            return
        current = features.alerts(self.store, clock.now())
        try:
            leader = operators.current(self.store, self.actor).is_leader
        except DomainError:
            leader = False
        if not leader:
            current = [a for a in current if not a.leaders_only]
        self.call_from_thread(self._show_alerts, current)

    def _retention(self) -> None:
        if self.actor:
            self._purge_old()   # which reads the setting (off the event loop)

    @work(thread=True, exclusive=True, group="retention")
    def _purge_old(self) -> None:
        """Any signed-in desk runs the retention purge, once a day (purge.run_retention)."""
        from console import features  # noqa: PLC0415  (AFTER_SIGN_IN)
        from console.core import purge  # noqa: PLC0415

        try:
            purge.run_retention(self.store, features.PURGE_RULES)
        except DomainError as exc:
            self.call_from_thread(self.notify, str(exc), severity="error", markup=False)

    def _show_alerts(self, current: list[alerts.Alert]) -> None:
        """Keep the alert line up to date; pop up only alerts new since the
        last check (the first check after sign-in just fills the line)."""
        fresh = [a for a in current if a.key not in self._alerted]
        if self._alerted or len(fresh) == 1:
            for alert in fresh:
                self.notify(alert.message, severity=alert.severity, timeout=10, markup=False)
        self._alerted |= {a.key for a in current}
        self.alerts = current
        for screen in self.screen_stack:  # no bar yet while a new main screen composes
            for bar in screen.query(AlertBar):
                bar.show(current)

    def action_alerts(self) -> None:
        if self.actor:
            self.push_screen(AlertsScreen(self.alerts))

    # -- command palette: every binding is also a command --
    def action_command_palette(self) -> None:
        if self.use_command_palette and not textual_text.DeskPalette.is_open(self):
            self.push_screen(textual_text.DeskPalette(id="--command-palette"))

    def search_themes(self) -> None:
        self.push_screen(textual_text.DeskPalette(providers=[ThemeProvider],
                                                  placeholder="Search for themes…"))

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        """Textual's harmless commands (not Screenshot, which saves the screen,
        residents' data included, as a file), translated; then every binding usable now."""
        for command in super().get_system_commands(screen):
            if command.title in SAFE_SYSTEM_COMMANDS:
                yield textual_text.system_command(command)
        seen = {f"show_tab('{name}')" for name, _ in TABS}   # listed below with their F-key
        for active in screen.active_bindings.values():
            binding = active.binding
            if (binding.description and active.enabled and binding.action not in seen
                    and not textual_text.is_textual(binding)
                    and (binding.action not in LEADER_ACTIONS or (self.actor and self.actor.is_leader))):
                seen.add(binding.action)
                yield SystemCommand(binding.description, binding.key_display or binding.key,
                                    partial(self.run_action, binding.action, active.node))
        if isinstance(screen, MainScreen):
            for i, (name, _) in enumerate(TABS, start=1):
                yield SystemCommand(i18n.t(f"tab.{name}"), f"F{i}",
                                    partial(self.action_show_tab, name))


def run_app(store: Store, args) -> int:
    heap.tune()
    heap.freeze_loaded(collect=True)  # modules and start-up data, before the UI runs
    app = DeskApp(store, gate=args.gate, problems=args.problems, tune_gc=True)
    app.run()
    return app.return_code or 0


def main(argv: list[str] | None = None) -> int:
    from console import cli, launcher  # noqa: PLC0415  (not before the console's first screen)

    code = cli.main(argv, run_app)
    if code and os.environ.get("DESK_HOLD_ON_ERROR"):  # set by the SSH launcher
        launcher.hold_screen()
    return code


if __name__ == "__main__":
    sys.exit(main())
