"""How a household shows in a cell: its mark's colour, the roll status, a box on the building sheet."""

from __future__ import annotations


from rich.text import Text

from console.core import i18n
from console.households import marks
from console.core.i18n import t


MARK_STYLE = {"red": "bold white on red", "orange": "bold black on dark_orange",
              "yellow": "bold black on yellow"}
AWAY_STYLE = "grey70 on grey23"
def mark_letter(colour: str | None) -> str:
    if not colour:
        return ""
    return {"red": "红", "orange": "橙", "yellow": "黄"}[colour] if i18n.lang() == "zh" \
        else colour[0].upper()


def colour_text(colour: str | None, long: bool = False) -> Text:
    if not colour:
        return Text(marks.colour_name(None))
    return Text(f" {marks.colour_name(colour, long)} ", style=MARK_STYLE[colour])


def roll_status(record: dict | None, at_home: bool = True) -> Text:
    if record is None:
        return Text(t("roll.missing") if at_home else t("roll.away"),
                    style="yellow" if at_home else "grey50")
    temp = f" {record['temp']:.1f}" if record.get("temp") is not None else ""
    if record["status"] == "fever":
        return Text(t("roll.fever") + temp, style="bold red")
    return Text(t("roll.normal") + temp, style="green")


def sheet_cell(cell: dict | None, record: dict | None) -> Text:
    if cell is None:
        return Text("")
    letter = mark_letter(cell["colour"])
    if not cell["at_home"]:
        return Text(f"{cell['room']:>4} {letter or '-'}", style=AWAY_STYLE)
    if cell["colour"]:
        return Text(f"{cell['room']:>4} {letter}", style=MARK_STYLE[cell["colour"]])
    flag = " "
    style = ""
    if record is not None:
        flag, style = ("!", "bold red") if record["status"] == "fever" else ("✓", "green")
    text = Text(f"{cell['room']:>4} ")
    text.append(flag, style=style)
    return text
