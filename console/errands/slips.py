"""Pass slips as images (Pillow): thermal widths and an A4 sheet PDF.

Chinese text needs a CJK font. It is found at run time with
``fc-list ':lang=zh-cn' file`` (or the ``DESK_CJK_FONT`` environment
variable) and cached for the process. Without one the console refuses to
print and names the Debian package to install: a slip of empty boxes at the
gate is worse than no slip.

The QR code is version 3 at error correction H (numeric mode, the 52-digit
code fits), quiet zone 4 modules, every module a whole number of pixels so a
thermal printer's dots line up with it.
"""

from __future__ import annotations

import datetime as dt
import functools
import io
from collections.abc import Iterable, Iterator
from pathlib import Path

import qrcode
from PIL import Image, ImageDraw, ImageFont
from qrcode.constants import ERROR_CORRECT_H

from console.core import output, settings
from console.errands.passes import groups
from console.core.printing import require_font
from console.core.store import Store
from console.core.store_files import mkdir

WIDTHS = (384, 576)          # 58 mm and 80 mm thermal paper at 203 dpi
QR_VERSION = 3
QUIET = 4
A4_DPI = 200
A4 = (1654, 2339)            # 210 x 297 mm at 200 dpi

# slip text in both languages, chosen per slip (not by the session language)
_TEXT = {
    "title": ("外出通行证", "ERRAND PASS"),
    "title.household": ("居民出入证", "HOUSEHOLD PASS"),
    "title.commuter": ("单位工作证明", "WORK PASS"),
    "number": ("编号 {number}", "No. {number}"),
    "gen": ("第 {gen} 版", "print {gen}"),
    "person": ("姓名", "Name"),
    "door": ("门牌", "Household"),
    "org": ("单位", "Organisation"),
    "purpose": ("事由", "Purpose"),
    "items": ("物品", "Items"),
    "destination": ("去向", "Going to"),
    "escort": ("陪同", "Escort"),
    "no_escort": ("无", "none"),
    "window": ("时间", "Window"),
    "gate": ("出入口", "Gate"),
    "rule": ("出门一次、返回一次，请按时返回。重新打印后旧条作废。",
             "Out once, back in once; return on time. A reprint voids earlier slips."),
    "rule.household": ("本户成员凭证出入，按本户外出名额；撤销或重新打印后旧证作废。",
                       "For this household's members, within its out-quota. "
                       "Revoking or reprinting voids earlier slips."),
    "rule.commuter": ("本人每天出门、返回各一次，限通行时段；重新打印后旧证作废。",
                      "For this person only: out and back once a day within the hours. "
                      "A reprint voids earlier slips."),
    "issued": ("签发 {who} {at}", "Issued by {who} {at}"),
}


def _t(key: str, lang: str, **params: object) -> str:
    text = _TEXT[key][0 if lang == "zh" else 1]
    return text.format(**params) if params else text


@functools.lru_cache(maxsize=32)
def _font(path: str, size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(path, size)


# -- QR --
def qr_matrix(code: str) -> list[list[bool]]:
    """Modules of the code's QR symbol (version 3, ECC H), quiet zone included."""
    qr = qrcode.QRCode(version=QR_VERSION, error_correction=ERROR_CORRECT_H, border=QUIET)
    qr.add_data(qrcode.util.QRData(code, mode=qrcode.util.MODE_NUMBER))
    qr.make(fit=False)
    return qr.get_matrix()


def qr_image(code: str, module: int) -> Image.Image:
    """Black-on-white QR, ``module`` whole pixels per module."""
    matrix = qr_matrix(code)
    n = len(matrix)
    small = Image.new("L", (n, n), 255)
    small.putdata([0 if cell else 255 for row in matrix for cell in row])
    return small.resize((n * module, n * module), Image.Resampling.NEAREST)


# -- slip --
def _wrap(draw: ImageDraw.ImageDraw, text: str, font, width: int) -> list[str]:
    lines, line = [], ""
    for ch in text:
        if ch == "\n":
            lines.append(line)
            line = ""
            continue
        if line and draw.textlength(line + ch, font=font) > width:
            # break English at a space when there is one on the line
            cut = line.rfind(" ")
            if ch != " " and cut > 0 and line.isascii():
                lines.append(line[:cut])
                line = line[cut + 1:] + ch
            else:
                lines.append(line)
                line = "" if ch == " " else ch
        else:
            line += ch
    if line:
        lines.append(line)
    return lines or [""]


def _fmt_window(errand: dict) -> str:
    start = dt.datetime.fromisoformat(errand["start"])
    end = dt.datetime.fromisoformat(errand["end"])
    tail = end.strftime("%H:%M") if end.date() == start.date() else end.strftime("%m-%d %H:%M")
    return f"{start:%m-%d %H:%M} – {tail}"


def render(errand: dict, *, lang: str = "zh", width: int = 384, gate: str = "",
           site: str = "") -> Image.Image:
    """The slip for an errand with an issued pass, ``width`` pixels wide."""
    if width not in WIDTHS:
        raise ValueError(f"slip width must be one of {WIDTHS}")
    font_path = require_font()
    code = errand["code"]
    pad = 8 if width == 384 else 12
    inner = width - 2 * pad
    s = width / 384
    big, mid, small = (_font(font_path, round(x * s)) for x in (30, 22, 18))
    n = 4 * QR_VERSION + 17 + 2 * QUIET
    module = inner // n
    qr = qr_image(code, module)

    canvas = Image.new("L", (width, 4000), 255)
    d = ImageDraw.Draw(canvas)
    y = pad

    def text(line: str, font, center: bool = False, gap: int = 4) -> None:
        nonlocal y
        for part in _wrap(d, line, font, inner):
            x = pad + (inner - d.textlength(part, font=font)) / 2 if center else pad
            d.text((x, y), part, font=font, fill=0)
            y += font.size + gap

    def rule() -> None:
        nonlocal y
        y += 4
        d.line((pad, y, width - pad, y), fill=0, width=2)
        y += 8

    if site:
        text(site, mid, center=True)
    kind = errand.get("pass_kind")  # standing passes (console.standing) say which
    text(_t(f"title.{kind}" if kind else "title", lang), big, center=True)
    number = f"{errand['pass_no']:06d}"
    text(_t("number", lang, number=number) + "  " + _t("gen", lang, gen=errand["pass_gen"]),
         mid, center=True)
    rule()
    sep = "：" if lang == "zh" else ": "
    rows = [("person", errand["person"]),
            ("door", errand["door"]) if errand.get("door") else ("org", errand.get("org", "")),
            ("purpose", errand["purpose"])]
    if errand.get("items"):
        rows.append(("items", errand["items"]))
    if errand.get("destination"):
        rows.append(("destination", errand["destination"]))
    rows += [("escort", errand.get("escort") or _t("no_escort", lang)),
             ("window", errand.get("window") or _fmt_window(errand))]
    if gate:
        rows.append(("gate", gate))
    for key, value in rows:
        text(f"{_t(key, lang)}{sep}{value}", mid if key in ("person", "window") else small)
    y += 4
    canvas.paste(qr, ((width - qr.width) // 2, y))
    y += qr.height + 4
    text(groups(code), mid, center=True)
    rule()
    text(_t(f"rule.{kind}" if kind else "rule", lang), small)
    issued = (errand.get("issued_at") or "")[:16].replace("T", " ")
    text(_t("issued", lang, who=errand.get("issued_by", ""), at=issued), small)
    return canvas.crop((0, 0, width, y + pad))


def sheet_pages(slips: Iterable[Image.Image]) -> Iterator[Image.Image]:
    """A4 pages (200 dpi, 1-bit) with as many slips per page as fit, in a
    grid; each page is handed on as soon as it is full, so a batch of 100
    slips holds one greyscale page and one slip at a time, not all of them."""
    margin, gap = 60, 30
    page = None
    x = y = row_h = 0
    for slip in slips:
        w, h = slip.size
        if page is not None and x + w > A4[0] - margin:
            x, y, row_h = margin, y + row_h + gap, 0
        if page is None or y + h > A4[1] - margin:
            if page is not None:
                yield page.convert("1", dither=Image.Dither.NONE)
            page = Image.new("L", A4, 255)
            x, y, row_h = margin, margin, 0
        page.paste(slip, (x, y))
        # cutting guide
        ImageDraw.Draw(page).rectangle((x - 4, y - 4, x + w + 3, y + h + 3), outline=128)
        x += w + gap
        row_h = max(row_h, h)
    if page is not None:
        yield page.convert("1", dither=Image.Dither.NONE)


def pdf_bytes(slips: Iterable[Image.Image]) -> bytes:
    """A multi-page A4 PDF of ``slips`` (an iterable: render them lazily).
    Each page is appended to the PDF as soon as it is laid out (Pillow keeps
    a 1-bit page at a byte per pixel, ~4 MB: a list of 50 was 200 MB)."""
    buf = io.BytesIO()
    count = 0
    for page in sheet_pages(slips):
        page.save(buf, "PDF", append=count > 0, resolution=A4_DPI)
        count += 1
    if not count:
        raise ValueError("no slips")
    return buf.getvalue()


# -- files --
def slips_dir(store: Store) -> Path:
    path = store.root / "slips"
    mkdir(path)
    return path


def png_bytes(image: Image.Image) -> bytes:
    buf = io.BytesIO()
    image.save(buf, "PNG", optimize=False, dpi=(203, 203))
    return buf.getvalue()


def save_png(store: Store, errand: dict, image: Image.Image) -> Path:
    """``slips/e<errand>-p<pass>-g<generation>-<width>.png`` (``s…`` for a standing pass)."""
    name = (f"{'s' if errand.get('pass_kind') else 'e'}{errand['number']:05d}-p{errand['pass_no']:06d}-g{errand['pass_gen']}"
            f"-{image.width}.png")
    return output.write(store, slips_dir(store) / name, png_bytes(image))


def site_name(store: Store) -> str:
    return settings.get(store, "site_name") or ""
