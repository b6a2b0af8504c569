"""The one-line header: site and gate, operator, current shift, clock."""

from __future__ import annotations

from textual.widgets import Static

from console import clock, i18n

i18n.add({
    "header.no_shift": ("未开班", "no shift open"),
    "header.shift": ("班次：{label}", "shift: {label}"),
})


class DeskHeader(Static):
    """Refreshed every second; the checkpoint tab sets ``app.shift_label``."""

    def __init__(self) -> None:
        super().__init__(markup=False, id="desk-header")

    def on_mount(self) -> None:
        self.refresh_text()
        self.set_interval(1.0, self.refresh_text)

    def refresh_text(self) -> None:
        app = self.app
        actor = app.actor
        who = f"{actor.name}（{i18n.t('role.' + actor.role)}）" if actor else ""
        label = app.shift_label
        shift = i18n.t("header.shift", label=label) if label else i18n.t("header.no_shift")
        self.update(f"{app.title} · {app.gate}  │  {who}  │  {shift}  │  {clock.now():%H:%M:%S}")
