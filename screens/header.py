"""The one-line header: site and gate, operator, current shift, clock."""

from __future__ import annotations

from rich.cells import cell_len, set_cell_size
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static

from console.core import clock, i18n
from console.core.alerts import Alert
from screens.widgets.footer import DeskFooter

i18n.add({
    "header.no_shift": ("未开班", "no shift open"),
    "header.shift": ("班次：{label}", "shift: {label}"),
    "header.alerts": ("⚠ {n} 条提醒（F12）：{first}", "⚠ {n} alerts (F12): {first}"),
    "header.alerts_title": ("当前提醒", "Current alerts"),
    "header.no_alerts": ("没有提醒。", "No alerts."),
    "header.close": ("关闭", "Close"),
})


class DeskHeader(Static):
    """Checked every second, redrawn only when its text changes (the clock
    shows minutes: over SSH every redraw costs bytes). The shift comes from
    ``app.shift_label``, which the app sets on the checkpoint tab's
    ShiftChanged."""

    def __init__(self) -> None:
        super().__init__(markup=False, id="desk-header")
        self._text = ""

    def on_mount(self) -> None:
        self.refresh_text()
        self.set_interval(1.0, self.refresh_text)

    def on_resize(self) -> None:
        self.refresh_text()

    def refresh_text(self) -> None:
        app = self.app
        actor = app.actor
        who = f"{actor.name}（{i18n.t('role.' + actor.role)}）" if actor else ""
        label = app.shift_label
        shift = i18n.t("header.shift", label=label) if label else i18n.t("header.no_shift")
        text = header_line([f"{app.title} · {app.gate}", who, shift], f"{clock.now():%H:%M}",
                           self.content_size.width or 80)
        if text != self._text:
            self._text = text
            self.update(text, layout=False)  # one docked line: its size never changes


def header_line(parts: list[str], time: str, width: int) -> str:
    """Site · gate │ who │ shift on the left, the clock at the right end; when
    that is too wide the separators narrow, then the site name goes (the gate
    stays), then the left side is cut with "…" — the clock is never cut."""
    room = width - cell_len(time) - 2
    for sep in ("  │  ", " │ "):
        left = sep.join(p for p in parts if p)
        if cell_len(left) <= room:
            break
    else:
        gate = parts[0].rpartition(" · ")[2]
        left = " │ ".join(p for p in [gate, *parts[1:]] if p)
        if cell_len(left) > room:
            left = set_cell_size(left, max(room - 1, 0)) + "…"
    return left + " " * (width - cell_len(left) - cell_len(time)) + time


class AlertBar(Static):
    """One line under the header: how many alerts, the most urgent one."""

    def __init__(self) -> None:
        super().__init__(markup=False, id="alert-bar")
        self.display = False
        self._text = ""

    def on_mount(self) -> None:
        """Alerts checked before this bar existed (a check racing the sign-in)."""
        self.show(self.app.alerts)

    def show(self, current: list[Alert]) -> None:
        """Redraw only when the line changes (the check runs every 20 s)."""
        text = ""
        if current:
            first = sorted(current, key=lambda a: a.severity != "error")[0]
            text = i18n.t("header.alerts", n=len(current), first=" ".join(first.message.split()))
        if text == self._text:
            return
        self._text = text
        self.display = bool(current)
        self.update(text)  # one or two lines: may change the layout
        self.set_class(any(a.severity == "error" for a in current), "-error")


class AlertsScreen(ModalScreen):
    """Every current alert, one per line (overdue errands, deliveries due, stock)."""

    BINDINGS = [Binding("escape", "dismiss", i18n.t("header.close"))]

    def __init__(self, current: list[Alert]) -> None:
        super().__init__()
        self.current = current

    def compose(self) -> ComposeResult:
        with Vertical(classes="modal-card"):
            yield Static(i18n.t("header.alerts_title"), classes="title")
            lines = [" ".join(a.message.split()) for a in self.current]
            yield OptionList(*(lines or [i18n.t("header.no_alerts")]), id="alert-list")
        yield DeskFooter()
