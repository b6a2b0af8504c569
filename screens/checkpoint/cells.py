"""The gate form's constants and how an entry shows as a row of the day's log."""

from __future__ import annotations


from rich.cells import cell_len, set_cell_size
from rich.text import Text

from console.checkpoint import gate as cp
from console.core import i18n


FIELDS = ("name", "phone", "door", "direction", "purpose", "outcome", "temp", "plate",
          "purpose_note", "note")
INPUTS = ("name", "phone", "door", "temp", "plate", "purpose_note", "note")
DEFAULTS = {"direction": "in"}  # never a purpose or an outcome: a wrong default logs a falsehood
#: the form's outcome list in key order, and the outcomes with a key of their own anywhere in the form
FORM_OUTCOMES = ("allowed", "turned_away", "redirected", "allowed_with_pass")
OUTCOME_KEYS = {"f6": "allowed", "f7": "turned_away", "f8": "redirected"}
# temperature right after the name: a fever stays in sight on a 60-column terminal
COLUMNS = ("no", "time", "name", "temp", "where", "dir", "purpose", "outcome", "plate")


#: cells each cut column may take: an 80-column terminal, and one of WIDE_AT columns or more
NARROW = {"name": 6, "where": 10, "purpose": 9, "outcome": 11, "plate": 8, "reason": 11}
WIDE = {"name": 12, "where": 18, "purpose": 16, "outcome": 16, "plate": 10, "reason": 30}
WIDE_AT = 110


def widths_for(columns: int) -> dict[str, int]:
    """How much of each entry the log shows at a terminal ``columns`` wide."""
    return WIDE if columns >= WIDE_AT else NARROW


def options(kind: str, codes) -> list[tuple[str, str]]:
    return [(cp.label(kind, c), c) for c in codes]


def _short(text: str, width: int) -> str:
    """Cut ``text`` to ``width`` terminal cells (CJK characters take two)."""
    if cell_len(text) <= width:
        return text
    return set_cell_size(text, width - 1) + "…"


def row_cells(e: dict, widths: dict[str, int] = NARROW) -> tuple:
    """The log's cells for one entry (fevers in bold red; a corrected entry
    struck through; an annulment says which entry and why), each cut to
    ``widths`` (:func:`widths_for` the terminal)."""
    w = widths
    struck = "strike dim" if e.get("corrected_by") else ""
    if e.get("correction") == "annul":
        return (str(e["id"]), str(e.get("at", ""))[11:16], _short(e.get("name", ""), w["name"]), "",
                _short(e.get("door") or e.get("org", ""), w["where"]), "",
                Text(_short(i18n.t("gateui.annul_row", id=e["corrects"]), w["purpose"]), style="italic"),
                Text(_short(e.get("reason", ""), w["reason"]), style="italic"), "")
    temp = e.get("temp")
    temp_cell = Text("" if temp is None else f"{temp:.1f}",
                     style=" ".join(p for p in ("bold red" if cp.is_fever(temp) else "", struck) if p))
    outcome = cp.label("outcome", e.get("outcome", ""))
    if e.get("override"):
        outcome = "⚑" + outcome
    purpose = cp.label("purpose", e.get("purpose", ""))
    if e.get("correction") == "fix":
        purpose = i18n.t("gateui.fix_row", id=e["corrects"])
    return (str(e["id"]), str(e.get("at", ""))[11:16], Text(_short(e.get("name", ""), w["name"]), style=struck),
            temp_cell, Text(_short(e.get("door") or e.get("org", ""), w["where"]), style=struck),
            Text(cp.label("dir", e.get("direction", "")), style=struck),
            Text(_short(purpose, w["purpose"]), style=struck),
            Text(_short(outcome, w["outcome"]), style=" ".join(p for p in (
                "bold" if e.get("outcome") != "turned_away" else "", struck) if p)),
            Text(_short(e.get("plate", ""), w["plate"]), style=struck))
