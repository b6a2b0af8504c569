"""The hand-out list of one building's households still without a
thermometer: an A4 PDF with a box to sign (away households shaded), and
every building's list as a spreadsheet export.
"""

from __future__ import annotations

import io
from pathlib import Path

from console.core import clock, exports, i18n, output, printing
from console.core.operators import Actor
from console.core.spreadsheet import Column, Table
from console.core.store import Store
from console.households import registry as households
from console.stock.balances import without_thermometer

i18n.add({
    "stock.sheet_title": ("{building} 栋 体温计发放表（{n} 户未领）", "Building {building}: thermometer hand-out ({n} to go)"),
    "stock.col_door": ("门牌", "Door"),
    "stock.col_head": ("户主", "Head"),
    "stock.col_members": ("人数", "People"),
    "stock.col_signed": ("签收", "Signed"),
    "stock.sheet_foot": ("免费发放，不收任何费用。打印于 {at}，第 {page}/{pages} 页",
                         "Free of charge; take no money. Printed {at}, page {page}/{pages}"),
    "stock.away": ("不在家", "away"),
})


# -- the printable hand-out list ------------------------------------------------

def handout_sheet(store: Store, building: int, path: Path | None = None) -> Path:
    """An A4 PDF (one line per household without a thermometer, a box to sign,
    away households shaded) for one building. Returns its path (default
    ``<data>/exports/thermometers-<building>-<time>.pdf``, group-shared)."""
    households.building(store, building)  # an unknown building: a message, not an empty sheet
    pages = sheet_pages(store, building)
    if path is None:
        path = store.root / "exports" / f"thermometers-{building}-{clock.now():%Y%m%d-%H%M%S}.pdf"
    buf = io.BytesIO()
    pages[0].save(buf, "PDF", resolution=150.0, save_all=True, append_images=pages[1:])
    return output.write(store, path, buf.getvalue())


def sheet_pages(store: Store, building: int) -> list:
    """The hand-out sheet of one building as A4 page images (150 dpi)."""
    from PIL import Image, ImageDraw, ImageFont  # noqa: PLC0415

    font_path = printing.require_font()
    rows = without_thermometer(store, building).get(building, [])
    width, height, margin, line = 1240, 1754, 90, 56          # A4 at 150 dpi
    per_page = (height - 2 * margin - 200) // line
    pages_rows = [rows[i:i + per_page] for i in range(0, len(rows), per_page)] or [[]]
    big = ImageFont.truetype(font_path, 44)
    body = ImageFont.truetype(font_path, 32)
    small = ImageFont.truetype(font_path, 24)
    stamp = clock.now().strftime("%Y-%m-%d %H:%M")
    pages = []
    for n, chunk in enumerate(pages_rows, start=1):
        img = Image.new("RGB", (width, height), "white")
        d = ImageDraw.Draw(img)
        d.text((margin, margin), i18n.t("stock.sheet_title", building=building, n=len(rows)),
               font=big, fill="black")
        y = margin + 100
        for x, key in ((0, "door"), (230, "head"), (620, "members"), (760, "signed")):
            d.text((margin + x, y), i18n.t(f"stock.col_{key}"), font=body, fill="black")
        y += line
        d.line((margin, y - 8, width - margin, y - 8), fill="black", width=2)
        for r in chunk:
            if not r["at_home"]:
                d.rectangle((margin - 10, y - 4, width - margin, y + line - 12), fill="#b0b0b0")
            head = r["head"] or ""
            if not r["at_home"]:
                head += f"（{i18n.t('stock.away')}）"
            d.text((margin, y), r["door"], font=body, fill="black")
            d.text((margin + 230, y), head, font=body, fill="black")
            d.text((margin + 620, y), str(r["members"] or ""), font=body, fill="black")
            d.rectangle((margin + 760, y - 2, width - margin, y + line - 14), outline="black", width=2)
            y += line
        d.text((margin, height - margin), i18n.t("stock.sheet_foot", at=stamp, page=n,
                                                  pages=len(pages_rows)), font=small, fill="black")
        pages.append(img)
    return pages


# -- spreadsheet: the hand-out list ---------------------------------------------------

i18n.add({
    "stock.export.handouts": ("体温计发放名单", "thermometer hand-out list"),
    "stock.col_building": ("楼号", "Building"),
    "stock.col_away": ("不在家", "Away"),
})

HANDOUT_COLUMNS = (Column("building", "stock.col_building"), Column("door", "stock.col_door"),
                   Column("head", "stock.col_head"), Column("members", "stock.col_members", "0"),
                   Column("away", "stock.col_away"), Column("signed", "stock.col_signed"))


def handout_table(store: Store, actor: Actor, days: list[str]) -> Table:
    """Every building's households still without a thermometer (the printed
    hand-out list, with an empty column to sign)."""
    rows = [{**r, "away": not r["at_home"]} for per_building in without_thermometer(store).values()
            for r in per_building]
    return Table(i18n.t("stock.export.handouts"), HANDOUT_COLUMNS, rows)


EXPORTS = [exports.Export("handouts", "stock.export.handouts", handout_table, dated=False)]
