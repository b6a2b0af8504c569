"""What volunteers type at the stock desk: quantities, stock-take counts,
unit prices in yuan (kept as integer fen, never a float), how many hours a
gun is lent for, a required short text, a date.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from typing import Any

from console.core import clock, i18n, safe_text
from console.core.i18n import DomainError
from console.core.numbers import whole_number

MAX_QTY = 100_000
MAX_FEN = 10_000_000                  # 100,000 yuan per unit is surely a typo
MAX_LOAN_HOURS = 168                  # a gun lent for longer than a week is lent again

i18n.add({
    "stock.bad_qty": ("数量必须是大于 0 的整数。", "The quantity must be a whole number above 0."),
    "stock.bad_count": ("盘点数必须是 0 或正整数，收到“{text}”。",
                        "The count must be a whole number (0 or more), not “{text}”."),
    "stock.bad_cost": ("单价请填元，例如 3.5（不能为负）。", "Enter the unit price in yuan, e.g. 3.5 (not negative)."),
    "stock.bad_hours": ("借用时长请填 1 到 {most} 的整数小时。",
                        "Lend it for a whole number of hours, 1 to {most}."),
    "stock.bad_date": ("日期看不懂：{text}（格式 2020-03-05）。", "Cannot read the date {text} (use 2020-03-05)."),
})


# -- parsing what volunteers type -----------------------------------------------

def parse_qty(value: Any, field: str = "qty") -> int:
    """A positive whole quantity (int or typed text), else a clear error."""
    return whole_number(value, "stock.bad_qty", field, hi=MAX_QTY)


def parse_count(value: Any) -> int:
    """A stock-take count: a whole number, 0 allowed."""
    text = str(value if value is not None else "").strip()
    return whole_number(value, "stock.bad_count", "counted", lo=0, hi=MAX_QTY, text=text)


def loan_hours(value: Any) -> int:
    """How long a gun is lent for: whole hours (full-width digits too), 1 to
    MAX_LOAN_HOURS; empty, 0, "-5", "1.5" or "八" are refused with one message."""
    return whole_number(value, "stock.bad_hours", "hours", hi=MAX_LOAN_HOURS, most=MAX_LOAN_HOURS)


def due_in(hours: Any) -> dt.datetime:
    """When a gun lent now for ``hours`` (as typed) is due back."""
    return clock.now() + dt.timedelta(hours=loan_hours(hours))


def parse_yuan(value: Any) -> int:
    """Typed yuan ("3.5", "３.５０", 3) -> integer fen (350). Never a float in storage."""
    if isinstance(value, int) and not isinstance(value, bool):
        text = str(value)
    else:
        text = unicodedata.normalize("NFKC", str(value or "")).strip().removesuffix("元").strip()
    m = re.fullmatch(r"(\d{1,7})(?:\.(\d{1,2}))?", text)
    if not m:
        raise DomainError("stock.bad_cost", field="cost")
    fen = int(m[1]) * 100 + int((m[2] or "0").ljust(2, "0"))
    if fen > MAX_FEN:
        raise DomainError("stock.bad_cost", field="cost")
    return fen


def yuan(fen: int) -> str:
    """Integer fen as yuan text: 35050 -> '350.50'."""
    sign = "-" if fen < 0 else ""
    return f"{sign}{abs(fen) // 100}.{abs(fen) % 100:02d}"


def required_text(value: Any, key: str, field: str, limit: int = 40) -> str:
    """One clean line of at most ``limit`` characters; empty raises DomainError ``key``."""
    text = safe_text.line(value, nfkc=True)[:limit]
    if not text:
        raise DomainError(key, field=field)
    return text


def parse_date(value: Any) -> str:
    """A typed date (default today) as ISO text."""
    if value is None or value == "":
        return clock.today().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    text = unicodedata.normalize("NFKC", str(value)).strip()
    try:
        return dt.date.fromisoformat(text).isoformat()
    except ValueError:
        raise DomainError("stock.bad_date", field="date", text=text) from None
