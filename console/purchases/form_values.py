"""What a volunteer types into a purchases form, read into the values the
orders take: an amount of money (integer fen inside, ``3550`` = 35.50 yuan;
:func:`money` shows it back), a day, a time of day, which items of a pack were
not bought, and how a bill was settled. The screens call these as the field's
check and again on save, so the message under the field is the one the save
would give."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from decimal import Decimal, InvalidOperation

from console.core import i18n
from console.core.i18n import DomainError

MAX_FEN = 10_000_000          # 100,000 yuan: anything above is a typo

i18n.add({
    "purchases.bad_money": ("金额“{text}”看不懂，请写如 35 或 35.50。",
                            "Cannot read amount “{text}”: write e.g. 35 or 35.50."),
    "purchases.money_decimals": ("金额最多两位小数（到分）：{text}。",
                                 "An amount has at most two decimals (fen): {text}."),
    "purchases.money_negative": ("金额不能是负数：{text}。", "An amount cannot be negative: {text}."),
    "purchases.money_big": ("金额 {text} 太大。", "The amount {text} is too large."),
    "purchases.bad_date": ("日期“{text}”看不懂，请写 2026-03-05。", "Cannot read date “{text}”: write 2026-03-05."),
    "purchases.bad_time": ("时间“{text}”看不懂，请写 20:00。", "Cannot read time “{text}”: write 20:00."),
    "purchases.no_shop": ("请填写超市/商店。", "Enter the shop."),
    "purchases.bad_item_numbers": ("请写物品序号，如 2 或 1,3。", "Write item numbers, e.g. 2 or 1,3."),
})

#: the words a desk types for a settlement, Chinese and English, short and long
SETTLE_WORDS = {"paid": "paid", "已付": "paid", "付": "paid", "free": "free", "免费": "free",
                "waived": "waived", "减免": "waived", "免": "waived"}


def item_numbers(text: str) -> list[int]:
    """``"2,3"`` (or 2、3 / 2，3 / 2 3) → ``[1, 2]``: the 0-based lines of a pack."""
    out = []
    for part in text.replace("，", ",").replace("、", ",").replace(" ", ",").split(","):
        if part.strip():
            if not part.strip().isdigit() or int(part) < 1:
                raise DomainError("purchases.bad_item_numbers", field="short")
            out.append(int(part) - 1)
    return out


def settle_how(text: str) -> str:
    """``"已付"`` / ``"free"`` / ``"减免"`` … → one of settlement.SETTLE."""
    how = SETTLE_WORDS.get(text.strip().lower())
    if not how:
        raise DomainError("purchases.bad_settle", field="how")
    return how


def parse_money(text: str | int | float | None, field: str = "amount") -> int:
    """'35', '35.5', '35.50', '¥35', '35元' -> fen (3500, 3550, 3550...).

    Refuses more than two decimals, negatives and absurd sizes."""
    if isinstance(text, int) and not isinstance(text, bool):
        text = str(text)
    raw = unicodedata.normalize("NFKC", str(text or "")).strip()
    s = raw.replace("¥", "").replace("￥", "").replace("元", "").replace(",", "").strip()
    if s.startswith("-"):
        raise DomainError("purchases.money_negative", field=field, text=raw)
    if not re.fullmatch(r"\d+(?:\.\d*)?|\.\d+", s):
        raise DomainError("purchases.bad_money", field=field, text=raw)
    try:
        value = Decimal(s)
    except InvalidOperation:
        raise DomainError("purchases.bad_money", field=field, text=raw) from None
    if value != value.quantize(Decimal("0.01")):
        raise DomainError("purchases.money_decimals", field=field, text=raw)
    fen = int(value * 100)
    if fen > MAX_FEN:
        raise DomainError("purchases.money_big", field=field, text=raw)
    return fen


def money(fen: int | None) -> str:
    """3550 -> '35.50'; None -> ''."""
    if fen is None:
        return ""
    sign = "-" if fen < 0 else ""
    return f"{sign}{abs(fen) // 100}.{abs(fen) % 100:02d}"


def parse_day(text: str | dt.date | None) -> dt.date:
    if isinstance(text, dt.date):
        return text
    try:
        return dt.date.fromisoformat(str(text or "").strip())
    except ValueError:
        raise DomainError("purchases.bad_date", field="date", text=text or "") from None


def parse_hhmm(text: str) -> dt.time:
    m = re.fullmatch(r"\s*(\d{1,2})[:：.](\d{2})\s*", str(text or ""))
    if not m or int(m[1]) > 23 or int(m[2]) > 59:
        raise DomainError("purchases.bad_time", field="time", text=text or "")
    return dt.time(int(m[1]), int(m[2]))
