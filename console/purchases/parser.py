"""Chat-group sign-up lists (接龙) turned into orders, and item lines typed at the desk.

A sign-up list is pasted as it came from the chat group::

    #接龙 明天代购
    1. 5栋302 土豆2斤 牛奶1箱
    2．王秀英 鸡蛋３０个（要土鸡蛋）
    3、五栋三零二 两斤土豆

Each numbered line names a household (by door in any form volunteers write,
or by the household head's name from the registry) and one or more items
(item, quantity, unit, optional note in brackets). Every line that cannot be
read comes back as a problem with its line number and a message; nothing is
dropped silently. The parser changes nothing: it only reads.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from console.core import i18n, safe_text
from console.households.registry import normalise_door
from console.core.i18n import DomainError

i18n.add({
    "orders.no_items": ("没有看到要买的东西（例如：土豆2斤）。",
                        "No items found (write e.g. 土豆2斤 / potatoes 2 jin)."),
    "orders.no_unit": ("“{text}”缺少单位（斤、两、箱、个、袋……），例如 {text}斤。",
                       "“{text}” has no unit (斤, 两, 箱, 个, 袋…): e.g. {text}斤."),
    "orders.no_qty": ("“{text}”缺少数量，例如 {text}1个。",
                      "“{text}” has no quantity: e.g. {text}1个."),
    "orders.zero_qty": ("“{item}”的数量必须大于 0。", "The quantity of “{item}” must be more than 0."),
    "orders.big_qty": ("“{item}”的数量 {qty} 太大（最多 {max}）。",
                       "The quantity {qty} of “{item}” is too large (at most {max})."),
    "orders.no_household": ("看不出是哪一户：请在开头写门牌（如 5栋302）或户主姓名。",
                            "Which household? Start with a door (e.g. 5栋302) or the head's name."),
    "orders.unknown_door": ("登记表里没有门牌 {door}。", "No household with door {door} in the registry."),
    "orders.ambiguous_name": ("有 {n} 户户主叫 {name}（{doors}），请写门牌。",
                              "{n} households have a head named {name} ({doors}): write the door."),
    "orders.too_many_lines": ("一单最多 {max} 样东西。", "At most {max} items per order."),
    "orders.long_item": ("物品名“{item}”太长。", "Item name “{item}” is too long."),
    "orders.long_line": ("这一行有 {n} 个字，最多 {max} 个：请每户写一行。",
                         "This line has {n} characters, at most {max}: write one line per household."),
})

MAX_QTY = 999
MAX_LINES = 40
MAX_ITEM = 30
#: a chat line or a typed item list longer than this is refused, not read
MAX_LINE = 500

#: units, longest first so 公斤 wins over 斤
UNITS = sorted("公斤 千克 kg 斤 两 克 g 箱 个 袋 份 盒 瓶 包 桶 把 颗 只 条 块 罐 提 打 件 棵 根 听 板 "
               "串 支 卷 双 盆 筒 张 本 套 枚 升 L 副 对 扎 捆 斗 筐 杯 碗 片".split(), key=len, reverse=True)
#: weights combine into 斤 on the shopping list
TO_JIN = {"斤": 1, "两": 0.1, "公斤": 2, "千克": 2, "kg": 2, "克": 0.002, "g": 0.002}

_CN = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6,
       "七": 7, "八": 8, "九": 9}
_UNIT = "|".join(re.escape(u) for u in UNITS)
# Every repetition is bounded, so each regex costs a constant per start position
# and the parser stays linear in the line's length.
_QTY = r"\d{1,6}(?:\.\d{1,3})?|[一二两三四五六七八九十]{1,6}半?|半"
_SEP = r"\s,，、;；+/"
# item then quantity then unit: 土豆2斤, 牛奶 1箱, 35元菜包1份(不要葱)
_ITEM_FIRST = re.compile(
    rf"(?P<item>[^{_SEP}()]{{1,60}}?)\s*(?:[x×*]\s*)?(?P<qty>{_QTY})\s*(?P<unit>{_UNIT})"
    rf"(?P<note>\s*\([^)]{{0,80}}\))?")
# quantity then unit then item: 两斤土豆, 1箱牛奶 (only at the start of a word)
_QTY_FIRST = re.compile(
    rf"(?<![^{_SEP}])(?P<qty>{_QTY})\s*(?P<unit>{_UNIT})(?P<item>[^{_SEP}()\d]{{1,60}})"
    rf"(?P<note>\s*\([^)]{{0,80}}\))?")
_SEQ = re.compile(r"^\s*(?P<seq>\d{1,4})\s*[.、,:)]\s*")
_DOOR = re.compile(
    r"^(?P<door>[0-9零〇一二两三四五六七八九十]{1,3}\s*(?:栋|幢|号楼|楼|#|-|—|/)\s*"
    r"(?:[0-9一二三四五六七八九十]{1,2}\s*(?:单元|-)\s*)?[0-9零〇一二三四五六七八九]{3,4}\s*(?:室|号)?)")
_PHONE = re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)")
_NOTE = re.compile(r"(?:备注|注)\s*:\s*")


def clean(text: str) -> str:
    """NFKC (full-width digits and punctuation to ASCII), brackets unified."""
    text = unicodedata.normalize("NFKC", safe_text.clean(text or "", multiline=True))
    return text.replace("【", "(").replace("】", ")").replace("[", "(").replace("]", ")")


def cn_qty(text: str) -> float:
    """'2' -> 2, '1.5' -> 1.5, '两' -> 2, '十二' -> 12, '半' -> 0.5, '三半' -> 3.5."""
    half = 0.5 if text.endswith("半") else 0
    text = text.rstrip("半")
    if not text:
        return half
    if re.fullmatch(r"\d+(?:\.\d+)?", text):
        return float(text) + half
    if "十" in text:
        tens, _, ones = text.partition("十")
        return (_CN.get(tens, 1) if tens else 1) * 10 + (_CN.get(ones, 0) if ones else 0) + half
    value = 0
    for ch in text:
        value = value * 10 + _CN[ch]
    return value + half


def number(value: float) -> int | float:
    """2.0 -> 2, 1.5 stays 1.5 (quantities are stored as plain numbers)."""
    value = round(float(value), 2)
    return int(value) if value == int(value) else value


def check_line(item: str, qty: float, unit: str, note: str = "") -> dict:
    """One validated order line, or a DomainError naming what is wrong."""
    item = " ".join(clean(item).split()).strip(_SEP.replace("\\s", "") + " ")
    if not item:
        raise DomainError("orders.no_items", field="lines")
    if len(item) > MAX_ITEM:
        raise DomainError("orders.long_item", field="lines", item=item)
    try:
        qty = float(qty)
    except (TypeError, ValueError):
        raise DomainError("orders.no_qty", field="lines", text=item) from None
    if not qty > 0:
        raise DomainError("orders.zero_qty", field="lines", item=item)
    if qty > MAX_QTY:
        raise DomainError("orders.big_qty", field="lines", item=item, qty=number(qty), max=MAX_QTY)
    unit = clean(unit).strip()
    if not unit:
        raise DomainError("orders.no_unit", field="lines", text=item)
    return {"item": item, "qty": number(qty), "unit": unit, "note": " ".join(clean(note).split())}


def _line(m: re.Match) -> dict:
    note = (m["note"] or "").strip()[1:-1]
    if m.groupdict().get("item", "").rstrip().endswith(("-", "负")):   # 土豆-2斤
        raise DomainError("orders.zero_qty", field="lines", item=m["item"].rstrip(" -负"))
    return check_line(m["item"], cn_qty(m["qty"]), m["unit"], note)


def _leftover(text: str) -> str:
    return text.strip(_SEP.replace("\\s", "") + " \t")


@dataclass
class Parsed:
    """Items read from a piece of text, plus what was left over before them."""

    lines: list[dict] = field(default_factory=list)
    lead: str = ""          # text before the first item (a person's name, say)
    note: str = ""


def _scan(text: str) -> Parsed:
    """Read every item in ``text``; anything unreadable raises a DomainError."""
    out = Parsed()
    m = _NOTE.search(text)
    if m and text[m.end():].strip():
        out.note, text = text[m.end():].strip(), text[:m.start()]
    pos = 0
    while pos < len(text):
        a = _QTY_FIRST.match(text, pos) or _QTY_FIRST.search(text, pos)
        b = _ITEM_FIRST.search(text, pos)
        # take whichever starts first; at the same place the qty-first form only
        # when it starts a word (two items would otherwise glue together)
        m = min((x for x in (a, b) if x), key=lambda x: (x.start(), x is b), default=None)
        gap = _leftover(text[pos:m.start() if m else len(text)])
        if gap and m and m.groupdict().get("item", "").strip() in ("-", "负"):
            # 土豆 -2斤: the minus stood alone, so the item is the word before it
            raise DomainError("orders.zero_qty", field="lines", item=gap.split()[-1])
        if gap:
            if gap.startswith("(") and gap.endswith(")"):
                note = gap[1:-1].strip()
                if out.lines:
                    out.lines[-1]["note"] = " ".join(filter(None, (out.lines[-1]["note"], note)))
                else:
                    out.note = " ".join(filter(None, (out.note, note)))
            elif not out.lines and not out.lead and not re.search(r"\d", gap):
                out.lead = gap
            else:
                _raise_gap(gap)
        if not m:
            break
        out.lines.append(_line(m))
        if len(out.lines) > MAX_LINES:
            raise DomainError("orders.too_many_lines", field="lines", max=MAX_LINES)
        pos = m.end()
    return out


def _raise_gap(gap: str) -> None:
    word = gap.split()[-1] if gap.split() else gap
    if re.search(rf"(?:{_QTY})$", word):
        raise DomainError("orders.no_unit", field="lines", text=word)
    raise DomainError("orders.no_qty", field="lines", text=word)


def _check_length(text: str) -> str:
    if len(text) > MAX_LINE:
        raise DomainError("orders.long_line", field="lines", n=len(text), max=MAX_LINE)
    return text


def parse_items(text: str) -> list[dict]:
    """Items typed at the desk (``土豆2斤 牛奶1箱(全脂)``) -> validated lines."""
    parsed = _scan(_check_length(clean(text)))
    if parsed.lead:
        _raise_gap(parsed.lead)
    if not parsed.lines:
        raise DomainError("orders.no_items", field="lines")
    return parsed.lines


def format_items(lines: list[dict]) -> str:
    """The inverse of :func:`parse_items`, for editing an order again."""
    out = []
    for ln in lines:
        note = f"({ln['note']})" if ln.get("note") else ""
        out.append(f"{ln['item']}{ln['qty']:g}{ln['unit']}{note}")
    return " ".join(out)


class Registry:
    """What the parser needs from the household registry: doors and heads' names."""

    def __init__(self, households: list[dict]):
        self.doors = {h["door"]: h for h in households}
        self.heads: dict[str, list[dict]] = {}
        for h in households:
            if h.get("head"):
                self.heads.setdefault(h["head"], []).append(h)
        self.name_lengths = sorted({len(n) for n in self.heads}, reverse=True)

    def by_name(self, text: str) -> tuple[str, list[dict]] | None:
        """The longest registered head name ``text`` starts with."""
        for n in self.name_lengths:
            if text[:n] in self.heads:
                return text[:n], self.heads[text[:n]]
        return None


def parse_order_line(text: str, registry: Registry) -> dict:
    """One sign-up line -> order dict (raises DomainError when it can't be read)."""
    text = _check_length(clean(text).strip())
    order: dict = {"seq": None, "door": "", "person": "", "phone": "", "lines": [], "note": ""}
    m = _SEQ.match(text)
    if m:
        order["seq"] = int(m["seq"])
        text = text[m.end():]
    phone = _PHONE.search(text)
    if phone:
        order["phone"] = phone.group()
        text = text[:phone.start()] + " " + text[phone.end():]
    text = text.strip()
    m = _DOOR.match(text)
    if m:
        door = normalise_door(m["door"])
        text = text[m.end():]
    else:
        hit = registry.by_name(text)
        if not hit:
            raise DomainError("orders.no_household", field="door")
        name, homes = hit
        if len(homes) > 1:
            doors = "、".join(h["door"] for h in homes[:4])
            raise DomainError("orders.ambiguous_name", field="door", n=len(homes), name=name,
                              doors=doors)
        door, order["person"] = homes[0]["door"], name
        text = text[len(name):]
    if door not in registry.doors:
        raise DomainError("orders.unknown_door", field="door", door=door)
    parsed = _scan(text)
    if not parsed.lines:
        if parsed.lead:
            _raise_gap(parsed.lead)
        raise DomainError("orders.no_items", field="lines")
    home = registry.doors[door]
    order.update(door=door, lines=parsed.lines, note=parsed.note,
                 person=order["person"] or parsed.lead or home.get("head", ""),
                 phone=order["phone"] or home.get("phone", ""))
    return order


def _is_header(text: str) -> bool:
    """Title lines of a sign-up post: '#接龙', '3月5日代购接龙', '例：…'."""
    t = clean(text).strip()
    return bool(t.startswith("#") or "接龙" in t or t.startswith(("例", "格式")))


@dataclass
class ChatResult:
    orders: list[dict] = field(default_factory=list)     # each with "line_no" and "raw"
    problems: list[dict] = field(default_factory=list)   # {"line_no", "raw", "message", "key"}
    headers: list[int] = field(default_factory=list)     # line numbers of title lines
    cleaned: list[int] = field(default_factory=list)     # lines that held hidden characters


def parse_chat(text: str, registry: Registry) -> ChatResult:
    """Every line of a pasted sign-up list: orders, problems, title lines.

    Blank lines are skipped; title lines (``#接龙``) are listed, not read;
    every other line is an order or a problem with its line number.
    """
    result = ChatResult()
    for no, raw in enumerate((text or "").splitlines(), start=1):
        raw, hidden = safe_text.scrub(raw)
        if hidden:
            result.cleaned.append(no)
        if not raw.strip():
            continue
        numbered = bool(_SEQ.match(clean(raw)))
        if not numbered and clean(raw).strip().startswith(("#", "例", "格式")):
            result.headers.append(no)
            continue
        try:
            order = parse_order_line(raw, registry)
        except DomainError as exc:
            if not numbered and _is_header(raw):
                result.headers.append(no)
                continue
            result.problems.append({"line_no": no, "raw": raw, "key": exc.key,
                                    "message": str(exc)})
            continue
        result.orders.append({**order, "line_no": no, "raw": raw})
    return result
