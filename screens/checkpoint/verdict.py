"""The verdict line under the form and the detail line of a log row: the gate rules' answers, shown."""

from __future__ import annotations


from rich.text import Text

from console.checkpoint.rules import Decision
from console.core import i18n


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
