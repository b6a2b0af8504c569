"""Gate-rule pieces of the checkpoint tab: the verdict line under the form,
the log table's correct / annul keys, struck-through originals, and the
"who is inside / out now" list. The rules themselves live in
console.gate_rules; these only show their answers."""

from __future__ import annotations

import datetime as dt

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import DataTable, Footer, Static

from console import clock, i18n, inside
from console.gate_rules import Decision

i18n.add({
    "gateui.key.annul": ("作废", "Annul"),
    "gateui.key.fix": ("更正", "Fix"),
    "gateui.key.inside": ("里面/外出", "Inside/out"),
    "gateui.key.close": ("关闭", "Close"),
    "gateui.inside_line": ("里面外来 {inside}（超时 {over}）· 居民外出 {out}（超时 {late}）",
                           "Inside {inside} ({over} over) · residents out {out} ({late} late)"),
    "gateui.inside_title": ("外来人员在里面（超过 {hours} 小时标红）",
                            "Outsiders inside (red: over {hours} h)"),
    "gateui.out_title": ("居民外出未归", "Residents out"),
    "gateui.col.who": ("姓名/单位", "Name/org"),
    "gateui.col.door": ("门牌", "Door"),
    "gateui.col.since": ("进/出时间", "Since"),
    "gateui.col.stay": ("已停留", "For"),
    "gateui.col.due": ("应回", "Due back"),
    "gateui.col.via": ("方式", "Way"),
    "gateui.via.": ("登记", "form"),
    "gateui.via.errand": ("外出办事", "errand"),
    "gateui.via.household": ("出入证", "household pass"),
    "gateui.via.commuter": ("工作证明", "work pass"),
    "gateui.override_title": ("{message}。放行请写明理由（记入登记和操作记录）：",
                              "{message}. To let them through, give the reason (kept on the entry and in the audit):"),
    "gateui.annul_title": ("作废第 {id} 条（{who}）？原记录保留并划掉。请写理由：",
                           "Annul entry {id} ({who})? It stays, struck through. Reason:"),
    "gateui.annulled": ("已作废第 {id} 条。", "Entry {id} annulled."),
    "gateui.fixing": ("正在更正第 {id} 条：改好后 Ctrl+S 保存，Esc 取消。",
                      "Fixing entry {id}: change it, Ctrl+S saves, Esc cancels."),
    "gateui.fixed": ("已更正第 {id} 条（新记录 #{new}）。", "Entry {id} fixed (new entry #{new})."),
    "gateui.annul_row": ("✗作废 #{id}", "✗ void #{id}"),
    "gateui.fix_row": ("✎更正 #{id}", "✎ fix #{id}"),
    "gateui.override_mark": ("组长放行", "leader override"),
    "gateui.no_entry": ("先在记录里选中一条。", "Pick an entry in the log first."),
})

_STYLE = {"deny": ("⛔ ", "bold white on red"), "advise": ("⚠ ", "bold black on yellow"),
          "allow": ("✓ ", "green")}


def verdict_text(d: Decision | None) -> Text:
    """The line under the form: nothing, or the rule's answer in its colour."""
    if d is None or d.kind == "none" or not d.text:
        return Text("")
    mark, style = _STYLE[d.kind]
    return Text(mark + d.text, style=style)


def inside_line(store, now: dt.datetime | None = None) -> str:
    """'Inside 4 (1 over) · residents out 10 (1 late)'."""
    now = now or clock.now()
    ins, outs = inside.inside_now(store, now), inside.out_now(store, now)
    return i18n.t("gateui.inside_line", inside=len(ins), over=sum(r["over"] for r in ins),
                  out=len(outs), late=sum(r["late"] for r in outs))


def _hm(when: dt.datetime | None, now: dt.datetime) -> str:
    if when is None:
        return ""
    return when.strftime("%H:%M") if when.date() == now.date() else when.strftime("%m-%d %H:%M")


class LogTable(DataTable):
    """The gate log; on a selected entry: c fixes it, x annuls it."""

    BINDINGS = [Binding("x", "correct('annul')", i18n.t("gateui.key.annul")),
                Binding("c", "correct('fix')", i18n.t("gateui.key.fix"))]

    class Correct(Message):
        """Fix or annul the entry under the cursor."""

        def __init__(self, kind: str, key: str | None) -> None:
            super().__init__()
            self.kind = kind
            self.key = key

    def action_correct(self, kind: str) -> None:
        key = None
        if self.row_count:
            key = self.coordinate_to_cell_key(self.cursor_coordinate).row_key.value
        self.post_message(self.Correct(kind, key))


class InsideScreen(ModalScreen[None]):
    """Outsiders inside now (overstaying in red) and residents out now."""

    BINDINGS = [Binding("escape", "dismiss(None)", i18n.t("gateui.key.close"))]

    def compose(self) -> ComposeResult:
        with Vertical(classes="modal-card"):
            yield Static("", id="inside-title", classes="title")
            yield DataTable(id="inside", cursor_type="row", zebra_stripes=True)
            yield Static(i18n.t("gateui.out_title"), classes="title")
            yield DataTable(id="out", cursor_type="row", zebra_stripes=True)
        yield Footer()

    def on_mount(self) -> None:
        store, now = self.app.store, clock.now()
        hours = inside.limit(store).total_seconds() / 3600
        self.query_one("#inside-title", Static).update(
            i18n.t("gateui.inside_title", hours=f"{hours:g}"))
        table = self.query_one("#inside", DataTable)
        for key in ("who", "since", "stay"):
            table.add_column(i18n.t(f"gateui.col.{key}"), key=key)
        for r in inside.inside_now(store, now):
            style = "bold red" if r["over"] else ""
            who = " ".join(p for p in (r["name"], r["org"]) if p)
            table.add_row(Text(who, style=style), _hm(r["since"], now),
                          Text(f"{r['minutes'] // 60}:{r['minutes'] % 60:02d}", style=style))
        table = self.query_one("#out", DataTable)
        for key in ("door", "who", "since", "due", "via"):
            table.add_column(i18n.t(f"gateui.col.{key}"), key=key)
        for r in inside.out_now(store, now):
            style = "bold red" if r["late"] else ""
            table.add_row(r["door"], r["name"], _hm(r["since"], now),
                          Text(_hm(r["due"], now), style=style),
                          i18n.t(f"gateui.via.{r['via']}"))
        self.query_one("#inside", DataTable).focus()
