"""Gate scan: a USB scanner (keyboard mode) types the pass digits and Enter.

:class:`ScanField` is the input; on Enter it NFKC-normalises what came in
(full-width digits from a Chinese input method are fine), judges and records
the scan in a worker (:func:`console.gate_scan.scan`: the scan ledger, the gate
log entry and the errand's move happen in one transaction), clears itself for
the next scan and shows the verdict large and coloured with the errand's
details in a :class:`VerdictView`. Inside a :class:`ScanPanel` it uses the
panel's view; on its own it mounts a view right after itself. Either way it
posts :class:`ScanField.Scanned` so the surrounding tab can refresh its log.
"""

from __future__ import annotations

from pathlib import Path

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import Input, Static

from console.errands import errand as errands, passes
from console.checkpoint import scan as gate_scan
from console.core import i18n
from console.core.i18n import DomainError

i18n.add({
    "scan.placeholder": ("扫描通行证（或输入数字后回车）", "Scan pass or type digits"),
    "scan.ready": ("等待扫描通行证…", "Waiting for a pass scan…"),
    "scan.details": ("{number} 号外出 · {person} · {where} · {purpose}",
                     "Errand {number} · {person} · {where} · {purpose}"),
    "scan.window": ("时间 {window} · 陪同 {escort} · 通行证 {pass_no} 第 {gen} 版",
                    "Window {window} · escort {escort} · pass {pass_no} print {gen}"),
    "scan.no_escort": ("无", "none"),
    "scan.standing": ("{kind} {number} · {person} · {door} · {window} · 第 {gen} 版",
                      "{kind} {number} · {person} · {door} · {window} · print {gen}"),
    "scan.recorded_out": ("已登记出门", "logged OUT"),
    "scan.recorded_in": ("已登记返回", "logged IN"),
})

_GOOD = {"valid_out", "valid_in"}
_WARN = {"typo", "not_yet_valid"}


def verdict_text(v: passes.Verdict) -> Text:
    """The verdict headline and the errand's details, for a VerdictView."""
    text = Text()
    headline = v.message
    if v.ok:
        headline += " · " + i18n.t(f"scan.recorded_{v.direction}")
    text.append(headline, style="bold")
    e = v.errand
    if e and e.get("pass_kind"):   # a standing pass (console.standing)
        text.append("\n" + i18n.t("scan.standing", kind=i18n.t(f"standing.kind.{e['pass_kind']}"),
                                   number=e["number"], person=e["person"], door=e["door"],
                                   window=e["window"], gen=e["pass_gen"]))
    elif e:
        text.append("\n" + i18n.t("scan.details", number=e["number"], person=e["person"],
                                   where=errands.where_from(e), purpose=e["purpose"]))
        start, end = errands.when(e["start"]), errands.when(e["end"])
        text.append("\n" + i18n.t("scan.window", window=f"{start:%m-%d %H:%M}–{end:%H:%M}",
                                  escort=e.get("escort") or i18n.t("scan.no_escort"),
                                  pass_no=e.get("pass_no"), gen=e.get("pass_gen")))
    return text


class VerdictView(Static):
    """The last scan's verdict: green for valid, amber for a misread, red otherwise."""

    DEFAULT_CSS = Path(__file__).with_suffix(".tcss").read_text(encoding="utf-8")
    SCOPED_CSS = False

    def __init__(self, **kwargs) -> None:
        super().__init__(i18n.t("scan.ready"), classes="idle", **kwargs)

    def show(self, v: passes.Verdict) -> None:
        self.set_classes("ok" if v.kind in _GOOD else "warn" if v.kind in _WARN else "bad")
        self.update(verdict_text(v))

    def show_error(self, text: str) -> None:
        self.set_classes("bad")
        self.update(Text(text, style="bold"))


class ScanField(Input):
    """A USB scanner types the pass digits and Enter here."""

    class Scanned(Message):
        """A scan was judged (and recorded if valid)."""

        def __init__(self, verdict: passes.Verdict) -> None:
            super().__init__()
            self.verdict = verdict

    def __init__(self) -> None:
        super().__init__(placeholder=i18n.t("scan.placeholder"), max_length=160)
        self.view: VerdictView | None = None

    def on_mount(self) -> None:
        panel = next((a for a in self.ancestors if isinstance(a, ScanPanel)), None)
        if panel is not None:
            self.view = panel.view
        else:
            self.view = VerdictView()
            self.parent.mount(self.view, after=self)

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        raw = event.value
        self.value = ""
        if passes.normalise(raw):
            self._scan(raw)

    @work(thread=True, group="scan")
    def _scan(self, raw: str) -> None:
        app = self.app
        try:
            verdict = gate_scan.scan(app.store, raw, app.gate, app.actor)
        except DomainError as exc:
            app.call_from_thread(self._failed, str(exc))
            return
        app.call_from_thread(self._show, verdict)

    def _show(self, verdict: passes.Verdict) -> None:
        if self.view is not None:
            self.view.show(verdict)
        if not verdict.ok:
            self.app.bell()
        self.post_message(self.Scanned(verdict))

    def _failed(self, text: str) -> None:
        if self.view is not None:
            self.view.show_error(text)
        self.app.bell()


class ScanPanel(Vertical):
    """The scan field with its verdict display under it."""

    DEFAULT_CSS = VerdictView.DEFAULT_CSS
    SCOPED_CSS = False

    def __init__(self) -> None:
        super().__init__()
        self.view = VerdictView()

    def compose(self) -> ComposeResult:
        yield ScanField()
        yield self.view
