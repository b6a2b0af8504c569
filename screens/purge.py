"""Leaders: remove personal data older than a date, and the daily retention.

Type the date, Enter shows what goes; Ctrl+S asks twice, then purges in a
worker. The second box is the retention setting: a number of days (empty =
off); Ctrl+R saves it and the console then purges daily what is older.
"""

from __future__ import annotations

import datetime as dt

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Static

from console import features
from console.core import clock, i18n, purge, settings
from console.core.i18n import DomainError
from screens.widgets.confirm import ConfirmScreen
from screens.widgets.footer import DeskFooter
from screens.widgets.writes import write

t = i18n.t

i18n.add({
    "pscreen.title": ("清除个人信息（疫情结束后，《个人信息保护法》第四十七条）",
                      "Purge personal data (after the lockdown; PIPL art. 47)"),
    "pscreen.before": ("清除这一天之前的（YYYY-MM-DD），回车查看", "Purge what is older than (YYYY-MM-DD), Enter shows it"),
    "pscreen.retention": ("每天自动清除多少天以前的（空 = 不自动）", "Purge daily what is older than N days (empty = off)"),
    "pscreen.key.check": ("查看", "Show"), "pscreen.key.purge": ("清除", "Purge"),
    "pscreen.key.retention": ("保存保留天数", "Save retention"), "pscreen.key.close": ("关闭", "Close"),
    "pscreen.ask1": ("清除 {before} 之前的个人信息？不能恢复。", "Purge personal data from before {before}? It cannot be undone."),
    "pscreen.ask2": ("再确认一次：真的清除 {before} 之前的全部姓名、电话和健康标记吗？",
                     "Once more: really remove every name, phone and health mark from before {before}?"),
    "pscreen.working": ("正在清除……", "Purging…"),
    "pscreen.retention_saved": ("已保存：每天清除 {days} 天以前的个人信息。", "Saved: every day, data older than {days} days is purged."),
    "pscreen.retention_off": ("已关闭自动清除。", "Automatic purge is off."),
})


class PurgeScreen(ModalScreen[None]):
    BINDINGS = [Binding("ctrl+s", "purge", t("pscreen.key.purge"), priority=True),
                Binding("ctrl+r", "retention", t("pscreen.key.retention"), priority=True),
                Binding("escape", "dismiss", t("pscreen.key.close"))]

    def __init__(self, days: int | None) -> None:
        """``days``: the retention setting, read before it opens (:meth:`read`, in a worker)."""
        super().__init__()
        self.days = days

    @staticmethod
    def read(store) -> int | None:
        return settings.get(store, "retention_days")

    def compose(self) -> ComposeResult:
        days = self.days
        default = clock.today() - dt.timedelta(days=days or 60)
        with Vertical(classes="hh-dialog"):
            yield Static(t("pscreen.title"), classes="hh-line", markup=False)
            yield Label(t("pscreen.before"))
            yield Input(default.isoformat(), id="purge-before", max_length=10)
            yield Label(t("pscreen.retention"))
            yield Input(str(days or ""), id="purge-retention", restrict=r"\d{0,4}", max_length=4)
            yield Static("", id="purge-report", markup=False)
        yield DeskFooter()

    def _say(self, text: str) -> None:
        self.query_one("#purge-report", Static).update(text)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if event.input.id == "purge-before":
            self._preview(event.value, then_ask=False)
        else:
            self.action_retention()

    def action_purge(self) -> None:
        self._preview(self.query_one("#purge-before", Input).value, then_ask=True)

    def _preview(self, before: str, then_ask: bool) -> None:
        def work() -> None:
            try:
                plan = purge.preview(self.app.store, before, features.PURGE_RULES)
            except DomainError as exc:
                self.app.call_from_thread(self._say, str(exc))
                return
            self.app.call_from_thread(self._show_plan, plan, then_ask)
        self.run_worker(work, thread=True, exclusive=True, group="purge")

    def _show_plan(self, plan: dict, then_ask: bool) -> None:
        self._say("\n".join(purge.preview_lines(plan)))
        if not then_ask or not (plan["tables"] or plan["files"]):
            return
        before = plan["before"]

        def second(yes: bool | None) -> None:
            if yes:
                self.app.push_screen(ConfirmScreen(t("pscreen.ask2", before=before)),
                                     lambda sure: sure and self._run(before))
        self.app.push_screen(ConfirmScreen(t("pscreen.ask1", before=before)), second)

    def _run(self, before: str) -> None:
        self._say(t("pscreen.working"))

        def work() -> None:
            try:
                done = purge.purge(self.app.store, self.app.actor, before, features.PURGE_RULES)
            except DomainError as exc:
                self.app.call_from_thread(self._say, str(exc))
                return
            self.app.call_from_thread(self._say, t("purge.done", **done))
        self.run_worker(work, thread=True, exclusive=True, group="purge")

    def action_retention(self) -> None:
        app, value = self.app, self.query_one("#purge-retention", Input).value.strip()
        write(self, lambda: settings.put(app.store, app.actor, "retention_days", value or None),
              lambda days: self._say(t("pscreen.retention_saved", days=days) if days
                                     else t("pscreen.retention_off")),
              lambda exc: self._say(str(exc)))
