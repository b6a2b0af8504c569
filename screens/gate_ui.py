"""Gate-rule pieces of the checkpoint tab: the verdict line under the form,
the log table's correct / annul keys, struck-through originals, and the
"who is inside / out now" list. The rules themselves live in
console.gate_rules; these only show their answers."""

from __future__ import annotations

import datetime as dt

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import DataTable, Footer, Input, Label, Select, Static

from console.checkpoint import inside
from console.checkpoint.rules import Decision
from console.core import clock, i18n, settings
from console.core.i18n import DomainError
from console.households import mark_rules
from console.households.marks import COLOURS
from screens.widgets.paged_table import PagedTable

i18n.add({
    "gateui.key.annul": ("作废", "Annul"),
    "gateui.key.fix": ("更正", "Fix"),
    "gateui.key.inside": ("里面/外出", "Inside"),
    "gateui.key.close": ("关闭", "Close"),
    "gateui.key.save": ("保存", "Save"),
    "gateui.key.rules": ("卡口规则", "Gate rules"),
    "gateui.rules_title": ("卡口规则（组长；Ctrl+S 保存）", "Gate rules (leaders; Ctrl+S saves)"),
    "gateui.rules_saved": ("卡口规则已保存。", "Gate rules saved."),
    "gateui.action.deny": ("拒绝出门", "deny going out"),
    "gateui.action.advise": ("提醒", "advise"),
    "gateui.action.none": ("不管", "nothing"),
    "gateui.rule.people": ("每户人数（0=不限）", "People per household (0: no quota)"),
    "gateui.rule.every_days": ("每几天一次", "Every N days"),
    "gateui.rule.out_hours": ("外出最多小时", "Hours out at most"),
    "gateui.rule.late_moves_turn": ("晚归顺延下次", "Late return moves next turn"),
    "gateui.rule.inside_hours": ("外来人员停留小时", "Hours an outsider may stay"),
    "gateui.rule.red_action": ("红（确诊）", "Red (confirmed)"),
    "gateui.rule.red_instruction": ("  红的提示语", "  red instruction"),
    "gateui.rule.orange_action": ("橙（疑似/发热）", "Orange (suspected)"),
    "gateui.rule.orange_instruction": ("  橙的提示语", "  orange instruction"),
    "gateui.rule.yellow_action": ("黄（居家隔离）", "Yellow (quarantine)"),
    "gateui.rule.yellow_instruction": ("  黄的提示语", "  yellow instruction"),
    "gateui.rule.fever_action": ("发热（≥37.3）", "Fever (≥37.3)"),
    "gateui.rule.fever_instruction": ("  发热提示语", "  fever instruction"),
    "gateui.inside_line": ("里面 {inside}（超时 {over}）· 外出 {out}（晚归 {late}）",
                           "in {inside} ({over} over) · out {out} ({late} late)"),
    "gateui.inside_title": ("外来人员在里面（超过 {hours} 小时标红）",
                            "Outsiders inside (red: over {hours} h)"),
    "gateui.out_title": ("居民外出未归", "Residents out"),
    "gateui.names_inside": ("里面：{names}", "Inside: {names}"),
    "gateui.left": ("（{minutes} 分）", "({minutes} min)"),
    "gateui.d.override": ("⚑ 组长 {by} 放行：{reason}", "⚑ let through by leader {by}: {reason}"),
    "gateui.d.annulled_by": ("已被第 {id} 条作废（{by}：{reason}）", "annulled by entry {id} ({by}: {reason})"),
    "gateui.d.fixed_by": ("已被第 {id} 条更正（{by}：{reason}）", "fixed by entry {id} ({by}: {reason})"),
    "gateui.d.annuls": ("作废第 {id} 条（{by}：{reason}）", "annuls entry {id} ({by}: {reason})"),
    "gateui.d.fixes": ("更正第 {id} 条（{by}：{reason}）", "fixes entry {id} ({by}: {reason})"),
    "gateui.names_out": ("外出：{names}", "Out: {names}"),
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


_CORRECTED = {"annul": "gateui.d.annulled_by", "fix": "gateui.d.fixed_by"}
_CORRECTS = {"annul": "gateui.d.annuls", "fix": "gateui.d.fixes"}


def row_detail(e: dict) -> str:
    """What a log row's cells cannot hold: a leader's override and its reason,
    or what corrected the entry / what a correction did, and why."""
    parts = []
    if e.get("override"):
        parts.append(i18n.t("gateui.d.override", **e["override"]))
    fix = e.get("corrected_by")
    if fix:
        parts.append(i18n.t(_CORRECTED[fix["correction"]], id=fix["id"], by=fix.get("by", ""),
                            reason=fix.get("reason", "")))
    if e.get("correction"):
        parts.append(i18n.t(_CORRECTS[e["correction"]], id=e["corrects"], by=e.get("by", ""),
                            reason=e.get("reason", "")))
    return " · ".join(parts)


def inside_line(store, now: dt.datetime | None = None) -> str:
    """'Inside 4 (1 over) · residents out 10 (1 late)'."""
    now = now or clock.now()
    ins, outs = inside.inside_now(store, now), inside.out_now(store, now)
    return i18n.t("gateui.inside_line", inside=len(ins), over=sum(r["over"] for r in ins),
                  out=len(outs), late=sum(r["late"] for r in outs))


def inside_names(store, now: dt.datetime | None = None, limit: int = 8) -> str:
    """The shift screen's lines: who is inside (⚠ overstaying), who is out (⚠ late)."""
    now = now or clock.now()
    ins = [f"{r['name'] or r['org']}({_hm(r['since'], now)}){'⚠' if r['over'] else ''}"
           for r in inside.inside_now(store, now)]
    outs = [f"{r['door']} {r['name']}→{_hm(r['due'], now) or '?'}{'⚠' if r['late'] else ''}"
            for r in inside.out_now(store, now)]
    return "\n".join([inside_line(store, now),
                      i18n.t("gateui.names_inside", names="、".join(ins[:limit]) or "—"),
                      i18n.t("gateui.names_out", names="、".join(outs[:limit]) or "—")])


def _hm(when: dt.datetime | None, now: dt.datetime) -> str:
    if when is None:
        return ""
    return when.strftime("%H:%M") if when.date() == now.date() else when.strftime("%m-%d %H:%M")


class LogTable(PagedTable):
    """The gate log; on a selected entry: c fixes it, x annuls it."""

    BINDINGS = [Binding("x", "correct('annul')", i18n.t("gateui.key.annul")),
                Binding("c", "correct('fix')", i18n.t("gateui.key.fix"))]

    class Correct(Message):
        """Fix or annul the entry under the cursor."""

        def __init__(self, kind: str, key: str | None) -> None:
            super().__init__()
            self.kind = kind
            self.key = key

    def on_focus(self) -> None:
        """Coming into the log says what the row under the cursor holds, too."""
        if self.row_count:
            key = self.coordinate_to_cell_key(self.cursor_coordinate).row_key
            self.post_message(self.RowHighlighted(self, self.cursor_row, key))

    def action_correct(self, kind: str) -> None:
        self.post_message(self.Correct(kind, self.selected_key))


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
            left = "" if r["due"] is None else i18n.t(
                "gateui.left", minutes=int((r["due"] - now).total_seconds() // 60))
            table.add_row(r["door"], r["name"], _hm(r["since"], now),
                          Text(f"{_hm(r['due'], now)} {left}".strip(), style=style),
                          i18n.t(f"gateui.via.{r['via']}"))
        self.query_one("#inside", DataTable).focus()


class RulesScreen(ModalScreen[None]):
    """The gate rules leaders set: what each mark colour and a fever mean at
    the gate (with the instruction read out), the household quota, how long
    an outsider may stay. Ctrl+S checks every value and saves all or nothing."""

    BINDINGS = [Binding("ctrl+s", "save", i18n.t("gateui.key.save"), priority=True),
                Binding("escape", "dismiss(None)", i18n.t("gateui.key.close"))]

    def compose(self) -> ComposeResult:
        store = self.app.store
        quota, fever = settings.get(store, "gate_quota"), settings.get(store, "gate_fever")
        rules = {**settings.get(store, "gate_marks"), "fever": fever}
        actions = [(i18n.t(f"gateui.action.{a}"), a) for a in mark_rules.ACTIONS]
        with Vertical(classes="modal-card"):
            yield Static(i18n.t("gateui.rules_title"), classes="title")
            with VerticalScroll():
                for key in ("people", "every_days", "out_hours"):
                    yield self._row(key, Input(f"{quota[key]:g}", id=f"r-{key}", max_length=5))
                yield self._row("late_moves_turn", Select(
                    [(i18n.t("yes"), True), (i18n.t("no"), False)], id="r-late_moves_turn",
                    value=quota["late_moves_turn"], allow_blank=False))
                yield self._row("inside_hours", Input(
                    f"{settings.get(store, 'gate_inside_hours'):g}", id="r-inside_hours",
                    max_length=5))
                for colour in (*COLOURS, "fever"):
                    rule = rules[colour]
                    yield self._row(f"{colour}_action", Select(
                        actions, id=f"r-{colour}_action", value=rule["action"], allow_blank=False))
                    yield self._row(f"{colour}_instruction", Input(
                        rule["instruction"], id=f"r-{colour}_instruction",
                        max_length=mark_rules.MAX_INSTRUCTION,
                        placeholder=i18n.t(f"gate.instruction.{colour}")))
            yield Label("", id="r-error", classes="error")
        yield Footer()

    @staticmethod
    def _row(key: str, widget) -> Horizontal:
        return Horizontal(Label(i18n.t(f"gateui.rule.{key}"), classes="form-label"), widget,
                          classes="form-row")

    def _value(self, key: str):
        return self.query_one(f"#r-{key}").value

    def action_save(self) -> None:
        rule = {c: {"action": self._value(f"{c}_action"),
                    "instruction": self._value(f"{c}_instruction")} for c in (*COLOURS, "fever")}
        fever = rule.pop("fever")
        values = {"gate_quota": {k: self._value(k) for k in ("people", "every_days", "out_hours",
                                                            "late_moves_turn")},
                  "gate_inside_hours": self._value("inside_hours"),
                  "gate_marks": rule, "gate_fever": fever}
        try:
            settings.put_many(self.app.store, self.app.actor, values)
        except DomainError as exc:
            self.query_one("#r-error", Label).update(str(exc))
            if exc.field and self.query(f"#r-{exc.field}"):
                self.query_one(f"#r-{exc.field}").focus()
            return
        self.notify(i18n.t("gateui.rules_saved"))
        self.dismiss(None)
