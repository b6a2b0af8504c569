"""One sheet per building: a box per household, by floor and door.

:func:`sheet` lays a building out (top floor first, doors left to right,
gaps kept where a floor has fewer doors); :func:`sheet_pdf` draws it on one
A4 page with Pillow: away households shaded dark, key-person colour on the
box, room to write each temperature. Names, phones and reasons are not printed.
"""

from __future__ import annotations

import io
from pathlib import Path

from console.core import clock, i18n, output, printing
from console.households.registry import building as get_building, in_building
from console.core.store import Store

i18n.add({
    "sheets.title": ("{building} 栋 住户表   网格 {grid}   楼长 {leader}",
                     "Building {building} sheet   grid {grid}   leader {leader}"),
    "sheets.subtitle": ("{households} 户，在家 {home} 户   日期 ________   测温人 ________",
                        "{households} households, {home} at home   date ________   by ________"),
    "sheets.legend": ("深色 = 外出（跳过）   红 确诊   橙 疑似/发热   黄 密接居家隔离",
                      "dark = away (skip)   red confirmed   orange suspected/fever   yellow close contact"),
    "sheets.floor": ("{floor} 层", "F{floor}"),
    "sheets.away": ("外出", "away"),
    "sheets.printed": ("打印于 {at}", "printed {at}"),
})

RGB = {"red": (214, 39, 40), "orange": (235, 120, 10), "yellow": (215, 175, 0)}
MARK_LETTER = {"red": ("红", "R"), "orange": ("橙", "O"), "yellow": ("黄", "Y")}


def sheet(store: Store, number: int, marks: dict[str, dict] | None = None) -> dict:
    """{building, grid, leader, columns: ["01", ...], floors: [{floor, cells:
    {suffix: cell}}] top floor first}; cell = {door, room, head, members,
    at_home, colour}."""
    b = get_building(store, number)
    if marks is None:
        from console.households.marks import current
        marks = current(store)
    floors: dict[int, dict[str, dict]] = {}
    columns: set[str] = set()
    houses = in_building(store, number)
    for h in houses:
        suffix = h["room"][-2:]
        columns.add(suffix)
        m = marks.get(h["door"])
        floors.setdefault(h["floor"], {})[suffix] = {
            "door": h["door"], "room": h["room"], "head": h["head"], "members": h["members"],
            "at_home": h.get("at_home", True), "colour": m["colour"] if m else None}
    return {"building": b["number"], "grid": b["grid"], "leader": b.get("leader") or "",
            "households": len(houses), "home": sum(1 for h in houses if h.get("at_home", True)),
            "columns": sorted(columns),
            "floors": [{"floor": f, "cells": floors[f]} for f in sorted(floors, reverse=True)]}


def _font(size: int):
    from PIL import ImageFont
    return ImageFont.truetype(printing.require_font(), size)


def draw_sheet(data: dict):
    """The sheet as an A4 PIL image (150 dpi, portrait)."""
    from PIL import Image, ImageDraw
    W, H, M = 1240, 1754, 60
    img = Image.new("RGB", (W, H), "white")
    d = ImageDraw.Draw(img)
    big, mid = _font(34), _font(22)
    d.text((M, M), i18n.t("sheets.title", building=data["building"], grid=data["grid"],
                          leader=data["leader"] or "—"), font=big, fill="black")
    d.text((M, M + 50), i18n.t("sheets.subtitle", households=data["households"], home=data["home"]),
           font=mid, fill="black")
    d.text((M, M + 84), i18n.t("sheets.legend"), font=mid, fill="black")
    top, bottom, label_w = M + 130, H - M - 30, 70
    cols = max(1, len(data["columns"]))
    rows = max(1, len(data["floors"]))
    bw = (W - 2 * M - label_w) // cols
    bh = min(110, (bottom - top) // rows)
    size = max(12, min(28, bh // 3, bw // 5))
    f_room, f_small = _font(size), _font(max(10, size * 2 // 3))
    zh = i18n.lang() == "zh"
    for r, fl in enumerate(data["floors"]):
        y = top + r * bh
        d.text((M, y + (bh - size) // 2), i18n.t("sheets.floor", floor=fl["floor"]), font=f_small,
               fill="black")
        for c, suffix in enumerate(data["columns"]):
            cell = fl["cells"].get(suffix)
            if cell is None:
                continue
            x = M + label_w + c * bw
            box = (x + 2, y + 2, x + bw - 2, y + bh - 2)
            if not cell["at_home"]:
                d.rectangle(box, fill=(70, 70, 70), outline="black", width=2)
                d.text((x + 8, y + 6), cell["room"], font=f_room, fill="white")
                d.text((x + 8, y + 8 + size), i18n.t("sheets.away"), font=f_small, fill="white")
                continue
            d.rectangle(box, fill="white", outline="black", width=2)
            colour = cell["colour"]
            if colour:
                strip = max(8, bw // 8)
                d.rectangle((x + 2, y + 2, x + 2 + strip, y + bh - 2), fill=RGB[colour])
                d.text((box[2] - size - 6, y + 6), MARK_LETTER[colour][0 if zh else 1],
                       font=f_room, fill=RGB[colour])
                x += strip
            d.text((x + 8, y + 6), cell["room"], font=f_room, fill="black")
            d.text((x + 8, y + 8 + size), f"{cell['members']}人" if zh else f"{cell['members']}p",
                   font=f_small, fill=(90, 90, 90))
    d.text((M, H - M), i18n.t("sheets.printed", at=clock.now().strftime("%Y-%m-%d %H:%M")),
           font=f_small, fill=(90, 90, 90))
    return img


def sheet_pdf(store: Store, number: int, path: str | Path | None = None) -> Path:
    """Write the building's A4 sheet as a PDF; returns its path
    (default ``<data>/exports/sheet-<building>-<date>.pdf``)."""
    data = sheet(store, number)
    img = draw_sheet(data)
    buf = io.BytesIO()
    img.save(buf, "PDF", resolution=150)
    return output.write(store, path or store.root / "exports" / f"sheet-{number}-{clock.today().isoformat()}.pdf",
                        buf.getvalue())
